package dev.sweeplab.spec;

import java.util.List;
import java.util.Map;

/**
 * The spec's rules for its analyses: an axis must be swept, an analysis needs enough values to fit,
 * a fit's groups must hold more than one point, and a metric chosen on the validation split needs
 * one.
 */
final class AnalysisChecks {
  private AnalysisChecks() {}

  /**
   * Scaling metrics that read the test curve's own minimum, retired for the validation-based ones
   * named here; a spec recorded in the {@code sweeps} table with one still reads back.
   */
  static final Map<Object, String> RETIRED_METRICS =
      Map.of("best_test_loss", "test_loss_at_best", "best_test_error", "test_error_at_best");

  /** Scaling metrics that exist only with a validation split. */
  private static final List<String> VALIDATION_METRICS =
      List.of("best_val_loss", "test_loss_at_best", "test_error_at_best");

  /** A scaling metric chosen on the validation split needs one, and so does lr_transfer. */
  static void checkValidationMetric(Map<Key, String> analysis, Map<Key, List<Object>> values) {
    if (analysis.get(SpecKeys.LR_TRANSFER).equals("yes") && SweepSpec.valSize(values) == 0) {
      String given = (String) values.get(SpecKeys.VAL_SIZE).get(0);
      throw UserError.of(
          SpecKeys.LR_TRANSFER.path()
              + " = 'yes' compares learning rates by best_val_loss, but "
              + SpecKeys.VAL_SIZE.path()
              + " = "
              + given
              + (given.equals(RunConfig.VAL_AUTO) ? " leaves no validation samples" : "")
              + ": give dataset.val_size > 0, or leave "
              + SpecKeys.LR_TRANSFER.path()
              + " out");
    }
    String metric = analysis.get(SpecKeys.SCALING_Y);
    if (!VALIDATION_METRICS.contains(metric)) {
      return;
    }
    String given = (String) values.get(SpecKeys.VAL_SIZE).get(0);
    if (SweepSpec.valSize(values) == 0) {
      throw UserError.of(
          SpecKeys.SCALING_Y.path()
              + " = '"
              + metric
              + "' is chosen on the validation split, but "
              + SpecKeys.VAL_SIZE.path()
              + " = "
              + given
              + (given.equals(RunConfig.VAL_AUTO) ? " leaves no validation samples" : "")
              + ": give dataset.val_size > 0, or a metric that needs none (final_test_loss,"
              + " final_test_error, final_train_loss)");
    }
  }

  /**
   * An analysis axis must be swept (or be the step), width exponents need two widths, learning-rate
   * transfer three rates and two widths, and the joint fit needs its partner.
   */
  static void checkAnalysis(Map<Key, String> analysis, Map<Key, List<Object>> values) {
    for (Key key : List.of(SpecKeys.DOUBLE_DESCENT_X, SpecKeys.SCALING_X, SpecKeys.SCALING_X2)) {
      String axis = analysis.get(key);
      if (axis.isEmpty() || axis.equals("step")) {
        continue;
      }
      Key swept = axis.equals("params") ? SpecKeys.WIDTH : SpecKeys.BY_PATH.get(pathOf(axis));
      if (values.get(swept).size() < 3) {
        throw UserError.of(
            key.path()
                + " = '"
                + axis
                + "' needs at least 3 values of "
                + swept.path()
                + ", found "
                + values.get(swept).size()
                + ": sweep it, or leave "
                + key.path()
                + " out");
      }
    }
    int widths = values.get(SpecKeys.WIDTH).size();
    if (analysis.get(SpecKeys.WIDTH_EXPONENTS).equals("yes") && widths < 2) {
      throw UserError.of(
          SpecKeys.WIDTH_EXPONENTS.path()
              + " = 'yes' needs at least 2 values of "
              + SpecKeys.WIDTH.path()
              + " (an exponent is a slope in width), found "
              + widths
              + ": sweep "
              + SpecKeys.WIDTH.path()
              + ", or leave "
              + SpecKeys.WIDTH_EXPONENTS.path()
              + " out");
    }
    if (analysis.get(SpecKeys.LR_TRANSFER).equals("yes")) {
      int rates = values.get(SpecKeys.LEARNING_RATE).size();
      if (rates < 3 || widths < 2) {
        throw UserError.of(
            SpecKeys.LR_TRANSFER.path()
                + " = 'yes' needs at least 3 values of "
                + SpecKeys.LEARNING_RATE.path()
                + " (an optimum inside a grid) and 2 of "
                + SpecKeys.WIDTH.path()
                + " (a transfer across widths), found "
                + rates
                + " and "
                + widths
                + ": sweep both, or leave "
                + SpecKeys.LR_TRANSFER.path()
                + " out");
      }
    }
    if (!analysis.get(SpecKeys.SCALING_X2).isEmpty()
        && !analysis.get(SpecKeys.SCALING_X).equals("params")) {
      throw UserError.badValue(
          SpecKeys.SCALING_X2.path(),
          analysis.get(SpecKeys.SCALING_X2),
          "needs analysis.scaling = params (the joint form is L(N, D))");
    }
  }

  /**
   * An analysis fits within groups of runs that share every other varying key ({@code
   * engine.Groups}), and a key a search draws (or a configurations list sets) varies from point to
   * point: when the analysis axis is such a key and another one is too, each group holds one point
   * and there is nothing to fit. A grid axis beside it is fine (each group holds every point), and
   * so is the joint fit's partner, which the groups leave out.
   */
  static void checkAnalysisGroups(
      Map<Key, String> analysis, Map<Key, List<Object>> values, Search search) {
    List<Key> varying = search.keys().stream().filter(key -> values.get(key).size() > 1).toList();
    if (varying.size() < 2) {
      return;
    }
    Key x = axisKey(analysis.get(SpecKeys.SCALING_X));
    Key x2 = axisKey(analysis.get(SpecKeys.SCALING_X2));
    List<Key> joint = x2 == null ? List.of() : List.of(x2);
    checkGroups(SpecKeys.SCALING_X, analysis, x, joint, varying, search);
    checkGroups(
        SpecKeys.SCALING_X2, analysis, x2, x == null ? List.of() : List.of(x), varying, search);
    checkGroups(
        SpecKeys.DOUBLE_DESCENT_X,
        analysis,
        axisKey(analysis.get(SpecKeys.DOUBLE_DESCENT_X)),
        List.of(),
        varying,
        search);
    if (analysis.get(SpecKeys.LR_TRANSFER).equals("yes")) {
      checkGroups(
          SpecKeys.LR_TRANSFER, analysis, SpecKeys.LEARNING_RATE, List.of(), varying, search);
    }
    if (analysis.get(SpecKeys.WIDTH_EXPONENTS).equals("yes")) {
      checkGroups(SpecKeys.WIDTH_EXPONENTS, analysis, SpecKeys.WIDTH, List.of(), varying, search);
    }
  }

  /** The run key an analysis axis names: width for params; null for none or the step. */
  private static Key axisKey(String axis) {
    if (axis.isEmpty() || axis.equals("step")) {
      return null;
    }
    return axis.equals("params") ? SpecKeys.WIDTH : SpecKeys.BY_PATH.get(pathOf(axis));
  }

  /** Refuses {@code fitted} varying per point beside a key other than {@code partners}. */
  private static void checkGroups(
      Key analysisKey,
      Map<Key, String> analysis,
      Key fitted,
      List<Key> partners,
      List<Key> varying,
      Search search) {
    if (fitted == null || !varying.contains(fitted)) {
      return;
    }
    for (Key other : varying) {
      if (other == fitted || partners.contains(other)) {
        continue;
      }
      boolean random = search.method().equals("random");
      throw UserError.of(
          analysisKey.path()
              + " = '"
              + analysis.get(analysisKey)
              + "' fits across "
              + fitted.path()
              + (random
                  ? ", which the random search draws, and the search also draws "
                  : ", which varies from line to line of the configurations, and so does ")
              + other.path()
              + ": the analysis groups runs by every other key that varies, so each group holds"
              + " one "
              + (random ? "draw" : "configuration")
              + " and there is nothing to fit. "
              + (random ? "Make " : "Set it in the spec rather than the lines: make ")
              + other.path()
              + " a grid axis (a list) or give it one value, or leave "
              + analysisKey.path()
              + " out");
    }
  }

  private static String pathOf(String column) {
    for (Key key : SpecKeys.RUN) {
      if (key.column().equals(column)) {
        return key.path();
      }
    }
    throw new IllegalArgumentException(column);
  }
}
