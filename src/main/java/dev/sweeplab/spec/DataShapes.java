package dev.sweeplab.spec;

import java.util.Map;

/**
 * The fixed shapes of the file-backed data sets, so a spec is checked against them before anything
 * runs: inputs per sample, classes, and samples in the train and test files.
 */
public record DataShapes(int inputDim, int classes, int trainMax, int testMax, String defaultPath) {
  public static final String TEACHER_STUDENT = "teacher_student";
  static final String[] NAMES = {TEACHER_STUDENT, "mnist", "fashion_mnist", "cifar10"};

  private static final Map<String, DataShapes> FILES =
      Map.of(
          "mnist", new DataShapes(784, 10, 60_000, 10_000, ""),
          "fashion_mnist",
              new DataShapes(784, 10, 60_000, 10_000, "/usr/share/datasets/fashion-mnist"),
          "cifar10", new DataShapes(3072, 10, 50_000, 10_000, ""));

  /** The shape of a file-backed data set, or null for a generated one. */
  public static DataShapes of(String dataset) {
    return FILES.get(dataset);
  }
}
