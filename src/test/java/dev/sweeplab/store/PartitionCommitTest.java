package dev.sweeplab.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.testing.SparkTestBase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps' partitions committed as Iceberg snapshots from Parquet files written without Iceberg,
 * read back by Spark SQL through the catalog's Spark settings: bare table names, time travel,
 * schema evolution.
 */
class PartitionCommitTest extends SparkTestBase {
  static final StructType FIRST =
      new StructType()
          .add("sweep", DataTypes.StringType)
          .add("run_id", DataTypes.StringType)
          .add("width", DataTypes.IntegerType)
          .add("final_test_loss", DataTypes.DoubleType);

  static final StructType SECOND = FIRST.add("best_step", DataTypes.LongType);

  @TempDir static java.nio.file.Path tmp;

  static Configuration conf;
  static Catalog catalog;

  @BeforeAll
  static void catalog() {
    conf = spark.sparkContext().hadoopConfiguration();
    String warehouse = tmp.resolve("warehouse").toString();
    Catalogs.sparkConf(warehouse, null, Map.of(), conf).forEach(spark.conf()::set);
    catalog = Catalogs.open(warehouse, null, Map.of(), conf);
  }

  /** A file under the test's staging directory: {@code <sweep>/<name>.parquet}. */
  static String file(String sweep, String name, MessageType schema, Object[]... rows)
      throws IOException {
    return RunFiles.write(
        conf, tmp.resolve("staging/" + sweep + "/" + name + ".parquet"), schema, rows);
  }

  @Test
  void twoGenerationsOfOneSweepAndOneOfAnother() throws IOException {
    Table table = IcebergTables.createOrLoad(catalog, "runs", SparkSchemaUtil.convert(FIRST));
    List<String> a1 =
        List.of(
            file("a", "r1", RunFiles.FIRST, row("a", "r1", 4, 0.5)),
            file("a", "r2", RunFiles.FIRST, row("a", "r2", 8, 0.25)));
    long first = PartitionCommit.replace(table, "a", a1, Map.of("sweeplab.runs_ok", "2"));
    List<String> b = List.of(file("b", "r3", RunFiles.FIRST, row("b", "r3", 4, 0.75)));
    long second = PartitionCommit.replace(table, "b", b, Map.of());

    // Generation 2 of sweep a: a column more, written between two others, and one run more.
    table = IcebergTables.createOrLoad(catalog, "runs", SparkSchemaUtil.convert(SECOND));
    List<String> a2 =
        List.of(
            file("a", "r1.2", RunFiles.SECOND, row("a", "r1", 7L, 4, 0.375)),
            file("a", "r2.2", RunFiles.SECOND, row("a", "r2", 9L, 8, 0.125)),
            file("a", "r4.2", RunFiles.SECOND, row("a", "r4", 11L, 16, 0.0625)));
    long third = PartitionCommit.replace(table, "a", a2, Map.of("sweeplab.runs_ok", "3"));

    assertRows(
        "current snapshot, bare table name",
        sql("SELECT sweep, run_id, width, final_test_loss, best_step FROM runs ORDER BY 1, 2"),
        row("a", "r1", 4, 0.375, 7L),
        row("a", "r2", 8, 0.125, 9L),
        row("a", "r4", 16, 0.0625, 11L),
        row("b", "r3", 4, 0.75, null));
    // Iceberg's Java reader, by name through the table's name mapping, as Spark reads: the second
    // generation's files hold best_step between run_id and width, where reading by position would
    // take one column for another.
    table.refresh();
    Map<String, List<Object>> byRun = new java.util.TreeMap<>();
    for (org.apache.iceberg.data.Record r : Pins.rows(table, third, "a")) {
      byRun.put(
          (String) r.getField("run_id"),
          List.of(r.getField("width"), r.getField("final_test_loss"), r.getField("best_step")));
    }
    assertEquals(
        Map.of(
            "r1", List.of(4, 0.375, 7L),
            "r2", List.of(8, 0.125, 9L),
            "r4", List.of(16, 0.0625, 11L)),
        byRun,
        "Pins.rows of sweep a at the current snapshot");
    List<org.apache.iceberg.data.Record> old = Pins.rows(table, first, "a");
    assertEquals(2, old.size(), "the first snapshot's rows of a");
    assertEquals(4, old.get(0).size(), "with the first snapshot's schema: " + old.get(0));
    assertRows(
        "the first snapshot, with its own schema",
        sql("SELECT * FROM runs VERSION AS OF %d ORDER BY run_id", first),
        row("a", "r1", 4, 0.5),
        row("a", "r2", 8, 0.25));
    assertRows(
        "the second snapshot: generation 1 of a and b",
        sql("SELECT sweep, run_id FROM runs VERSION AS OF %d ORDER BY 1, 2", second),
        row("a", "r1"),
        row("a", "r2"),
        row("b", "r3"));
    assertRows(
        "the catalog's full name reads the same table",
        sql("SELECT count(*) FROM sweeplab.default.runs WHERE sweep = 'a'"),
        row(3L));

    // One snapshot per commit, with sweeplab's summary.
    table.refresh();
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    assertEquals(
        List.of(first, second, third), snapshots.stream().map(Snapshot::snapshotId).toList());
    assertEquals(third, table.currentSnapshot().snapshotId());
    Map<String, String> summary = snapshots.get(2).summary();
    assertEquals("a", summary.get(PartitionCommit.SWEEP));
    assertEquals("3", summary.get(PartitionCommit.FILES));
    assertEquals("3", summary.get(PartitionCommit.ROWS));
    assertEquals("3", summary.get("sweeplab.runs_ok"));
    assertEquals("2", summary.get("deleted-data-files"), summary.toString());
    assertEquals("b", snapshots.get(1).summary().get(PartitionCommit.SWEEP));
    Map<Long, String> rowsBySnapshot = new java.util.HashMap<>();
    for (Row r : sql("SELECT snapshot_id, summary['sweeplab.rows'] FROM default.runs.snapshots")) {
      rowsBySnapshot.put(r.getLong(0), r.getString(1));
    }
    assertEquals(
        Map.of(first, "2", second, "1", third, "3"), rowsBySnapshot, "default.runs.snapshots");

    // The files are the table's data where they lie: nothing copied.
    List<String> live = new ArrayList<>(a2);
    live.addAll(b);
    assertEquals(
        live.stream().map(f -> f.replaceFirst("^file:", "")).sorted().toList(),
        sql("SELECT file_path FROM default.runs.files").stream()
            .map(r -> r.getString(0).replaceFirst("^file:", ""))
            .sorted()
            .toList());
  }

  @Test
  void aFileWithoutTheSweepColumnTakesTheSweepOfItsPartition() throws IOException {
    MessageType noSweep =
        MessageTypeParser.parseMessageType(
            "message run { required binary run_id (STRING); required int32 width;"
                + " required double final_test_loss; }");
    Table table =
        IcebergTables.createOrLoad(catalog, "without_sweep", SparkSchemaUtil.convert(FIRST));
    PartitionCommit.replace(
        table, "c", List.of(file("c", "r9", noSweep, row("r9", 2, 1.5))), Map.of());
    assertRows(
        "the sweep from the partition",
        sql("SELECT sweep, run_id, width FROM without_sweep WHERE sweep = 'c'"),
        row("c", "r9", 2));
  }

  @Test
  void aFileOfAnotherSweepIsRefusedAndNothingIsCommitted() throws IOException {
    Table table = IcebergTables.createOrLoad(catalog, "guarded", SparkSchemaUtil.convert(FIRST));
    String mine =
        file("long", "r1", RunFiles.FIRST, row("a-sweep-name-of-30-characters", "r1", 4, 0.5));
    String other =
        file("long", "r2", RunFiles.FIRST, row("a-sweep-name-of-30-characterz", "r2", 4, 0.5));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PartitionCommit.replace(
                    table, "a-sweep-name-of-30-characters", List.of(mine, other), Map.of()));
    assertTrue(e.getMessage().contains(other), e.getMessage());
    assertTrue(e.getMessage().contains("'a-sweep-name-of-30-characterz'"), e.getMessage());
    table.refresh();
    assertNull(table.currentSnapshot());
    // Whole values are compared, not the first 16 characters Iceberg keeps by default.
    PartitionCommit.replace(table, "a-sweep-name-of-30-characters", List.of(mine), Map.of());
    assertRows("committed", sql("SELECT run_id FROM guarded"), row("r1"));
  }

  @Test
  void noFilesEmptyTheSweepsPartitionAndLeaveTheOthers() throws IOException {
    Table table = IcebergTables.createOrLoad(catalog, "emptied", SparkSchemaUtil.convert(FIRST));
    PartitionCommit.replace(
        table, "a", List.of(file("ea", "r1", RunFiles.FIRST, row("a", "r1", 4, 0.5))), Map.of());
    PartitionCommit.replace(
        table, "b", List.of(file("eb", "r2", RunFiles.FIRST, row("b", "r2", 4, 0.5))), Map.of());
    long emptied = PartitionCommit.replace(table, "a", List.of(), Map.of());
    assertRows("sweep a gone", sql("SELECT sweep, run_id FROM emptied"), row("b", "r2"));
    assertEquals("0", table.snapshot(emptied).summary().get(PartitionCommit.ROWS));
  }

  @Test
  void aSchemaWithNothingNewLeavesTheTableAsItIs() {
    Table table = IcebergTables.createOrLoad(catalog, "unchanged", SparkSchemaUtil.convert(SECOND));
    String metadata = table.properties().toString() + table.schema();
    Table again = IcebergTables.createOrLoad(catalog, "unchanged", SparkSchemaUtil.convert(FIRST));
    assertEquals(metadata, again.properties().toString() + again.schema());
    assertEquals(
        Arrays.asList("sweep", "run_id", "width", "final_test_loss", "best_step"),
        Arrays.stream(spark.table("unchanged").schema().fieldNames()).toList());
  }
}
