package dev.sweeplab.data;

import dev.sweeplab.spec.DataShapes;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.UserError;
import java.io.Serializable;
import java.util.Set;

/**
 * What identifies a data set: the fields of a run that shape its data, and the data seed. Runs with
 * equal specs share one {@link Dataset} in a JVM ({@link DatasetCache}); the files behind a
 * file-backed one are parsed once per (name, path) whatever the other fields. Checked when built:
 * the fields a spec file could get wrong are named in the error.
 *
 * @param name teacher_student, mnist, fashion_mnist or cifar10
 * @param task classification or regression (file-backed sets: classification)
 * @param inputDim inputs per sample (file-backed sets: fixed by the files)
 * @param classes classes, or regression outputs
 * @param teacherWidth hidden units of the teacher (teacher_student only)
 * @param trainSize training samples
 * @param testSize test samples
 * @param path directory or Hadoop URI of the files (file-backed sets only)
 * @param labelNoise probability that a training label is replaced by another class
 * @param normalize standardize, unit or none (images only)
 * @param subset prefix or balanced
 * @param seed the seed of the training sample and its label noise ({@link RunConfig#dataSeed()})
 * @param taskSeed the seed of the teacher network, the test set and (teacher–student) the
 *     validation set ({@link RunConfig#taskSeed()}); equal to {@code seed} unless each repeat draws
 *     its own sample ({@code dataset.data_seed: per_repeat})
 * @param valSize validation samples (0: none)
 * @param inputSpectrum s of the power-law input covariance lambda_i ∝ i^-s (teacher_student only;
 *     0: isotropic)
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
    long seed,
    long taskSeed,
    int valSize,
    double inputSpectrum)
    implements Serializable {
  private static final Set<String> NORMALIZE = Set.of("standardize", "unit", "none");
  private static final Set<String> SUBSET = Set.of("prefix", "balanced");

  public DatasetSpec {
    if (!(labelNoise >= 0 && labelNoise < 1)) {
      throw UserError.badValue("dataset.label_noise", labelNoise, "must be a fraction in [0, 1)");
    }
    if (!NORMALIZE.contains(normalize)) {
      throw UserError.badValue(
          "dataset.normalize", normalize, "must be one of standardize, unit, none");
    }
    if (!SUBSET.contains(subset)) {
      throw UserError.badValue("dataset.subset", subset, "must be one of prefix, balanced");
    }
    if (trainSize < 0 || testSize < 0) {
      throw UserError.badValue(
          "dataset.train_size and test_size", trainSize + ", " + testSize, "must be >= 0");
    }
    if (valSize < 0) {
      throw UserError.badValue("dataset.val_size", valSize, "must be >= 0");
    }
    if (!(inputSpectrum >= 0 && Double.isFinite(inputSpectrum))) {
      throw UserError.badValue(
          "dataset.input_spectrum", inputSpectrum, "must be a finite number >= 0");
    }
    if (inputSpectrum != 0 && !name.equals(DataShapes.TEACHER_STUDENT)) {
      throw UserError.badValue(
          "dataset.input_spectrum",
          inputSpectrum,
          "applies to teacher_student only; " + name + " reads its inputs from files");
    }
  }

  /**
   * A data set without a validation split, with isotropic inputs for teacher_student, whose
   * training sample, teacher and test set share one seed.
   */
  public DatasetSpec(
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
    this(
        name,
        task,
        inputDim,
        classes,
        teacherWidth,
        trainSize,
        testSize,
        path,
        labelNoise,
        normalize,
        subset,
        seed,
        seed,
        0,
        0.0);
  }

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
        run.dataSeed(),
        run.taskSeed(),
        run.valSize(),
        run.inputSpectrum());
  }

  /** Whether samples carry a class label (rather than regression targets). */
  public boolean classification() {
    return "classification".equals(task);
  }
}
