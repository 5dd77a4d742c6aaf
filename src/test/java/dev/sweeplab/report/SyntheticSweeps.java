package dev.sweeplab.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sweeps for the HTML report written as rows, no training: a grid of width × learning rate ×
 * parameterization runs with learning curves of {@code points} evaluations, some runs diverged or
 * failed, and, when asked, a few rows of every analysis table.
 */
final class SyntheticSweeps {
  static final List<String> RUN_COLUMNS =
      List.of(
          "run_id",
          "status",
          "reason",
          "width",
          "learning_rate",
          "parameterization",
          "repeat",
          "seed",
          "params",
          "final_train_loss",
          "final_train_error",
          "final_test_loss",
          "final_test_error",
          "best_val_loss",
          "steps_done",
          "wall_ms",
          "sweeplab_version",
          "implementation",
          "java_version");

  /** The curves columns the page reads, as the engine reads them. */
  static final List<String> CURVE_COLUMNS = dev.sweeplab.engine.ReportRows.CURVE_COLUMNS;

  static final List<String> AXES = List.of("width", "learning_rate", "parameterization");

  private SyntheticSweeps() {}

  /**
   * {@code runs} runs over widths 8, 16, ..., rates 0.001 .. 0.1 and two parameterizations; every
   * {@code failEvery}-th run (0: none) failed with no curve, the one after it diverged (NaN from
   * its middle on).
   */
  static HtmlReport.Sweep grid(String name, int runs, int points, int failEvery, boolean analyses) {
    List<List<Object>> runRows = new ArrayList<>();
    List<List<Object>> curveRows = new ArrayList<>();
    int[] widths = {8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
    double[] rates = {0.001, 0.003, 0.01, 0.03, 0.1};
    String[] params = {"standard", "mup"};
    for (int i = 0; i < runs; i++) {
      int width = widths[(i / 10) % widths.length];
      double lr = rates[(i / 2) % rates.length];
      String p = params[i % 2];
      String id = String.format("%016x", 0x9e3779b97f4a7c15L * (i + 1));
      boolean failed = failEvery > 0 && i % failEvery == 1;
      boolean diverged = failEvery > 0 && i % failEvery == 2;
      String status = failed ? "failed" : diverged ? "diverged" : "ok";
      double floor = 0.05 + 0.3 / Math.sqrt(width) + 0.1 * Math.abs(Math.log10(lr) + 2);
      double last = diverged ? Double.NaN : floor + 0.01;
      runRows.add(
          Arrays.asList(
              id,
              status,
              // Markup in a reason: the page shows it as text and its JSON stays inert.
              failed ? "java.lang.IllegalStateException: </script><!-- <b>boom</b>" : "",
              width,
              lr,
              p,
              i % 3,
              1000L + i,
              (long) width * width,
              last,
              diverged ? Double.NaN : 0.0,
              last * 1.2,
              diverged ? Double.NaN : floor / 2,
              diverged ? Double.NaN : last * 1.1,
              failed ? 0L : 1000L,
              150L + i % 50,
              "0.1.0",
              "blas",
              "17.0.13"));
      if (failed) {
        continue;
      }
      for (int k = 0; k < points; k++) {
        long step = k == 0 ? 0 : Math.round(Math.pow(1000, k / (double) (points - 1)));
        double loss = floor + 2.0 / (1 + step * lr * 10);
        if (diverged && k > points / 2) {
          loss = Double.NaN;
        }
        curveRows.add(
            Arrays.asList(id, step, loss, loss / 4, loss * 1.1, loss / 3.5, loss * 1.2, loss / 3));
      }
    }
    Table summary =
        new Table(
            List.of("width", "runs", "ok", "test_error"),
            List.of(List.of(8, (long) runs, (long) runs, 0.2), List.of(16, 1L, 1L, 0.1)));
    Table executions =
        new Table(
            List.of("sweep", "started", "finished", "runs_planned", "runs_ok"),
            List.of(
                List.of(
                    name,
                    "2026-01-01T10:00:00Z",
                    "2026-01-01T10:05:00Z",
                    (long) runs,
                    (long) runs)));
    return new HtmlReport.Sweep(
        name,
        runs > 1 ? AXES : List.of(),
        "{\"name\":\"" + name + "\",\"repeats\":3}",
        summary,
        executions,
        new Table(RUN_COLUMNS, runRows),
        new Table(CURVE_COLUMNS, curveRows),
        analyses ? analyses() : Map.of());
  }

  /** A few rows of each analysis table. */
  static Map<String, Table> analyses() {
    Map<String, Table> out = new LinkedHashMap<>();
    List<Double> x = List.of(8.0, 16.0, 32.0, 64.0, 128.0);
    out.put(
        "double_descent",
        new Table(
            List.of(
                "sweep",
                "group",
                "axis",
                "metric",
                "x",
                "value",
                "value_sd",
                "detected",
                "peak_x",
                "interpolation_threshold"),
            List.of(
                Arrays.asList(
                    "s",
                    "learning_rate=0.01",
                    "width",
                    "test_error",
                    x,
                    List.of(0.3, 0.35, 0.5, 0.3, 0.2),
                    List.of(0.01, 0.02, 0.02, 0.01, 0.01),
                    true,
                    32.0,
                    16.0),
                Arrays.asList(
                    "s",
                    "learning_rate=0.01",
                    "width",
                    "test_loss",
                    x,
                    List.of(1.3, 1.2, 1.1, 1.0, 0.9),
                    List.of(0.1, 0.1, 0.1, 0.1, 0.1),
                    false,
                    null,
                    null))));
    out.put(
        "scaling_fits",
        new Table(
            List.of("sweep", "group", "form", "x", "y", "E", "A", "alpha", "alpha_low", "xs", "ys"),
            List.of(
                Arrays.asList(
                    "s",
                    "",
                    "power_law",
                    "params",
                    "final_test_loss",
                    0.1,
                    5.0,
                    0.5,
                    0.4,
                    List.of(64.0, 256.0, 1024.0, 4096.0),
                    List.of(0.72, 0.41, 0.26, 0.18)))));
    out.put(
        "width_exponents",
        new Table(
            List.of(
                "sweep",
                "group",
                "parameterization",
                "optimizer",
                "quantity",
                "layer",
                "layer_kind",
                "exponent",
                "xs",
                "ys"),
            List.of(
                Arrays.asList(
                    "s",
                    "",
                    "mup",
                    "adam",
                    "weight_change_frobenius",
                    0,
                    "input",
                    -0.5,
                    x,
                    List.of(0.4, 0.28, 0.2, 0.14, 0.1)),
                Arrays.asList(
                    "s",
                    "",
                    "mup",
                    "adam",
                    "feature_change",
                    0,
                    "hidden",
                    0.0,
                    x,
                    List.of(0.3, 0.3, 0.3, 0.3, 0.3)))));
    Table lr = new Table(LrTransferPlotTest.COLUMNS, lrRows());
    out.put("lr_transfer", lr);
    out.put("coord_check", CoordCheckPlotTest.table(true));
    return out;
  }

  private static List<List<Object>> lrRows() {
    return List.of(
        Arrays.asList(
            "", "mup", 16, LrTransferPlotTest.RATES, List.of(1.0, 0.7, 0.6, 0.8), 0.5, 0.6),
        Arrays.asList(
            "", "mup", 64, LrTransferPlotTest.RATES, Arrays.asList(0.9, 0.6, 0.5, null), 0.5, 0.5));
  }
}
