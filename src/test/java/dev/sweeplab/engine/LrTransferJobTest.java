package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code lr_transfer} table over a synthetic {@code runs} partition whose losses are parabolas
 * in log2 of the rate with a known vertex: under standard parameterization it moves one grid step
 * left from width 16 to 32, under muP it stays. Diverged runs are counted per rate (and their
 * recorded loss ignored), failed ones are not, and the other swept key is the group.
 */
class LrTransferJobTest extends SparkTestBase {
  @TempDir Path tmp;

  static final double[] RATES = {0.001, 0.002, 0.004, 0.008};

  static final StructType RUNS =
      new StructType()
          .add("run_id", DataTypes.StringType)
          .add("status", DataTypes.StringType)
          .add("depth", DataTypes.IntegerType)
          .add("parameterization", DataTypes.StringType)
          .add("width", DataTypes.IntegerType)
          .add("learning_rate", DataTypes.DoubleType)
          .add("repeat", DataTypes.IntegerType)
          .add("best_val_loss", DataTypes.DoubleType);

  /** The sample sd of 1.0 and 1.01, the two seeds at every optimum. */
  static final double SD = 0.01 / Math.sqrt(2);

  static final String TASK = "task";

  static List<Double> rounded(List<Double> values) {
    return values.stream().map(v -> v == null ? null : Math.round(v * 1e9) / 1e9).toList();
  }

  @Test
  void theOptimumPerWidthItsShiftAndTheDivergedRunsPerRate() {
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    SweepSpec spec =
        SpecParser.parse(
            """
            name: transfer
            seed: 4
            repeats: 2
            model: {width: [16, 32], depth: [1, 2], parameterization: [standard, mup]}
            training: {learning_rate: [0.001, 0.002, 0.004, 0.008]}
            analysis: {lr_transfer: 'yes'}
            """,
            "transfer.yaml");
    List<Row> rows = new ArrayList<>();
    for (int depth : new int[] {1, 2}) {
      for (String p : List.of("standard", "mup")) {
        for (int width : new int[] {16, 32}) {
          int vertex = p.equals("mup") || width == 16 ? 2 : 1;
          for (int i = 0; i < RATES.length; i++) {
            for (int r = 0; r < 2; r++) {
              String status = "ok";
              double loss = 1 + 0.1 * (i - vertex) * (i - vertex) + 0.01 * r;
              if (p.equals("standard") && width == 32 && i == 3) {
                status = "diverged"; // its recorded loss, the least of all, must not count
                loss = 0.01;
              } else if (p.equals("mup") && width == 16 && i == 0 && r == 1) {
                status = "failed";
              }
              String id = depth + p + width + "_" + i + "_" + r;
              rows.add(RowFactory.create(id, status, depth, p, width, RATES[i], r, loss));
            }
          }
        }
      }
    }
    spark
        .createDataFrame(rows, RUNS)
        .write()
        .parquet(warehouse.table(Warehouse.RUNS) + "/sweep=transfer");

    List<String> written = Analyses.run(spark, warehouse, spec);
    assertEquals(
        List.of(
            "lr_transfer [depth=1] mup: optimal log2 lr -7.97,-7.97 over widths 16..32 (spread 0"
                + " steps)",
            "lr_transfer [depth=1] standard: optimal log2 lr -7.97,-8.97 over widths 16..32"
                + " (spread 1 step)",
            "lr_transfer [depth=2] mup: optimal log2 lr -7.97,-7.97 over widths 16..32 (spread 0"
                + " steps)",
            "lr_transfer [depth=2] standard: optimal log2 lr -7.97,-8.97 over widths 16..32"
                + " (spread 1 step)"),
        written);
    Tables.register(spark, warehouse);
    assertRows(
        "one row per group, parameterization and width",
        sql(
            "SELECT `group`, depth, parameterization, width, metric, optimal_lr,"
                + " optimal_loss, optimal_loss_sd, replicates, shift_steps, spread_steps, at_edge,"
                + " trained_by FROM lr_transfer WHERE depth = 1 ORDER BY parameterization, width"),
        row("depth=1", 1, "mup", 16, "best_val_loss", 0.004, 1.005, SD, 200, 0.0, 0.0, false, TASK),
        row("depth=1", 1, "mup", 32, "best_val_loss", 0.004, 1.005, SD, 200, 0.0, 0.0, false, TASK),
        row(
            "depth=1",
            1,
            "standard",
            16,
            "best_val_loss",
            0.004,
            1.005,
            SD,
            200,
            0.0,
            1.0,
            false,
            TASK),
        row(
            "depth=1",
            1,
            "standard",
            32,
            "best_val_loss",
            0.002,
            1.005,
            SD,
            200,
            -1.0,
            1.0,
            false,
            TASK));
    List<Row> arrays =
        sql(
            "SELECT learning_rates, seeds, diverged, mean_losses FROM lr_transfer"
                + " WHERE depth = 2 ORDER BY parameterization, width");
    for (Row a : arrays) {
      assertEquals(List.of(0.001, 0.002, 0.004, 0.008), a.getList(0), "the grid: " + a);
    }
    assertEquals(List.of(1, 2, 2, 2), arrays.get(0).getList(1), "mup 16: a failed run at 0.001");
    assertEquals(List.of(0, 0, 0, 0), arrays.get(0).getList(2));
    assertEquals(List.of(2, 2, 2, 0), arrays.get(3).getList(1), "standard 32: seeds per rate");
    assertEquals(List.of(0, 0, 0, 2), arrays.get(3).getList(2), "standard 32: both diverged");
    assertEquals(List.of(1.4, 1.105, 1.005, 1.105), rounded(arrays.get(0).getList(3)));
    assertEquals(
        Arrays.asList(1.105, 1.005, 1.105, null),
        rounded(arrays.get(3).getList(3)),
        "the mean over ok seeds, null where every seed diverged");
    // The seeds differ by the same 0.01 at every rate: every replicate agrees on the optimum.
    assertRows(
        "the interval",
        sql(
            "SELECT count(*) FROM lr_transfer WHERE optimal_lr_low = optimal_lr"
                + " AND optimal_lr_high = optimal_lr AND optimal_share = 1.0"),
        row(8L));

    // A rerun (as analyze does) draws the same replicates and writes identical rows.
    List<Row> before = sql("SELECT * FROM lr_transfer ORDER BY `group`, parameterization, width");
    Analyses.run(spark, warehouse, spec);
    Tables.register(spark, warehouse);
    assertEquals(
        before, sql("SELECT * FROM lr_transfer ORDER BY `group`, parameterization, width"));
  }
}
