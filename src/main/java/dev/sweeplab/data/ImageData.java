package dev.sweeplab.data;

/**
 * A file-backed image data set as read from disk, in full: pixels as unsigned bytes (row-major,
 * {@code inputDim} per image) and labels for the whole training and test files, where they came
 * from (for messages), and the mean and standard deviation over every pixel of the training file,
 * so {@code normalize: standardize} does not depend on {@code train_size}. Shared by every run in a
 * JVM through a cache: never mutate the arrays.
 */
record ImageData(
    int inputDim,
    int classes,
    byte[] trainX,
    int[] trainLabels,
    String trainSource,
    byte[] testX,
    int[] testLabels,
    String testSource,
    double mean,
    double std) {

  /** The files' contents, with the training pixels' moments computed once. */
  static ImageData of(
      int inputDim,
      int classes,
      byte[] trainX,
      int[] trainLabels,
      String trainSource,
      byte[] testX,
      int[] testLabels,
      String testSource) {
    // Integer sums are exact (60,000 x 3072 x 255^2 < 2^63), so the moments are the same anywhere.
    long sum = 0;
    long squares = 0;
    for (byte b : trainX) {
      int v = b & 0xff;
      sum += v;
      squares += (long) v * v;
    }
    double n = Math.max(trainX.length, 1);
    double mean = sum / n;
    double std = Math.sqrt(Math.max(squares / n - mean * mean, 0));
    return new ImageData(
        inputDim,
        classes,
        trainX,
        trainLabels,
        trainSource,
        testX,
        testLabels,
        testSource,
        mean,
        std > 0 ? std : 1);
  }

  /** Sample counts and sources, as the pre-flight check reports them. */
  Images.Counts counts() {
    return new Images.Counts(
        inputDim, trainLabels.length, trainSource, testLabels.length, testSource);
  }

  /** Approximate heap footprint, for the cache's budget. */
  long bytes() {
    return trainX.length + testX.length + 4L * (trainLabels.length + testLabels.length);
  }
}
