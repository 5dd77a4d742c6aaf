package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code width_exponents} table over synthetic {@code runs} partitions whose quantities follow
 * known powers of width: q = c·n^β times a per-seed factor that is the same at every width, so the
 * fitted slope is exactly β and the bootstrap interval, which redraws seeds within each width, is
 * wider than a point and covers it.
 */
class WidthExponentsJobTest extends SparkTestBase {
  @TempDir Path tmp;

  static final int[] WIDTHS = {16, 32, 64};
  static final double[] SEED_FACTOR = {1.2, 0.8};

  static List<Double> powers(int width, int repeat, double... exponents) {
    List<Double> values = new ArrayList<>();
    for (double beta : exponents) {
      values.add(0.5 * Math.pow(width, beta) * SEED_FACTOR[repeat]);
    }
    return values;
  }

  static SweepSpec spec(String yaml) {
    return SpecParser.parse(yaml, "exponents.yaml");
  }

  /** Writes a {@code runs} partition of the given columns, one row per run. */
  static void writeRuns(Warehouse warehouse, String sweep, StructType schema, List<Row> rows) {
    spark
        .createDataFrame(rows, schema)
        .write()
        .parquet(warehouse.table(Warehouse.RUNS) + "/sweep=" + sweep);
  }

  static StructType base() {
    return new StructType()
        .add("run_id", DataTypes.StringType)
        .add("status", DataTypes.StringType)
        .add("width", DataTypes.IntegerType)
        .add("repeat", DataTypes.IntegerType)
        .add("parameterization", DataTypes.StringType)
        .add("optimizer", DataTypes.StringType)
        .add("init_scale", DataTypes.DoubleType);
  }

  static final org.apache.spark.sql.types.DataType LIST =
      DataTypes.createArrayType(DataTypes.DoubleType, true);

  @Test
  void todaysRunsTableGivesFrobeniusExponentsPerGroupParameterizationAndLayer() {
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    SweepSpec spec =
        spec(
            """
            name: lazy
            seed: 3
            repeats: 2
            model: {width: [16, 32, 64], parameterization: [ntk, mup], init_scale: [1.0, 4.0]}
            training: {optimizer: sgd}
            analysis: {width_exponents: 'yes'}
            """);
    List<Row> rows = new ArrayList<>();
    for (String p : List.of("ntk", "mup")) {
      for (double s : new double[] {1.0, 4.0}) {
        for (int n : WIDTHS) {
          for (int r = 0; r < 2; r++) {
            // input, hidden, output exponents: lazy (ntk) and rich (mup); init_scale 4 halves c
            List<Double> q =
                p.equals("ntk") ? powers(n, r, -0.5, -1.0, -0.5) : powers(n, r, 0.0, -0.5, 0.0);
            List<Double> scaled = q.stream().map(v -> v / s).toList();
            rows.add(RowFactory.create(p + s + n + r, "ok", n, r, p, "sgd", s, scaled));
          }
        }
      }
    }
    // Not ok, or unusable values: dropped. Seed 1 of ntk at init_scale 1 and width 64 has no usable
    // value, leaving one seed there.
    rows.add(
        RowFactory.create("bad", "diverged", 64, 1, "ntk", "sgd", 1.0, List.of(1e9, 1e9, 1e9)));
    rows.set(
        5,
        RowFactory.create(
            "ntk1.0_64_1", "ok", 64, 1, "ntk", "sgd", 1.0, Arrays.asList(null, 0.0, Double.NaN)));
    writeRuns(warehouse, "lazy", base().add("weight_change_layers", LIST), rows);

    List<String> written = Analyses.run(spark, warehouse, spec);
    assertEquals(List.of("width_exponents: 12 rows"), written, "2 groups x 2 p x 3 layers");
    Tables.register(spark, warehouse);
    assertRows(
        "key columns and counts",
        sql(
            "SELECT `group`, init_scale, parameterization, optimizer, quantity, layer, layer_kind,"
                + " widths, seeds, points, replicates FROM width_exponents WHERE init_scale = 1.0"),
        row(
            "init_scale=1.0",
            1.0,
            "mup",
            "sgd",
            "weight_change_frobenius",
            0,
            "input",
            3,
            2,
            6,
            2000),
        row(
            "init_scale=1.0",
            1.0,
            "mup",
            "sgd",
            "weight_change_frobenius",
            1,
            "hidden",
            3,
            2,
            6,
            2000),
        row(
            "init_scale=1.0",
            1.0,
            "mup",
            "sgd",
            "weight_change_frobenius",
            2,
            "output",
            3,
            2,
            6,
            2000),
        row(
            "init_scale=1.0",
            1.0,
            "ntk",
            "sgd",
            "weight_change_frobenius",
            0,
            "input",
            3,
            1,
            5,
            2000),
        row(
            "init_scale=1.0",
            1.0,
            "ntk",
            "sgd",
            "weight_change_frobenius",
            1,
            "hidden",
            3,
            1,
            5,
            2000),
        row(
            "init_scale=1.0",
            1.0,
            "ntk",
            "sgd",
            "weight_change_frobenius",
            2,
            "output",
            3,
            1,
            5,
            2000));
    List<Row> fits =
        sql(
            "SELECT `group`, parameterization, layer, exponent, exponent_low, exponent_high, xs"
                + " FROM width_exponents");
    double[][] expected = {{0.0, -0.5, 0.0}, {-0.5, -1.0, -0.5}}; // mup, ntk
    for (Row f : fits) {
      int layer = f.getInt(2);
      double beta = expected[f.getString(1).equals("mup") ? 0 : 1][layer];
      boolean oneSeedAtTheWidest =
          f.getString(0).equals("init_scale=1.0") && f.getString(1).equals("ntk");
      if (!oneSeedAtTheWidest) {
        assertEquals(beta, f.getDouble(3), 1e-12, "same seed factor at every width: " + f);
        assertTrue(f.getDouble(4) < beta && beta < f.getDouble(5), "interval covers: " + f);
      } else {
        assertTrue(Math.abs(f.getDouble(3) - beta) > 0.01, "only seed 0 at width 64: " + f);
      }
      assertEquals(List.of(16.0, 32.0, 64.0), f.getList(6));
    }

    // A rerun (as analyze does) draws the same replicates and writes identical rows.
    List<Row> before = sql("SELECT * FROM width_exponents");
    Analyses.run(spark, warehouse, spec);
    Tables.register(spark, warehouse);
    assertEquals(before, sql("SELECT * FROM width_exponents"));
  }

  @Test
  void everyQuantityWhenTheRunsHaveThemAndNoneMissingFromAnOlderSweep() {
    Warehouse warehouse = new Warehouse(tmp.resolve("all").toString());
    String yaml =
        """
        name: %s
        repeats: 2
        model: {width: [16, 32, 64], depth: 3, parameterization: mup}
        training: {optimizer: sgd}
        analysis: {width_exponents: 'yes'}
        """;
    StructType full =
        base()
            .add("weight_change_layers", LIST)
            .add("weight_change_spectral", LIST)
            .add("feature_change", LIST)
            .add("kernel_change", LIST);
    List<Row> rows = new ArrayList<>();
    for (int n : WIDTHS) {
      for (int r = 0; r < 2; r++) {
        rows.add(
            RowFactory.create(
                "n" + n + r,
                "ok",
                n,
                r,
                "mup",
                "sgd",
                1.0,
                powers(n, r, 0, -0.5, -0.5, 0),
                powers(n, r, 0, 0, 0, 0),
                powers(n, r, 0.1, 0.2, 0.3),
                powers(n, r, -0.25)));
      }
    }
    writeRuns(warehouse, "new", full, rows);
    // An older sweep of the same warehouse: only today's column, so the others read null there.
    IntFunction<Row> old =
        i ->
            RowFactory.create(
                "o" + i,
                "ok",
                WIDTHS[i / 2],
                i % 2,
                "mup",
                "sgd",
                1.0,
                powers(WIDTHS[i / 2], i % 2, 0, -0.5, -0.5, 0));
    List<Row> oldRows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      oldRows.add(old.apply(i));
    }
    writeRuns(warehouse, "old", base().add("weight_change_layers", LIST), oldRows);

    assertEquals(
        List.of("width_exponents: 12 rows"),
        Analyses.run(spark, warehouse, spec(String.format(yaml, "new"))),
        "4 + 4 weight matrices, 3 hidden layers' features, 1 kernel");
    assertEquals(
        List.of("width_exponents: 4 rows"),
        Analyses.run(spark, warehouse, spec(String.format(yaml, "old"))));
    Tables.register(spark, warehouse);
    String query =
        "SELECT sweep, `group`, quantity, layer, layer_kind, round(exponent, 9)"
            + " FROM width_exponents WHERE sweep = '%s'";
    assertRows(
        "the older sweep: weight_change_layers only",
        sql(query, "old"),
        row("old", "", "weight_change_frobenius", 0, "input", 0.0),
        row("old", "", "weight_change_frobenius", 1, "hidden", -0.5),
        row("old", "", "weight_change_frobenius", 2, "hidden", -0.5),
        row("old", "", "weight_change_frobenius", 3, "output", 0.0));
    assertRows(
        "quantities in order, layers input side first",
        sql(query, "new"),
        row("new", "", "weight_change_frobenius", 0, "input", 0.0),
        row("new", "", "weight_change_frobenius", 1, "hidden", -0.5),
        row("new", "", "weight_change_frobenius", 2, "hidden", -0.5),
        row("new", "", "weight_change_frobenius", 3, "output", 0.0),
        row("new", "", "weight_change_spectral", 0, "input", 0.0),
        row("new", "", "weight_change_spectral", 1, "hidden", 0.0),
        row("new", "", "weight_change_spectral", 2, "hidden", 0.0),
        row("new", "", "weight_change_spectral", 3, "output", 0.0),
        row("new", "", "feature_change", 0, "hidden", 0.1),
        row("new", "", "feature_change", 1, "hidden", 0.2),
        row("new", "", "feature_change", 2, "hidden", 0.3),
        row("new", "", "kernel_change", 0, "hidden", -0.25));
  }
}
