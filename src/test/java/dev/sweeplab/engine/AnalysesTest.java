package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.analysis.ScalingAnalysis;
import dev.sweeplab.analysis.SeedPoint;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalysesTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void coordinateCheckTableIsFlatInWidthUnderMupAndGrowsUnderStandard() {
    SweepSpec spec =
        SpecParser.parse(
            """
            name: coord
            seed: 1
            repeats: 2
            dataset: {input_dim: 32, classes: 4, train_size: 256, test_size: 64}
            model: {width: [32, 128, 512], depth: 2, parameterization: [standard, mup], base_width: 32}
            training: {optimizer: adam, learning_rate: 0.01, steps: 4, eval_points: 3}
            analysis: {coord_check: 'yes'}
            """,
            "coord.yaml");
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    new SweepRunner(spark, warehouse).run(spec, false);
    List<String> written = Analyses.run(spark, warehouse, spec);
    assertEquals(List.of("coord_check: 54 rows"), written, "2 x 3 widths x 3 steps x 3 layers");
    // After the first step (Yang et al.'s coordinate check), seeds averaged: standard
    // parameterization's Adam update moves the logits in proportion to width; muP's does not.

    Tables.register(spark, warehouse);
    List<Row> logits =
        sql(
            "SELECT parameterization, width, mean_abs_activation FROM coord_check"
                + " WHERE layer = 2 AND step = 1 ORDER BY parameterization, width");
    assertEquals(6, logits.size());
    double mup32 = logits.get(0).getDouble(2);
    double mup512 = logits.get(2).getDouble(2);
    double sp32 = logits.get(3).getDouble(2);
    double sp512 = logits.get(5).getDouble(2);
    assertTrue(sp512 / sp32 > 3, "standard logits grow with width: " + logits);
    assertTrue(mup512 / mup32 < 2 && mup512 / mup32 > 0.5, "muP flat: " + logits);
    assertTrue(sp512 / sp32 > 3 * (mup512 / mup32), "standard grows faster than muP: " + logits);
    // The change |h_t - h_0| is 0 before the first step, and follows the same pattern after it.
    assertRows(
        "no change at step 0",
        sql("SELECT max(mean_abs_change) FROM coord_check WHERE step = 0"),
        row(0.0));
    List<Row> changes =
        sql(
            "SELECT parameterization, width, mean_abs_change FROM coord_check"
                + " WHERE layer = 2 AND step = 1 ORDER BY parameterization, width");
    double mupChange = changes.get(2).getDouble(2) / changes.get(0).getDouble(2);
    double spChange = changes.get(5).getDouble(2) / changes.get(3).getDouble(2);
    assertTrue(spChange > 3, "standard: the logits' change grows with width: " + changes);
    assertTrue(mupChange < 2 && mupChange > 0.5, "muP: the change is flat: " + changes);

    // analyze re-reads the spec from the sweeps table and rewrites the same rows.
    SweepSpec recorded = Analyses.recordedSpec(spark, warehouse, "coord");
    assertEquals(spec, recorded);
    Analyses.run(spark, warehouse, recorded);
    Tables.register(spark, warehouse);
    assertRows("no duplicates after analyze", sql("SELECT count(*) FROM coord_check"), row(54L));
  }

  /**
   * With the optimizer swept, the coordinate check keeps SGD and Adam apart (one seed per row), and
   * under SGD too standard parameterization's logits change grows with width while muP's does not.
   * The widths are 128 and 512, past the base width's finite-width transient: under SGD muP's logit
   * change falls by about half over the first two doublings above the base width before it levels
   * off (the mup_coord_check job in docs/science.md), and muP's claim is about the limit.
   */
  @Test
  void coordinateCheckKeepsOptimizersApart() {
    SweepSpec spec =
        SpecParser.parse(
            """
            name: coordsgd
            seed: 4
            repeats: 1
            dataset: {input_dim: 32, classes: 4, train_size: 256, test_size: 64}
            model: {width: [128, 512], depth: 2, parameterization: [standard, mup], base_width: 32}
            training: {optimizer: [sgd, adam], learning_rate: 0.05, steps: 2, eval_points: 3}
            analysis: {coord_check: 'yes'}
            """,
            "coordsgd.yaml");
    Warehouse warehouse = new Warehouse(tmp.resolve("sgd").toString());
    new SweepRunner(spark, warehouse).run(spec, false);
    List<String> written = Analyses.run(spark, warehouse, spec);
    assertEquals(List.of("coord_check: 72 rows"), written, "2 x 2 x 2 widths x 3 steps x 3 layers");
    Tables.register(spark, warehouse);
    assertRows("one run per row", sql("SELECT max(seeds) FROM coord_check"), row(1L));
    List<Row> logits =
        sql(
            "SELECT optimizer, parameterization, width, mean_abs_change FROM coord_check"
                + " WHERE layer = 2 AND step = 1 ORDER BY optimizer, parameterization, width");
    assertEquals(8, logits.size());
    for (int o = 0; o < 2; o++) {
      Row mup128 = logits.get(4 * o);
      double mup = logits.get(4 * o + 1).getDouble(3) / mup128.getDouble(3);
      double sp = logits.get(4 * o + 3).getDouble(3) / logits.get(4 * o + 2).getDouble(3);
      String what = mup128.getString(0) + ": " + logits;
      assertTrue(sp > 3, "standard: the logits' change grows with width, " + what);
      assertTrue(mup < 2 && mup > 0.4, "muP: flat, " + what);
    }
  }

  @Test
  void widthExponentsOfATinyRealSweep() {
    SweepSpec spec =
        SpecParser.parse(
            """
            name: exponents
            seed: 4
            repeats: 2
            dataset: {input_dim: 16, classes: 4, train_size: 256, test_size: 64}
            model: {width: [16, 32, 64], depth: 2, parameterization: [ntk, mup], base_width: 16}
            training: {optimizer: sgd, learning_rate: 0.1, batch_size: 32, steps: 20, eval_points: 2}
            analysis: {width_exponents: 'yes'}
            """,
            "exponents.yaml");
    Warehouse warehouse = new Warehouse(tmp.resolve("exponents").toString());
    new SweepRunner(spark, warehouse).run(spec, false);
    assertEquals(
        List.of("width_exponents: 16 rows"),
        Analyses.run(spark, warehouse, spec),
        "2 parameterizations x (3 weight matrices x Frobenius and spectral + 2 hidden layers)");
    Tables.register(spark, warehouse);
    assertRows(
        "every quantity the runs record",
        sql("SELECT quantity, count(*) FROM width_exponents GROUP BY quantity ORDER BY quantity"),
        row("feature_change", 4L),
        row("weight_change_frobenius", 6L),
        row("weight_change_spectral", 6L));
    List<Row> rows =
        sql(
            "SELECT parameterization, quantity, layer, layer_kind, `group`, widths, seeds, points,"
                + " exponent, exponent_low, exponent_high FROM width_exponents"
                + " WHERE quantity = 'weight_change_frobenius' ORDER BY parameterization, layer");
    assertEquals(6, rows.size());
    for (int i = 0; i < 6; i++) {
      Row r = rows.get(i);
      assertEquals(i < 3 ? "mup" : "ntk", r.getString(0));
      assertEquals("weight_change_frobenius", r.getString(1));
      assertEquals(i % 3, r.getInt(2));
      assertEquals(List.of("input", "hidden", "output").get(i % 3), r.getString(3));
      assertEquals("", r.getString(4), "nothing swept but width and parameterization");
      assertEquals(3, r.getInt(5));
      assertEquals(2, r.getInt(6));
      assertEquals(6, r.getInt(7));
      assertTrue(r.getDouble(9) <= r.getDouble(8) && r.getDouble(8) <= r.getDouble(10), "" + r);
    }
    // SGD, 20 steps: every matrix's relative change falls faster with width under ntk (lazy) than
    // under mup, and in the hidden layer clearly so (measured -0.92 against -0.34: Frobenius
    // predicts -1 and -1/2, see docs/science.md).
    for (int layer = 0; layer < 3; layer++) {
      assertTrue(
          rows.get(3 + layer).getDouble(8) < rows.get(layer).getDouble(8), "layer " + layer + rows);
    }
    assertTrue(rows.get(4).getDouble(10) < rows.get(1).getDouble(9), "hidden intervals " + rows);
    assertTrue(rows.get(4).getDouble(8) < -0.6, "ntk hidden " + rows.get(4));
    // The report's table: the same rows, in the order written.
    dev.sweeplab.report.Table shown =
        Committed.of(spark, warehouse)
            .rows(
                Warehouse.WIDTH_EXPONENTS,
                spec.name(),
                List.of("group", "parameterization", "layer_kind", "exponent"));
    assertEquals(16, shown.rows().size());
    assertTrue(
        shown.rows().contains(List.of("", "ntk", "hidden", rows.get(4).getDouble(8))),
        "the ntk hidden layer's row: " + shown.rows());
  }

  @Test
  void doubleDescentAndScalingTablesForATinySweep() {
    SweepSpec spec =
        SpecParser.parse(
            """
            name: tinyscience
            seed: 2
            repeats: 2
            dataset: {input_dim: 8, classes: 3, teacher_width: 16, train_size: [64, 128, 256], test_size: 256}
            model: {width: [2, 4, 8, 32], depth: 1}
            training: {optimizer: adam, learning_rate: 0.01, steps: 150, eval_points: 6}
            analysis: {double_descent: width, scaling: params, scaling_data: train_size}
            """,
            "tinyscience.yaml");
    Warehouse warehouse = new Warehouse(tmp.resolve("science").toString());
    new SweepRunner(spark, warehouse).run(spec, false);
    List<String> written = Analyses.run(spark, warehouse, spec);
    assertEquals(
        3 * 2 + 3 + 1,
        written.size(),
        "3 curves of test error and test loss, 3 power laws and the joint fit: " + written);

    Tables.register(spark, warehouse);
    List<Row> dd =
        sql(
            "SELECT group, axis, size(x), size(value), detected, interpolation_threshold, metric,"
                + " seeds, runs_not_ok, runs_not_ok_total, z_threshold"
                + " FROM double_descent ORDER BY group, metric");
    assertEquals(6, dd.size());
    assertEquals("train_size=128", dd.get(0).getString(0));
    for (int i = 0; i < dd.size(); i++) {
      Row r = dd.get(i);
      assertEquals("width", r.getString(1));
      assertEquals(4, r.getInt(2));
      assertEquals(4, r.getInt(3));
      assertEquals(i % 2 == 0 ? "test_error" : "test_loss", r.getString(6));
      assertEquals(List.of(2, 2, 2, 2), r.getList(7), "two seeds per width");
      assertEquals(List.of(0, 0, 0, 0), r.getList(8), "every run ok");
      assertEquals(0, r.getInt(9));
      assertTrue(r.getDouble(10) > 1.9 && r.getDouble(10) < 2.5, "two interior widths: " + r);
    }
    assertRows(
        "cross-entropy runs interpolate by their training error",
        sql("SELECT DISTINCT interpolated_by FROM double_descent"),
        row("train_error"));
    // Early stopping on validation: best_step is the earliest step of least validation loss, and
    // best_val_loss and test_*_at_best are that curve point's values.
    List<Row> best =
        sql(
            "WITH least AS (SELECT run_id, min(val_loss) AS v FROM curves GROUP BY run_id),"
                + " first AS (SELECT c.run_id, min(c.step) AS step FROM curves c JOIN least l"
                + " ON c.run_id = l.run_id AND c.val_loss = l.v GROUP BY c.run_id)"
                + " SELECT count(*), sum(CASE WHEN r.best_step = f.step AND r.best_val_loss ="
                + " c.val_loss AND r.test_loss_at_best = c.test_loss AND r.test_error_at_best ="
                + " c.test_error THEN 1 ELSE 0 END) FROM runs r JOIN first f ON r.run_id ="
                + " f.run_id JOIN"
                + " curves c ON c.run_id = r.run_id AND c.step = f.step");
    assertEquals(24, best.get(0).getLong(0), "every run has a best step: " + best);
    assertEquals(24, best.get(0).getLong(1), "picked at the least validation loss: " + best);
    List<Row> fits =
        sql(
            "SELECT form, group, points, E, alpha, alpha_low, alpha_high, B, replicates,"
                + " n_opt_exponent, d_opt_exponent, replicates_pinned, trained_by"
                + " FROM scaling_fits ORDER BY form, group");
    assertEquals(4, fits.size(), fits.toString());
    Row joint = fits.get(0);
    assertEquals("joint", joint.getString(0));
    assertEquals(12, joint.getInt(2), "4 widths x 3 train sizes");
    assertTrue(joint.get(7) != null, "B fitted");
    assertEquals(
        1.0,
        joint.getDouble(9) + joint.getDouble(10),
        1e-12,
        "compute-optimal exponents a + b = 1: " + joint);
    for (Row f : fits) {
      assertEquals(200, f.getInt(8), "analysis.bootstrap's default, both forms: " + f);
      assertTrue(f.getInt(11) >= 0 && f.getInt(11) <= 200, "pinned replicates counted: " + f);
      assertEquals("task", f.getString(12), "runs trained in a task, the default");
    }
    assertRows(
        "every table records the runs it used",
        sql("SELECT DISTINCT trained_by FROM double_descent"),
        row("task"));
    for (Row f : fits.subList(1, 4)) {
      assertEquals("power_law", f.getString(0));
      assertEquals(4, f.getInt(2));
      assertTrue(f.isNullAt(7), "no B for a power law");
      assertTrue(f.isNullAt(9) && f.isNullAt(10), "no allocation for a power law");
      assertTrue(!f.isNullAt(4), "alpha estimated: " + f);
      // Bootstrap refits that hit the parameter bounds on this tiny, law-less data are dropped;
      // an interval, when there is one, is ordered.
      if (!f.isNullAt(5) && !f.isNullAt(6)) {
        assertTrue(f.getDouble(5) <= f.getDouble(6), "interval " + f);
      }
    }
  }

  /**
   * Under {@code dataset.data_seed: per_repeat} repeat r trains every width on one training sample:
   * the configurations are paired by repeat, and the bootstrap redraws repeats, the same draw at
   * every width.
   */
  @Test
  void aFitOverPairedConfigurationsBootstrapsWholeRepeats() {
    SweepSpec spec =
        analysed(
            """
            name: paired
            seed: 5
            repeats: 3
            dataset: {input_dim: 8, classes: 3, teacher_width: 16, train_size: 256, test_size: 256, data_seed: per_repeat}
            model: {width: [4, 8, 16, 32], depth: 1}
            training: {optimizer: adam, learning_rate: 0.01, steps: 100, eval_points: 4}
            analysis: {scaling: width}
            """,
            "paired");
    List<Row> fits = sql("SELECT points, alpha_low, alpha_high FROM scaling_fits");
    assertEquals(1, fits.size(), fits.toString());
    Row fit = fits.get(0);
    assertEquals(4, fit.getInt(0));
    assertBootstrappedByUnit(
        sql(
            "SELECT CAST(width AS DOUBLE), concat('repeat ', CAST(repeat AS STRING)),"
                + " final_test_loss FROM runs ORDER BY width, run_id"),
        fit,
        spec.seed());
  }

  /**
   * A random-features model (only the readout trains, from zero, by full-batch gradient descent on
   * the squared loss) on 64 noisy samples: Belkin et al.'s interpolation threshold is where the
   * squared training loss reaches 0, which needs p + 1 >= n features, and it lies past where the
   * argmax first gets every training label right.
   */
  @Test
  void underTheSquaredLossTheThresholdIsWhereTheTrainingLossFits() {
    SweepSpec spec =
        analysed(
            """
            name: rfthreshold
            seed: 3
            repeats: 2
            dataset: {input_dim: 16, classes: 2, teacher_width: 16, train_size: 64, test_size: 256, label_noise: 0.2, loss: mse, val_size: 0}
            model: {width: [16, 32, 48, 96, 128, 256], depth: 1, activation: tanh, train: readout, readout_init: zero}
            training: {optimizer: sgd, learning_rate: 0.05, batch_size: 64, steps: 4000, eval_points: 6}
            analysis: {double_descent: width}
            """,
            "rfthreshold");
    List<Row> dd =
        sql(
            "SELECT interpolated_by, interpolation_threshold, x, train_error, train_loss"
                + " FROM double_descent WHERE metric = 'test_error'");
    assertEquals(1, dd.size(), dd.toString());
    Row row = dd.get(0);
    assertEquals("train_loss", row.getString(0));
    // The definition, recomputed from the runs: each run's final training loss over its own at
    // step 0, averaged over the seeds; the smallest width at or below 1 %.
    List<Row> fitted =
        sql(
            "SELECT r.width, avg(r.final_train_loss / c.train_loss) AS ratio FROM runs r JOIN curves"
                + " c ON c.run_id = r.run_id AND c.step = 0 GROUP BY r.width"
                + " HAVING avg(r.final_train_loss / c.train_loss) <= 0.01 ORDER BY r.width LIMIT 1");
    assertEquals(1, fitted.size(), "some width fits its training set");
    double threshold = row.getDouble(1);
    assertEquals(fitted.get(0).getInt(0), threshold, 0, "the table's threshold: " + row);
    assertTrue(
        threshold >= 63, "below p + 1 = n features the noisy labels cannot be fitted: " + row);
    List<Double> x = row.getList(2);
    List<Double> trainError = row.getList(3);
    double firstZeroError = Double.NaN;
    for (int i = x.size() - 1; i >= 0; i--) {
      if (trainError.get(i) <= 0.01) {
        firstZeroError = x.get(i);
      } else {
        break;
      }
    }
    assertTrue(
        firstZeroError < threshold,
        "the training error reaches 0 at width " + firstZeroError + ", before the loss: " + row);
  }

  /**
   * On the step axis every run gives a point per step, so the job names the run of each value and
   * the bootstrap redraws whole learning curves: the table's intervals are those of the same points
   * with their runs, not those of the points' seeds redrawn step by step.
   */
  @Test
  void aFitOverStepsBootstrapsWholeRuns() {
    SweepSpec spec =
        analysed(
            """
            name: stepscaling
            seed: 5
            repeats: 4
            dataset: {input_dim: 8, classes: 3, teacher_width: 16, train_size: 256, test_size: 256}
            model: {width: 16, depth: 1}
            training: {optimizer: adam, learning_rate: 0.01, steps: 200, eval_points: 8}
            analysis: {scaling: step}
            """,
            "stepscaling");
    List<Row> fits =
        sql("SELECT points, alpha, alpha_low, alpha_high, replicates FROM scaling_fits");
    assertEquals(1, fits.size(), fits.toString());
    Row fit = fits.get(0);
    List<SeedPoint> curves =
        assertBootstrappedByUnit(
            sql(
                "SELECT CAST(c.step AS DOUBLE), r.run_id, c.test_loss FROM curves c JOIN runs r"
                    + " ON c.run_id = r.run_id WHERE c.step > 0 ORDER BY c.step, r.run_id"),
            fit,
            spec.seed());
    assertEquals(4, curves.get(0).values().size(), "four runs at every step");
    assertEquals(curves.size(), fit.getInt(0), "a point per step");
  }

  /**
   * Parses {@code yaml}, runs its sweep into a warehouse of its own, writes its analyses and
   * registers the tables; {@code name} names the spec file and the warehouse.
   */
  private SweepSpec analysed(String yaml, String name) {
    SweepSpec spec = SpecParser.parse(yaml, name + ".yaml");
    Warehouse warehouse = new Warehouse(tmp.resolve(name).toString());
    new SweepRunner(spark, warehouse).run(spec, false);
    Analyses.run(spark, warehouse, spec);
    Tables.register(spark, warehouse);
    return spec;
  }

  /**
   * Checks that the job's α interval ({@code fit}'s alpha_low and alpha_high) is the bootstrap of
   * {@code rows} (x, unit, y, in the job's order) that redraws whole units, and not the one that
   * redraws each point's seeds apart; returns the points with their units.
   */
  private static List<SeedPoint> assertBootstrappedByUnit(List<Row> rows, Row fit, long seed) {
    Map<Double, List<Double>> values = new TreeMap<>();
    Map<Double, List<String>> units = new TreeMap<>();
    for (Row r : rows) {
      values.computeIfAbsent(r.getDouble(0), k -> new ArrayList<>()).add(r.getDouble(2));
      units.computeIfAbsent(r.getDouble(0), k -> new ArrayList<>()).add(r.getString(1));
    }
    List<SeedPoint> named = new ArrayList<>();
    List<SeedPoint> unnamed = new ArrayList<>();
    values.forEach(
        (x, v) -> {
          named.add(new SeedPoint(x, Double.NaN, v, units.get(x)));
          unnamed.add(new SeedPoint(x, Double.NaN, v));
        });
    ScalingAnalysis.Interval byUnit =
        ScalingAnalysis.analyse(named, false, 200, seed).intervals().get(2);
    ScalingAnalysis.Interval apart =
        ScalingAnalysis.analyse(unnamed, false, 200, seed).intervals().get(2);
    double low = fit.getAs("alpha_low");
    double high = fit.getAs("alpha_high");
    assertEquals(byUnit.low(), low, 1e-12, "alpha_low: " + fit);
    assertEquals(byUnit.high(), high, 1e-12, "alpha_high: " + fit);
    assertTrue(
        apart.low() != low || apart.high() != high,
        "not each point's seeds redrawn apart: " + apart + ", " + fit);
    return named;
  }

  /**
   * Widths 2 to 16 train in one task each, width 256 (its spectral norms cost most) by parameter
   * averaging: by default the analyses use only the first, say how many runs they left out, and mix
   * both only when asked.
   */
  @Test
  void analysesUseTheRunsAnalysisTrainedBySelects() {
    String yaml =
        """
        name: mixedtraining
        seed: 4
        repeats: 2
        dataset: {input_dim: 6, classes: 3, teacher_width: 8, train_size: 128, test_size: 64}
        model: {width: [2, 4, 8, 16, 256], depth: 1}
        training: {batch_size: 32, steps: 40, eval_points: 4, learning_rate: 0.01}
        limits: {distributed_above: 9e8}
        analysis: {scaling: width, double_descent: width%s}
        """;
    SweepSpec spec = SpecParser.parse(yaml.formatted(""), "mixedtraining.yaml");
    List<Integer> distributed =
        spec.expand().stream().filter(spec::distributed).map(r -> r.width()).toList();
    assertEquals(List.of(256, 256), distributed, "only the widest runs are averaged");
    Warehouse warehouse = new Warehouse(tmp.resolve("mixed").toString());
    new SweepRunner(spark, warehouse).run(spec, false);
    Tables.register(spark, warehouse);
    assertRows(
        "runs by how they were trained",
        sql(
            "SELECT trained_by LIKE 'parameter_averaging%%', count(*) FROM runs"
                + " GROUP BY 1 ORDER BY 1"),
        row(false, 8L),
        row(true, 2L));

    List<String> written = Analyses.run(spark, warehouse, spec);
    assertTrue(
        written.get(0).startsWith("runs: 2 ok runs left out by analysis.trained_by = task"),
        "" + written);
    Tables.register(spark, warehouse);
    assertUsed(
        "task: widths 2 to 16",
        sql("SELECT trained_by, xs FROM scaling_fits"),
        "task",
        List.of(2.0, 4.0, 8.0, 16.0));
    assertUsed(
        "task: the same runs along the double-descent axis",
        sql("SELECT DISTINCT trained_by, x FROM double_descent"),
        "task",
        List.of(2.0, 4.0, 8.0, 16.0));

    SweepSpec any = SpecParser.parse(yaml.formatted(", trained_by: any"), "mixedtraining.yaml");
    written = Analyses.run(spark, warehouse, any);
    assertTrue(written.stream().noneMatch(l -> l.startsWith("runs:")), "" + written);
    Tables.register(spark, warehouse);
    assertUsed(
        "any: every ok run",
        sql("SELECT trained_by, xs FROM scaling_fits"),
        "any",
        List.of(2.0, 4.0, 8.0, 16.0, 256.0));

    SweepSpec averaged =
        SpecParser.parse(yaml.formatted(", trained_by: parameter_averaging"), "mixedtraining.yaml");
    written = Analyses.run(spark, warehouse, averaged);
    assertTrue(written.get(0).startsWith("runs: 8 ok runs left out"), "" + written);
    Tables.register(spark, warehouse);
    assertRows(
        "one width is too few for a law or a curve",
        sql("SELECT count(*) FROM scaling_fits"),
        row(0L));
  }

  private static void assertUsed(String what, List<Row> rows, String trainedBy, List<Double> x) {
    assertEquals(1, rows.size(), what + ": " + rows);
    assertEquals(trainedBy, rows.get(0).getString(0), what);
    assertEquals(x, rows.get(0).getList(1), what);
  }
}
