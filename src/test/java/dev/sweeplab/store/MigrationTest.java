package dev.sweeplab.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.engine.SweepRunner;
import dev.sweeplab.engine.Tables;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warehouse in the layout written before the tables were Iceberg's, built as that version's
 * commit built it (the runs and curves compacted by {@link Compaction}, a {@code sweeps} row, an
 * analysis table written by Spark), imported: every row of every table, row for row, and the import
 * happens once.
 */
class MigrationTest extends SparkTestBase {
  static final String SPEC =
      """
      name: %s
      seed: 2
      repeats: 2
      dataset: {input_dim: 4, classes: 2, teacher_width: 4, train_size: 32, test_size: 32}
      model: {width: [2, 4], depth: 1}
      training: {steps: 4, batch_size: 16, eval_points: 3}
      """;

  @TempDir Path tmp;

  @Test
  void anEarlierWarehouseIsImportedRowForRowAndOnce() throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Warehouse source = new Warehouse(tmp.resolve("source").toString());
    Warehouse old = new Warehouse(tmp.resolve("old").toString());
    for (String name : List.of("first", "2026")) {
      SweepSpec spec = SpecParser.parse(SPEC.formatted("\"" + name + "\""), name + ".yaml");
      new SweepRunner(spark, source).run(spec, false);
      List<org.apache.hadoop.fs.Path> staged =
          new ArrayList<>(Staging.files(conf, source.staging(name)).values());
      staged.sort(null);
      Compaction.compact(
          conf,
          staged,
          new org.apache.hadoop.fs.Path(old.partition(Warehouse.RUNS, name), "part-00000.parquet"),
          new org.apache.hadoop.fs.Path(
              old.partition(Warehouse.CURVES, name), "part-00000.parquet"));
      Compaction.writeSweeps(
          conf,
          List.of(),
          new org.apache.hadoop.fs.Path(
              old.partition(Warehouse.SWEEPS, name), "part-00000.parquet"),
          new Compaction.SweepsRow(
              spec.canonicalJson(),
              "v",
              "app",
              "local",
              1_000,
              2_000,
              new SweepCounts(4, 0, 4, 4, 0, 0, 0),
              0,
              0));
    }
    spark
        .sql("SELECT 0 AS group_index, 'test_error' AS metric, 0.5D AS peak_value")
        .write()
        .parquet(old.partition(Warehouse.DOUBLE_DESCENT, "first").toString());
    // The rows as the earlier version's readers saw them: Spark over the partition directories.
    List<String> tables =
        List.of(Warehouse.RUNS, Warehouse.CURVES, Warehouse.SWEEPS, Warehouse.DOUBLE_DESCENT);
    List<List<String>> before = new ArrayList<>();
    List<String[]> columns = new ArrayList<>();
    spark.conf().set("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
    for (String t : tables) {
      Dataset<Row> rows = spark.read().parquet(old.table(t).toString());
      columns.add(rows.columns());
      before.add(sorted(rows));
    }
    assertEquals(8, before.get(0).size(), "two sweeps of four runs");

    Migration.Imported imported = Migration.run(Tables.store(spark, old)); // opening it imports
    assertEquals(0, imported.total(), "opening the warehouse imported it; nothing left");
    assertTrue(
        Files.exists(
            Path.of(old.partition(Warehouse.RUNS, "first").toString()).resolve(Migration.MARKER)));

    Tables.register(spark, old);
    for (int i = 0; i < tables.size(); i++) {
      String[] cols = columns.get(i);
      Dataset<Row> after =
          spark
              .table(tables.get(i))
              .select(
                  Arrays.stream(cols)
                      .map(c -> "`" + c + "`")
                      .map(org.apache.spark.sql.functions::col)
                      .toArray(org.apache.spark.sql.Column[]::new));
      assertEquals(before.get(i), sorted(after), tables.get(i) + ": row for row");
    }
    assertEquals(
        List.of("[2026]", "[first]"),
        sorted(spark.sql("SELECT DISTINCT sweep FROM runs")),
        "a sweep named like a number stays text");

    // A second sweep committed now sits beside the imported ones.
    new SweepRunner(spark, old).run(SpecParser.parse(SPEC.formatted("later"), "later.yaml"), false);
    Tables.register(spark, old);
    assertEquals(
        List.of("[2026,4]", "[first,4]", "[later,4]"),
        sorted(spark.sql("SELECT sweep, count(*) FROM runs GROUP BY sweep")));
  }

  private static List<String> sorted(Dataset<Row> rows) {
    List<String> out = new ArrayList<>();
    for (Row r : rows.collectAsList()) {
      out.add(r.toString());
    }
    out.sort(null);
    return out;
  }
}
