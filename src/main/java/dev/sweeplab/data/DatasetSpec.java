package dev.sweeplab.data;

import dev.sweeplab.spec.RunConfig;

/**
 * What identifies a data set: the fields of a run that shape its data, and the data seed. Runs with
 * equal specs share one {@link Dataset} in a JVM.
 */
public record DatasetSpec(
    String name,
    String task,
    int inputDim,
    int classes,
    int teacherWidth,
    int trainSize,
    int testSize,
    String path,
    double labelNoise,
    String normalize,
    String subset,
    long seed) {

  /** The data set a run trains on. */
  public static DatasetSpec of(RunConfig run) {
    return new DatasetSpec(
        run.dataset(),
        run.task(),
        run.inputDim(),
        run.classes(),
        run.teacherWidth(),
        run.trainSize(),
        run.testSize(),
        run.dataPath(),
        run.labelNoise(),
        run.normalize(),
        run.subset(),
        run.dataSeed());
  }

  public boolean classification() {
    return "classification".equals(task);
  }
}
