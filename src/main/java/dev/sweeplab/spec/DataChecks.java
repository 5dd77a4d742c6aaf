package dev.sweeplab.spec;

import java.util.List;
import java.util.Map;

/**
 * The spec's rules across its data keys: what a file-backed data set fixes and how much it holds,
 * what a generated one refuses, the task's labels and loss, and room for the validation split.
 */
final class DataChecks {
  private DataChecks() {}

  /**
   * An explicit {@code dataset.val_size} of a file-backed set must fit in its training file beyond
   * the largest training subset, so the validation samples overlap no training subset of the sweep
   * (the pre-flight check repeats this against the files' sizes; with {@code subset: balanced} the
   * class-by-class room is checked when a run's data is built, which needs the labels, and a run
   * without room fails naming val_size).
   */
  static void checkValSize(Map<Key, List<Object>> values) {
    String given = (String) values.get(SpecKeys.VAL_SIZE).get(0);
    String dataset = (String) values.get(SpecKeys.DATASET).get(0);
    DataShapes shape = DataShapes.of(dataset);
    if (given.equals(RunConfig.VAL_AUTO) || shape == null) {
      return;
    }
    int largest = SweepSpec.largestTrainSize(values);
    int left = Math.max(0, shape.trainMax() - largest);
    if (Integer.parseInt(given) > left) {
      throw UserError.badValue(
          SpecKeys.VAL_SIZE.path(),
          given,
          "must be at most "
              + left
              + ": "
              + dataset
              + "'s training file holds "
              + shape.trainMax()
              + " samples and the largest dataset.train_size is "
              + largest
              + " (validation samples come from the rest); give a smaller value, 0 for no"
              + " validation, or a smaller train_size");
    }
  }

  /**
   * {@code grid} false for a configurations list, whose cross-key rules are checked per line
   * ({@link TrainingChecks#checkCombinations}).
   */
  static void crossCheck(Map<String, Object> flat, Map<Key, List<Object>> values, boolean grid) {
    String dataset = (String) values.get(SpecKeys.DATASET).get(0);
    DataShapes shape = DataShapes.of(dataset);
    if (shape == null) {
      for (Key key : List.of(SpecKeys.DATA_PATH, SpecKeys.NORMALIZE, SpecKeys.SUBSET)) {
        if (!values.get(key).equals(List.of(key.defaultValue()))) {
          throw UserError.of(
              key.path()
                  + " = "
                  + UserError.show(values.get(key).get(0))
                  + " applies to file-backed data sets only; dataset.name = "
                  + dataset
                  + " generates its data: remove it");
        }
      }
    } else {
      fileBacked(flat, values, dataset, shape);
    }
    if (values.get(SpecKeys.TASK).get(0).equals("regression")) {
      for (Object p : values.get(SpecKeys.LABEL_NOISE)) {
        if ((Double) p > 0) {
          throw UserError.badValue(
              SpecKeys.LABEL_NOISE.path(), p, "must be 0 for dataset.task = regression");
        }
      }
    }
    boolean stepsGiven = values.get(SpecKeys.STEPS).stream().anyMatch(s -> (Integer) s > 0);
    boolean epochsGiven =
        flat.containsKey(SpecKeys.EPOCHS.path())
            && !values.get(SpecKeys.EPOCHS).equals(List.of(SpecKeys.EPOCHS.defaultValue()));
    if (grid && stepsGiven && epochsGiven) {
      throw UserError.of(
          "training.epochs = "
              + UserError.show(flat.get(SpecKeys.EPOCHS.path()))
              + " and training.steps = "
              + UserError.show(flat.get(SpecKeys.STEPS.path()))
              + " are both set: give one of them (steps, when > 0, replaces epochs)");
    }
    if (values.get(SpecKeys.TASK).get(0).equals("classification")) {
      for (Object k : values.get(SpecKeys.CLASSES)) {
        if ((Integer) k < 2) {
          throw UserError.badValue(
              SpecKeys.CLASSES.path(), k, "must be >= 2 for dataset.task = classification");
        }
      }
    }
    checkTraining(flat, values);
    if (grid) {
      TrainingChecks.checkMomentum(
          values, UserError.show(flat.get(SpecKeys.MOMENTUM.path())), null);
    }
  }

  /**
   * Shape keys come from the data set; sizes must fit its files; the path gets its default; the
   * input spectrum is the files'.
   */
  private static void fileBacked(
      Map<String, Object> flat, Map<Key, List<Object>> values, String dataset, DataShapes shape) {
    // A value equal to what the data set implies is no conflict (a recorded spec lists them all).
    Map<Key, Object> implied =
        Map.of(
            SpecKeys.INPUT_DIM, shape.inputDim(),
            SpecKeys.CLASSES, shape.classes(),
            SpecKeys.TEACHER_WIDTH, SpecKeys.TEACHER_WIDTH.defaultValue(),
            SpecKeys.TASK, "classification");
    for (Key key :
        List.of(SpecKeys.INPUT_DIM, SpecKeys.CLASSES, SpecKeys.TEACHER_WIDTH, SpecKeys.TASK)) {
      if (flat.containsKey(key.path()) && !values.get(key).equals(List.of(implied.get(key)))) {
        throw UserError.of(
            key.path()
                + " = "
                + UserError.show(flat.get(key.path()))
                + " is fixed by dataset.name = "
                + dataset
                + " ("
                + shape.inputDim()
                + " inputs, "
                + shape.classes()
                + " classes, classification): remove it");
      }
    }
    if (values.get(SpecKeys.INPUT_SPECTRUM).stream().anyMatch(s -> (Double) s != 0)) {
      throw UserError.of(
          SpecKeys.INPUT_SPECTRUM.path()
              + " = "
              + UserError.show(flat.get(SpecKeys.INPUT_SPECTRUM.path()))
              + " applies to dataset.name = teacher_student only: "
              + dataset
              + " reads its inputs from files, whose spectrum is theirs; remove it");
    }
    values.put(SpecKeys.INPUT_DIM, List.of(shape.inputDim()));
    values.put(SpecKeys.CLASSES, List.of(shape.classes()));
    for (Object n : values.get(SpecKeys.TRAIN_SIZE)) {
      if ((Integer) n > shape.trainMax()) {
        throw UserError.badValue(
            SpecKeys.TRAIN_SIZE.path(), n, "must be <= " + shape.trainMax() + " for " + dataset);
      }
    }
    for (Object n : values.get(SpecKeys.TEST_SIZE)) {
      if ((Integer) n > shape.testMax()) {
        throw UserError.badValue(
            SpecKeys.TEST_SIZE.path(), n, "must be <= " + shape.testMax() + " for " + dataset);
      }
    }
    if (values.get(SpecKeys.DATA_PATH).get(0).equals("")) {
      if (shape.defaultPath().isEmpty()) {
        throw UserError.missing(
            SpecKeys.DATA_PATH.path(),
            dataset + " has no default location: give the directory (or Hadoop URI) of its files");
      }
      values.put(SpecKeys.DATA_PATH, List.of(shape.defaultPath()));
    }
  }

  /**
   * The loss fits the task: regression trains on squared error only, and takes it when {@code
   * dataset.loss} is left out.
   */
  private static void checkTraining(Map<String, Object> flat, Map<Key, List<Object>> values) {
    if (values.get(SpecKeys.TASK).get(0).equals("regression")) {
      if (values.get(SpecKeys.LOSS).contains("cross_entropy")
          && flat.containsKey(SpecKeys.LOSS.path())) {
        throw UserError.badValue(
            SpecKeys.LOSS.path(),
            flat.get(SpecKeys.LOSS.path()),
            "must be mse for dataset.task = regression (cross_entropy needs classes): remove it"
                + " or use dataset.task: classification");
      }
      values.put(SpecKeys.LOSS, List.of(RunConfig.defaultLoss("regression")));
    }
  }
}
