package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tables say of a run's evaluation, on real sweeps that overfit: every curve point on the
 * same whole splits, the last point the run's final numbers, early stopping on validation, and no
 * early-stopping numbers at all without a validation split.
 */
class EvaluationTest extends SparkTestBase {
  /**
   * Small training sets, a wide net and a high learning rate: the validation loss turns up while
   * the training loss still falls, so the best step lies before the last.
   */
  static final String SPEC =
      """
      name: %s
      seed: 3
      repeats: 2
      dataset: {input_dim: 8, classes: 3, teacher_width: 16, train_size: [32, 96], test_size: 2501,
                label_noise: 0.3, val_size: %s}
      model: {width: 128, depth: 1}
      training: {optimizer: adam, learning_rate: 0.02, batch_size: 32, steps: 400, eval_points: 12}
      """;

  @TempDir static Path tmp;
  static Warehouse warehouse;

  @BeforeAll
  static void trainBoth() {
    warehouse = new Warehouse(tmp.resolve("wh").toString());
    for (String[] s : new String[][] {{"withval", "300"}, {"noval", "0"}}) {
      SweepSpec spec = SpecParser.parse(SPEC.formatted(s[0], s[1]), s[0] + ".yaml");
      SweepOutcome o = new SweepRunner(spark, warehouse).run(spec, false);
      assertEquals(4, o.counts().ok(), o.toString());
    }
    Tables.register(spark, warehouse);
  }

  @Test
  void everyCurvePointIsEvaluatedOnTheSameWholeSplits() {
    assertRows(
        "sizes",
        sql(
            "SELECT sweep, train_size, min(eval_train_size), max(eval_train_size),"
                + " min(eval_test_size), max(eval_test_size), min(val_size), max(val_size) FROM runs"
                + " GROUP BY sweep, train_size ORDER BY sweep, train_size"),
        row("noval", 32, 32, 32, 2501, 2501, 0, 0),
        row("noval", 96, 96, 96, 2501, 2501, 0, 0),
        row("withval", 32, 32, 32, 2501, 2501, 300, 300),
        row("withval", 96, 96, 96, 2501, 2501, 300, 300));
    // An error over n samples is a multiple of 1/n: at every point, the last included, n is the
    // whole split (a 2,048-sample prefix or any other subset would break this for 2,501).
    List<Row> off =
        sql(
            "SELECT c.sweep, c.run_id, c.step FROM curves c JOIN runs r ON c.sweep = r.sweep AND"
                + " c.run_id = r.run_id WHERE abs(c.test_error * r.eval_test_size"
                + " - round(c.test_error * r.eval_test_size)) > 1e-6 OR abs(c.train_error *"
                + " r.eval_train_size - round(c.train_error * r.eval_train_size)) > 1e-6 OR"
                + " (r.val_size > 0 AND abs(c.val_error * r.val_size - round(c.val_error *"
                + " r.val_size)) > 1e-6)");
    assertEquals(List.of(), off, "points not on the whole splits");
    assertRows(
        "points per run",
        sql(
            "SELECT count(DISTINCT c.step) FROM curves c GROUP BY c.sweep, c.run_id"
                + " HAVING count(*) < 10"));
  }

  @Test
  void theLastCurvePointIsTheRunsFinalNumbers() {
    assertRows(
        "final columns against the last point",
        sql(
            "SELECT count(*), sum(CASE WHEN r.final_train_loss = c.train_loss AND"
                + " r.final_train_error = c.train_error AND r.final_test_loss = c.test_loss AND"
                + " r.final_test_error = c.test_error THEN 1 ELSE 0 END) FROM runs r JOIN curves c"
                + " ON c.sweep = r.sweep AND c.run_id = r.run_id AND c.step = r.steps_done"),
        row(8L, 8L));
  }

  @Test
  void earlyStoppingPicksTheLeastValidationLossNeverTheTestCurve() {
    List<Row> runs =
        sql(
            "SELECT run_id, best_step, best_val_loss, test_loss_at_best, test_error_at_best,"
                + " steps_done FROM runs WHERE sweep = 'withval' ORDER BY run_id");
    assertEquals(4, runs.size());
    int earlier = 0;
    for (Row r : runs) {
      List<Row> curve =
          sql(
              "SELECT step, val_loss, test_loss, test_error FROM curves WHERE sweep = 'withval'"
                  + " AND run_id = '%s' ORDER BY step",
              r.getString(0));
      Row best = curve.get(0);
      for (Row p : curve) {
        if (p.getDouble(1) < best.getDouble(1)) {
          best = p;
        }
      }
      assertEquals(best.getLong(0), r.getLong(1), "best_step of " + r);
      assertEquals(best.getDouble(1), r.getDouble(2), "best_val_loss of " + r);
      assertEquals(best.getDouble(2), r.getDouble(3), "test_loss_at_best of " + r);
      assertEquals(best.getDouble(3), r.getDouble(4), "test_error_at_best of " + r);
      if (r.getLong(1) < r.getLong(5)) {
        earlier++;
      }
    }
    assertTrue(earlier > 0, "overfitting runs stop early: " + runs);
  }

  @Test
  void withoutAValidationSplitThereIsNoEarlyStopping() {
    assertRows(
        "noval",
        sql(
            "SELECT count(*), count(best_val_loss), count(best_step), count(test_loss_at_best),"
                + " count(test_error_at_best), count(final_test_loss) FROM runs"
                + " WHERE sweep = 'noval'"),
        row(4L, 0L, 0L, 0L, 0L, 4L));
    assertRows(
        "noval curves",
        sql(
            "SELECT count(*) > 0, count(val_loss), count(val_error) FROM curves"
                + " WHERE sweep = 'noval'"),
        row(true, 0L, 0L));
    assertRows(
        "withval curves",
        sql(
            "SELECT count(*) = count(val_loss), count(*) = count(val_error) FROM curves"
                + " WHERE sweep = 'withval'"),
        row(true, true));
  }
}
