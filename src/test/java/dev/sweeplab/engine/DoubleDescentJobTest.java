package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code double_descent} table over synthetic {@code runs} and {@code curves} partitions: runs
 * that are not ok are counted per x, the per-x statistics are over seeds, the sample-wise threshold
 * is the largest interpolated training-set size, and partitions written before the added columns
 * still read.
 */
class DoubleDescentJobTest extends SparkTestBase {
  @TempDir Path tmp;

  static final StructType RUNS =
      new StructType()
          .add("run_id", DataTypes.StringType)
          .add("status", DataTypes.StringType)
          .add("train_size", DataTypes.IntegerType)
          .add("repeat", DataTypes.IntegerType)
          .add("final_test_error", DataTypes.DoubleType)
          .add("final_test_loss", DataTypes.DoubleType)
          .add("final_train_error", DataTypes.DoubleType);

  static void write(
      Warehouse warehouse, String table, String sweep, StructType schema, List<Row> rows) {
    spark.createDataFrame(rows, schema).write().parquet(warehouse.table(table) + "/sweep=" + sweep);
  }

  @Test
  void sampleWiseRowCountsRunsThatAreNotOkAndTakesTheLargestInterpolatedSize() {
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    SweepSpec spec =
        SpecParser.parse(
            """
            name: samples
            seed: 1
            repeats: 3
            dataset: {train_size: [64, 128, 256, 512, 1024]}
            analysis: {double_descent: train_size}
            """,
            "samples.yaml");
    int[] sizes = {64, 128, 256, 512, 1024};
    double[] train = {0, 0.002, 0.008, 0.1, 0.2};
    // 256: one diverged run; 512: one timed out; 1024: all three failed (no ok seed, no point).
    String[][] status = {
      {"ok", "ok", "ok"},
      {"ok", "ok", "ok"},
      {"ok", "diverged", "ok"},
      {"timeout", "ok", "ok"},
      {"failed", "failed", "failed"}
    };
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      for (int r = 0; r < 3; r++) {
        boolean ok = status[i][r].equals("ok");
        Double e = ok ? 0.3 + 0.01 * r : null;
        rows.add(
            RowFactory.create(
                "n" + sizes[i] + "r" + r,
                status[i][r],
                sizes[i],
                r,
                e,
                ok ? 1.0 + r : null,
                train[i]));
      }
    }
    write(warehouse, Warehouse.RUNS, "samples", RUNS, rows);
    List<DoubleDescentJob.Detection> detections = DoubleDescentJob.write(spark, warehouse, spec);
    assertEquals(2, detections.size(), "test_error and test_loss");

    Tables.register(spark, warehouse);
    List<Row> dd =
        sql(
            "SELECT metric, x, seeds, runs_not_ok, runs_not_ok_total, interpolation_threshold,"
                + " z_threshold FROM double_descent ORDER BY metric");
    assertEquals(2, dd.size());
    for (Row r : dd) {
      assertEquals(List.of(64.0, 128.0, 256.0, 512.0), r.getList(1));
      assertEquals(List.of(3, 3, 2, 2), r.getList(2), "seeds per x");
      assertEquals(List.of(0, 0, 1, 1), r.getList(3), "not ok per x");
      assertEquals(5, r.getInt(4), "with the three failed runs at 1024, which has no point");
      assertEquals(256.0, r.getDouble(5), "largest n with train error <= 0.01");
      assertEquals(
          new org.hipparchus.distribution.continuous.NormalDistribution(0, 1)
              .inverseCumulativeProbability(1 - 0.05 / 2),
          r.getDouble(6),
          1e-9,
          "Bonferroni over the two interior points");
    }
  }

  @Test
  void squaredLossRunsWithoutTheirStepZeroLossAreReadByTheirTrainingError() {
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    SweepSpec spec =
        SpecParser.parse(
            """
            name: mse
            seed: 1
            repeats: 2
            dataset: {train_size: [64, 128, 256, 512], loss: mse}
            analysis: {double_descent: train_size}
            """,
            "mse.yaml");
    StructType schema = RUNS.add("loss", DataTypes.StringType);
    int[] sizes = {64, 128, 256, 512};
    double[] train = {0, 0.002, 0.05, 0.1};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      for (int r = 0; r < 2; r++) {
        rows.add(
            RowFactory.create(
                "n" + sizes[i] + "r" + r, "ok", sizes[i], r, 0.3, 1.0, train[i], "mse"));
      }
    }
    // No curves: nothing records the loss at step 0, so the loss cannot say what is fitted.
    write(warehouse, Warehouse.RUNS, "mse", schema, rows);
    DoubleDescentJob.write(spark, warehouse, spec);
    Tables.register(spark, warehouse);
    assertRows(
        "the training error decides",
        sql("SELECT DISTINCT interpolated_by, interpolation_threshold FROM double_descent"),
        row("train_error", 128.0));
  }

  @Test
  void epochWiseStatisticsAreOverSeedsAndOldPartitionsStillRead() {
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    SweepSpec spec =
        SpecParser.parse(
            """
            name: epochs
            seed: 1
            repeats: 3
            training: {steps: 30, eval_points: 4}
            analysis: {double_descent: step}
            """,
            "epochs.yaml");
    List<Row> runs = new ArrayList<>();
    List<Row> curves = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      String status = r == 2 ? "diverged" : "ok";
      runs.add(RowFactory.create("run" + r, status, 64, r, 0.3, 1.0, 0.0));
      for (int step = 0; step <= 30; step += 10) {
        // Seed r's curve is offset by 0.02·r at every step: the per-step spread is over seeds.
        double e = 0.5 - 0.005 * step + 0.02 * r;
        curves.add(RowFactory.create("run" + r, step, e, 2 * e, r == 2 ? 0.5 : 0.3 - 0.01 * step));
      }
    }
    write(warehouse, Warehouse.RUNS, "epochs", RUNS, runs);
    write(
        warehouse,
        Warehouse.CURVES,
        "epochs",
        new StructType()
            .add("run_id", DataTypes.StringType)
            .add("step", DataTypes.IntegerType)
            .add("test_error", DataTypes.DoubleType)
            .add("test_loss", DataTypes.DoubleType)
            .add("train_error", DataTypes.DoubleType),
        curves);
    // A partition of an older sweep, written before seeds, runs_not_ok, z, z_threshold,
    // trained_by, train_loss and interpolated_by existed.
    StructType old = new StructType();
    for (var f : DoubleDescentJob.SCHEMA.fields()) {
      if (!List.of(
              "sweep",
              "seeds",
              "runs_not_ok",
              "runs_not_ok_total",
              "z",
              "z_threshold",
              "trained_by",
              "train_loss",
              "interpolated_by")
          .contains(f.name())) {
        old = old.add(f);
      }
    }
    List<Double> three = List.of(1.0, 2.0, 3.0);
    write(
        warehouse,
        Warehouse.DOUBLE_DESCENT,
        "older",
        old,
        List.of(
            RowFactory.create(
                "all",
                "width",
                "test_error",
                three,
                three,
                three,
                three,
                false,
                null,
                null,
                0.0,
                0.1,
                null,
                1.0,
                null)));

    DoubleDescentJob.write(spark, warehouse, spec);
    Tables.register(spark, warehouse);
    List<Row> dd =
        sql(
            "SELECT sweep, metric, x, seeds, runs_not_ok, runs_not_ok_total, value, value_sd,"
                + " train_error, interpolation_threshold, trained_by FROM double_descent"
                + " ORDER BY sweep, metric");
    assertEquals(3, dd.size(), dd.toString());
    Row e = dd.get(0);
    assertEquals("epochs", e.getString(0));
    assertEquals("test_error", e.getString(1));
    assertEquals(List.of(0.0, 10.0, 20.0, 30.0), e.getList(2));
    assertEquals(List.of(2, 2, 2, 2), e.getList(3), "the two ok runs are the seeds at each step");
    assertEquals(List.of(1, 1, 1, 1), e.getList(4), "the diverged run is missing at every step");
    assertEquals(1, e.getInt(5));
    List<Double> value = e.getList(6);
    List<Double> sd = e.getList(7);
    for (int i = 0; i < 4; i++) {
      assertEquals(0.5 - 0.05 * i + 0.01, value.get(i), 1e-12);
      assertEquals(0.02 / Math.sqrt(2), sd.get(i), 1e-12, "spread of the two seeds");
    }
    assertEquals(
        List.of(0.3, 0.2, 0.1, 0.0),
        e.getList(8).stream().map(v -> Math.round((Double) v * 10) / 10.0).toList());
    assertEquals(30.0, e.getDouble(9), "smallest step with train error <= 0.01");
    assertEquals("task", e.getString(10), "runs without trained_by were trained in a task");
    Row older = dd.get(2);
    assertEquals("older", older.getString(0));
    assertTrue(older.isNullAt(3) && older.isNullAt(4) && older.isNullAt(5), older.toString());
    assertTrue(older.isNullAt(10), "written before trained_by: " + older);
  }
}
