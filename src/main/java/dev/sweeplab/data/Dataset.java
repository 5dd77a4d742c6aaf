package dev.sweeplab.data;

/**
 * A supervised data set held in plain arrays, row-major float32: {@code x[i * inputDim + j]}. For
 * classification {@code labels[i]} is the class; for regression {@code targets[i * outputs + k]}.
 * Instances are shared between runs through {@link DatasetCache}: never mutate the arrays.
 *
 * @param inputDim features per sample
 * @param outputs classes (classification) or output dimension (regression)
 * @param classification whether labels (true) or targets (false) are set
 * @param train training split (label noise, if any, is in its labels)
 * @param test test split (always clean)
 * @param noisyLabels training labels that label noise changed; the realised noise rate is this over
 *     {@code train.size()}
 * @param val validation split: from the training distribution, apart from every training subset of
 *     the sweep, clean labels; size 0 when the run has none
 */
public record Dataset(
    int inputDim,
    int outputs,
    boolean classification,
    Split train,
    Split test,
    int noisyLabels,
    Split val) {

  /** One split of a data set. */
  public record Split(int size, float[] x, int[] labels, float[] targets) {}
}
