package dev.sweeplab.spec;

import dev.sweeplab.model.Parameterization;
import java.util.List;
import java.util.Map;

/**
 * The spec's rules across its training keys, for the grid or one line of a configurations list: the
 * combinations each parameterization defines, momentum with SGD only, warmup within every run, and
 * what a data-parallel run can train.
 */
final class TrainingChecks {
  private TrainingChecks() {}

  /**
   * Every (parameterization, optimizer, depth) the grid combines must be one the parameterization
   * defines ({@link Parameterization#undefinedFor}): ntk with adam and mean_field deeper than one
   * hidden layer are not; nor is {@code model.output_scale} other than 1 with adam. {@code where}
   * names the configuration of a configurations list whose values these are (null: the spec's).
   */
  static void checkParameterizations(Map<Key, List<Object>> values, String where) {
    boolean scaled = values.get(SpecKeys.OUTPUT_SCALE).stream().anyMatch(a -> (Double) a != 1);
    if (scaled && values.get(SpecKeys.OPTIMIZER).contains("adam")) {
      throw UserError.of(
          prefix(where)
              + SpecKeys.OUTPUT_SCALE.path()
              + " = "
              + (where == null
                  ? values.get(SpecKeys.OUTPUT_SCALE)
                  : shown(values.get(SpecKeys.OUTPUT_SCALE)))
              + " is not defined with "
              + SpecKeys.OPTIMIZER.path()
              + " = adam: Chizat & Bach's lazy limit divides the loss by alpha^2 so that a"
              + " gradient step moves the parameters by O(1/alpha); Adam normalises the"
              + " gradient's scale away, so the parameters move as much as at alpha = 1 and the"
              + " output alpha times more: use training.optimizer: sgd");
    }
    for (Object name : values.get(SpecKeys.PARAMETERIZATION)) {
      Parameterization p = Parameterization.of((String) name);
      for (Object optimizer : values.get(SpecKeys.OPTIMIZER)) {
        for (Object depth : values.get(SpecKeys.DEPTH)) {
          String reason = p.undefinedFor((Integer) depth, (String) optimizer);
          if (reason != null) {
            throw UserError.of(
                prefix(where)
                    + SpecKeys.PARAMETERIZATION.path()
                    + " = "
                    + name
                    + " is not defined with "
                    + SpecKeys.OPTIMIZER.path()
                    + " = "
                    + optimizer
                    + " and "
                    + SpecKeys.DEPTH.path()
                    + " = "
                    + depth
                    + ": "
                    + reason);
          }
        }
      }
    }
  }

  /**
   * The cross-key rules of one configuration of a configurations list, named {@code where}: its
   * values are the spec's with the line's in place, so only the spec's own axes still vary.
   */
  static void checkCombinations(Map<Key, List<Object>> values, String where, boolean training) {
    boolean stepsGiven = values.get(SpecKeys.STEPS).stream().anyMatch(s -> (Integer) s > 0);
    if (stepsGiven
        && !values.get(SpecKeys.EPOCHS).equals(List.of(SpecKeys.EPOCHS.defaultValue()))) {
      throw UserError.of(
          where
              + ": training.epochs = "
              + shown(values.get(SpecKeys.EPOCHS))
              + " and training.steps = "
              + shown(values.get(SpecKeys.STEPS))
              + " are both set in this configuration: give one of them (steps, when > 0, replaces"
              + " epochs)");
    }
    checkMomentum(values, shown(values.get(SpecKeys.MOMENTUM)), where);
    if (training) {
      checkParameterizations(values, where);
    }
  }

  /** How an error names a configuration: "" for the spec itself. */
  private static String prefix(String where) {
    return where == null ? "" : where + ": ";
  }

  /** A key's values as an error shows them: the value itself when there is one. */
  private static String shown(List<Object> values) {
    return UserError.show(values.size() == 1 ? values.get(0) : values);
  }

  /** Momentum is SGD's: Adam keeps its own moment estimates. {@code shown}: momentum as given. */
  static void checkMomentum(Map<Key, List<Object>> values, String shown, String where) {
    boolean momentum = values.get(SpecKeys.MOMENTUM).stream().anyMatch(m -> (Double) m != 0);
    if (momentum && values.get(SpecKeys.OPTIMIZER).contains("adam")) {
      throw UserError.of(
          prefix(where)
              + SpecKeys.MOMENTUM.path()
              + " = "
              + shown
              + " is not defined with "
              + SpecKeys.OPTIMIZER.path()
              + " = adam (Adam's beta1 is its momentum): use training.optimizer: sgd, or leave"
              + " training.momentum out (0)");
    }
  }

  /**
   * Warmup fits in every run: {@code training.warmup_steps} at most the run's steps ({@link
   * RunConfig#totalSteps}), which depend on the other axes.
   */
  static void checkWarmup(SweepSpec spec) {
    if (spec.values().get(SpecKeys.WARMUP_STEPS).stream().allMatch(w -> (Integer) w == 0)) {
      return;
    }
    for (RunConfig run : spec.expand()) {
      if (run.warmupSteps() > run.totalSteps()) {
        throw UserError.badValue(
            SpecKeys.WARMUP_STEPS.path(),
            run.warmupSteps(),
            "must be at most the run's steps, "
                + run.totalSteps()
                + " for train_size "
                + run.trainSize()
                + ", batch_size "
                + run.batchSize()
                + (run.steps() > 0 ? ", steps " + run.steps() : ", epochs " + run.epochs())
                + ": shorten the warmup or train longer");
      }
    }
  }

  /**
   * Every run above {@code limits.distributed_above} trains data-parallel, through DL4J's parameter
   * averaging, and so keeps the settings that averaging can train.
   */
  static void checkDataParallel(SweepSpec spec, String distributedAbove) {
    if (distributedAbove.equals("none")) {
      return;
    }
    for (RunConfig run : spec.expand().stream().filter(spec::distributed).toList()) {
      if (run.outputScale() != 1) {
        throw notDataParallel(
            SpecKeys.OUTPUT_SCALE.path() + " = " + run.outputScale(),
            "DL4J's parameter averaging takes the network's own loss",
            run,
            distributedAbove,
            "leave output_scale at 1");
      }
      if (run.readoutOnly()) {
        // Averaging k equal floats need not return the float itself (3a rounds before / 3),
        // so the frozen layers would drift by rounding from their initial values.
        throw notDataParallel(
            SpecKeys.TRAIN.path() + " = " + run.train(),
            "DL4J's parameter averaging averages every layer, frozen or not, and rounds",
            run,
            distributedAbove,
            "use train: all");
      }
      if (!run.schedule().equals("constant") || run.warmupSteps() > 0) {
        // DL4J's parameter averaging counts iterations per worker, so a schedule over the
        // run's total steps would stretch by the number of workers.
        throw notDataParallel(
            SpecKeys.SCHEDULE.path()
                + " = "
                + run.schedule()
                + " with "
                + SpecKeys.WARMUP_STEPS.path()
                + " = "
                + run.warmupSteps(),
            "DL4J's parameter averaging counts each worker's steps apart",
            run,
            distributedAbove,
            "use schedule: constant without warmup");
      }
    }
  }

  /** A setting that a run trained data-parallel (above limits.distributed_above) cannot have. */
  private static UserError notDataParallel(
      String setting, String why, RunConfig run, String distributedAbove, String remedy) {
    return UserError.of(
        setting
            + " is not trained data-parallel ("
            + why
            + "), and a run of width "
            + run.width()
            + " costs more than "
            + SpecKeys.DISTRIBUTED_ABOVE.path()
            + " = "
            + distributedAbove
            + ": raise it above "
            + String.format(java.util.Locale.ROOT, "%.3g", run.cost())
            + " or "
            + remedy);
  }
}
