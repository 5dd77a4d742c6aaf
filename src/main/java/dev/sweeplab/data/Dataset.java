package dev.sweeplab.data;

/**
 * A supervised data set held in plain arrays, row-major: {@code x[i * inputDim + j]}. For
 * classification {@code labels[i]} is the class; for regression {@code targets[i * outputs + k]}.
 * Instances are shared between runs through {@link DatasetCache}: never mutate the arrays.
 *
 * @param inputDim features per sample
 * @param outputs classes (classification) or output dimension (regression)
 * @param classification whether labels (true) or targets (false) are set
 * @param train training split
 * @param test test split
 * @param noisyLabels training labels that label noise changed
 */
public record Dataset(
    int inputDim, int outputs, boolean classification, Split train, Split test, int noisyLabels) {

  /** One split of a data set. */
  public record Split(int size, float[] x, int[] labels, float[] targets) {

    /** The first {@code n} samples (a view sharing no state; arrays are copied). */
    public Split prefix(int n, int inputDim, int outputs) {
      if (n >= size) {
        return this;
      }
      float[] px = java.util.Arrays.copyOf(x, n * inputDim);
      int[] pl = labels == null ? null : java.util.Arrays.copyOf(labels, n);
      float[] pt = targets == null ? null : java.util.Arrays.copyOf(targets, n * outputs);
      return new Split(n, px, pl, pt);
    }
  }
}
