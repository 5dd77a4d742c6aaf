package dev.sweeplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.engine.Sessions;
import dev.sweeplab.engine.Tables;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.store.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analysis.lr_transfer} end to end: a tiny sweep of real runs through {@code sweeplab run}
 * (training, commit, analysis, summary lines, report figures), its table read back with Spark and
 * checked against its own definition and against the {@code runs} table, then {@code sweeplab
 * analyze} writing the same rows again from the recorded spec.
 */
class LrTransferSweepTest {
  static final String SPEC =
      """
      name: lr-transfer
      seed: 3
      repeats: 2
      dataset: {name: teacher_student, input_dim: 8, classes: 4, teacher_width: 16,
                train_size: 128, test_size: 64, val_size: auto}
      model: {width: [8, 32], depth: 2, parameterization: [standard, mup], base_width: 8}
      training: {optimizer: adam, learning_rate: {log2: [0.001, 0.1], points: 3}, steps: 30,
                 batch_size: 32, eval_points: 4}
      analysis: {lr_transfer: 'yes'}
      """;

  /** A summary line of {@code run} and {@code analyze}, one per parameterization. */
  static final Pattern LINE =
      Pattern.compile(
          "wrote lr_transfer (mup|standard): optimal log2 lr (\\S+),(\\S+) over widths 8\\.\\.32"
              + " \\(spread (\\S+) steps?\\)");

  @TempDir Path tmp;

  @Test
  void aTinySweepWritesTheTableItsSummaryLinesAndAFigurePerParameterization() throws Exception {
    Path spec = tmp.resolve("lr.yaml");
    Files.writeString(spec, SPEC);
    Path warehouse = tmp.resolve("wh");
    Path reports = tmp.resolve("reports");
    CliTest.Result run = CliTest.run(spec, warehouse, reports);
    assertEquals(0, run.code(), run.toString());
    List<String> lines = lines(run.out());
    assertEquals(2, lines.size(), "a line per parameterization: " + run);
    for (String p : List.of("mup", "standard")) {
      for (String ext : List.of(".png", ".svg")) {
        Path figure = reports.resolve("lr-transfer").resolve("lr_transfer_" + p + ext);
        assertTrue(Files.size(figure) > 1000, figure + " written");
      }
    }

    List<Double> grid = new ArrayList<>();
    for (Object v : SpecParser.parse(SPEC, "lr.yaml").values().get(SpecKeys.LEARNING_RATE)) {
      grid.add(((Number) v).doubleValue());
    }
    assertEquals(3, grid.size());
    double step = log2(grid.get(1)) - log2(grid.get(0));
    List<Row> rows;
    List<Row> means;
    try (SparkSession spark = Sessions.open("lr-transfer-check", "local[2]")) {
      Tables.register(spark, new Warehouse(warehouse.toString()));
      rows =
          spark
              .sql(
                  "SELECT parameterization, width, learning_rates, mean_losses, seeds, diverged,"
                      + " optimal_lr, optimal_lr_low, optimal_lr_high, replicates, shift_steps,"
                      + " spread_steps, at_edge, metric FROM lr_transfer"
                      + " ORDER BY parameterization, width")
              .collectAsList();
      // The per-rate means and counts, straight from the runs they summarise.
      means =
          spark
              .sql(
                  "SELECT parameterization, width, learning_rate,"
                      + " avg(CASE WHEN status = 'ok' THEN best_val_loss END),"
                      + " count(CASE WHEN status = 'ok' THEN 1 END),"
                      + " count(CASE WHEN status = 'diverged' THEN 1 END)"
                      + " FROM runs GROUP BY parameterization, width, learning_rate"
                      + " ORDER BY parameterization, width, learning_rate")
              .collectAsList();
    }
    assertEquals(4, rows.size(), "2 parameterizations x 2 widths: " + rows);
    double[] optimalLog2 = new double[4];
    for (int k = 0; k < rows.size(); k++) {
      Row r = rows.get(k);
      assertEquals("best_val_loss", r.getString(13));
      assertEquals(grid, r.getList(2), "the grid, ascending: " + r);
      List<Double> mean = r.getList(3);
      List<Integer> seeds = r.getList(4);
      List<Integer> diverged = r.getList(5);
      assertEquals(3, mean.size());
      int best = -1;
      for (int i = 0; i < 3; i++) {
        Row m = means.get(3 * k + i);
        assertEquals(r.getString(0), m.getString(0));
        assertEquals(r.getInt(1), m.getInt(1));
        assertEquals(grid.get(i), m.getDouble(2));
        if (m.isNullAt(3)) {
          assertEquals(null, mean.get(i), "no ok seed at " + grid.get(i) + ": " + r);
        } else {
          assertEquals(m.getDouble(3), mean.get(i), 1e-12, "mean over ok seeds: " + r);
        }
        assertEquals(m.getLong(4), (long) seeds.get(i), "ok seeds: " + r);
        assertEquals(m.getLong(5), (long) diverged.get(i), "diverged seeds: " + r);
        assertEquals(2, seeds.get(i) + diverged.get(i), "every run trained: " + r);
        if (mean.get(i) != null && (best < 0 || mean.get(i) < mean.get(best))) {
          best = i;
        }
      }
      double optimal = r.getDouble(6);
      assertEquals(grid.get(best), optimal, "the argmin of mean_losses: " + r);
      assertEquals(best == 0 || best == 2, r.getBoolean(12), "at_edge: " + r);
      assertEquals(200, r.getInt(9), "analysis.bootstrap's default");
      assertTrue(grid.contains(r.getDouble(7)) && grid.contains(r.getDouble(8)), r.toString());
      assertTrue(r.getDouble(7) <= optimal && optimal <= r.getDouble(8), "interval: " + r);
      optimalLog2[k] = log2(optimal);
    }
    for (int p = 0; p < 2; p++) {
      double narrow = optimalLog2[2 * p];
      double wide = optimalLog2[2 * p + 1];
      assertEquals(0.0, rows.get(2 * p).getDouble(10), 1e-9, "no shift at the smallest width");
      assertEquals((wide - narrow) / step, rows.get(2 * p + 1).getDouble(10), 1e-9);
      for (int w = 0; w < 2; w++) {
        assertEquals(Math.abs(wide - narrow) / step, rows.get(2 * p + w).getDouble(11), 1e-9);
      }
    }

    // analyze rewrites the table from the recorded spec: the same replicates, the same lines.
    CliTest.Result analyze =
        CliTest.cli(
            "analyze", "lr-transfer", "--warehouse", warehouse.toString(), "--master", "local[2]");
    assertEquals(0, analyze.code(), analyze.toString());
    assertEquals(lines, lines(analyze.out()));
  }

  private static List<String> lines(String out) {
    List<String> found = new ArrayList<>();
    Matcher m = LINE.matcher(out);
    while (m.find()) {
      found.add(m.group());
    }
    return found;
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }
}
