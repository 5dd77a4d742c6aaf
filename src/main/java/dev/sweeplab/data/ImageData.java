package dev.sweeplab.data;

/**
 * A file-backed image data set as read from disk: pixels as unsigned bytes, row-major, and labels,
 * for the full training and test files, plus the training pixels' mean and standard deviation (for
 * {@code normalize: standardize}). Shared by every run in a JVM: never mutate.
 */
record ImageData(
    int inputDim,
    int classes,
    byte[] trainX,
    int[] trainLabels,
    byte[] testX,
    int[] testLabels,
    double mean,
    double std) {

  int trainCount() {
    return trainLabels.length;
  }

  int testCount() {
    return testLabels.length;
  }

  /** Mean and standard deviation of all training pixels. */
  static double[] moments(byte[] pixels) {
    double sum = 0;
    double squares = 0;
    for (byte b : pixels) {
      int v = b & 0xff;
      sum += v;
      squares += (double) v * v;
    }
    double mean = sum / pixels.length;
    return new double[] {mean, Math.sqrt(Math.max(squares / pixels.length - mean * mean, 1e-12))};
  }
}
