package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.PartitionCommit;
import dev.sweeplab.store.StagedName;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import dev.sweeplab.train.Numerics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit's tables as Spark reads them: written by plain tasks with parquet-hadoop, next to
 * partitions Spark itself wrote (an older sweeplab), in several files when there are many runs.
 */
class SweepCommitTest extends SparkTestBase {
  static final String SPEC =
      """
      name: %s
      seed: 3
      repeats: 5
      dataset: {input_dim: 4, classes: 2, teacher_width: 4, train_size: 32, test_size: 32}
      model: {width: 2, depth: 1}
      training: {steps: 4, batch_size: 16, eval_points: 3}
      """;

  @TempDir Path tmp;

  static SweepSpec spec(String name) {
    return SpecParser.parse(SPEC.formatted(name), name + ".yaml");
  }

  /** The name of {@code run}'s finished staging file at its current numerics. */
  static String stagedName(RunConfig run) {
    return new StagedName(run.runId(), Numerics.version(run), 0).file();
  }

  @Test
  void tablesWrittenByTheCommitReadAlongsidePartitionsSparkWrote() {
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    // What an older sweeplab left: Spark-written partitions (INT96 timestamps, fewer columns).
    spark
        .sql(
            "SELECT 'old_run' AS run_id, 'ok' AS status, 0.5D AS final_test_loss,"
                + " timestamp'2026-01-02 03:04:05' AS finished_at")
        .write()
        .parquet(warehouse.partition(Warehouse.RUNS, "old").toString());
    Timestamp started = Timestamp.valueOf("2026-01-02 03:00:00");
    spark
        .sql(
            "SELECT '{}' AS spec, timestamp'2026-01-02 03:00:00' AS started,"
                + " timestamp'2026-01-02 03:10:00' AS finished, 5L AS runs_planned")
        .write()
        .parquet(warehouse.partition(Warehouse.SWEEPS, "c").toString());

    SweepOutcome o = new SweepRunner(spark, warehouse).run(spec("c"), false);
    assertEquals(5, o.counts().ok(), o.toString());

    Tables.register(spark, warehouse);
    assertRows(
        "runs of both partitions, the old one's newer columns null",
        sql(
            "SELECT sweep, count(*), count(trained_by), count(test_loss_at_best),"
                + " min(finished_at) > timestamp'2026-01-01 00:00:00' FROM runs GROUP BY sweep"
                + " ORDER BY sweep"),
        row("c", 5L, 5L, 5L, true),
        row("old", 1L, 0L, 0L, true));
    assertRows(
        "curves: every evaluation point of every run",
        sql("SELECT count(*), count(DISTINCT run_id), min(step) FROM curves WHERE sweep = 'c'"),
        row(15L, 5L, 0L));
    List<Row> sweeps =
        sql(
            "SELECT started, runs_planned, runs_ok, runs_timeout IS NULL FROM sweeps"
                + " WHERE sweep = 'c' ORDER BY started");
    assertEquals(2, sweeps.size(), sweeps.toString());
    assertEquals(started, sweeps.get(0).getTimestamp(0), "the earlier row keeps its time");
    assertEquals(true, sweeps.get(0).getBoolean(3), "the earlier row predates runs_timeout");
    assertEquals(5L, sweeps.get(1).getLong(1));
    assertEquals(5L, sweeps.get(1).getLong(2));
    assertEquals(false, sweeps.get(1).getBoolean(3));
    assertTrue(sweeps.get(1).getTimestamp(0).after(started));
  }

  @Test
  void manyStagedRunsAreCompactedBySeveralTasksIntoSeveralFiles() throws IOException {
    Warehouse warehouse = new Warehouse(tmp.resolve("many").toString());
    SweepSpec spec = spec("many");
    new SweepRunner(spark, warehouse).run(spec, false); // stages and commits the 5 runs

    SweepOutcome o = SweepCommit.commit(spark, warehouse, spec, spec.expand(), 0, 5, 0, false, 2);

    assertEquals(5, o.counts().ok(), o.toString());
    assertEquals(
        List.of("part-00000.parquet", "part-00001.parquet"),
        dataFiles(warehouse, Warehouse.RUNS, "many"),
        "two tasks on local[2]: min(ceil(5 / 2), 2)");
    assertEquals(
        List.of("part-00000.parquet", "part-00001.parquet"),
        dataFiles(warehouse, Warehouse.CURVES, "many"));
    Tables.register(spark, warehouse);
    assertRows(
        "every run once, every point once",
        sql(
            "SELECT (SELECT count(DISTINCT run_id) FROM runs), (SELECT count(*) FROM runs),"
                + " (SELECT count(*) FROM curves), (SELECT count(*) FROM sweeps)"),
        row(5L, 5L, 15L, 2L));
  }

  @Test
  void aPlannedRunWithoutStagingFileCommitsNothing() throws IOException {
    Warehouse warehouse = new Warehouse(tmp.resolve("lost").toString());
    SweepSpec spec = spec("lost");
    new SweepRunner(spark, warehouse).run(spec, false);
    Path lost =
        Path.of(warehouse.staging("lost").toString()).resolve(stagedName(spec.expand().get(2)));
    Files.delete(lost);

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                SweepCommit.commit(
                    spark,
                    warehouse,
                    spec,
                    spec.expand(),
                    0,
                    5,
                    0,
                    false,
                    SweepCommit.FILES_PER_TASK));

    assertTrue(e.getMessage().contains("5 runs planned but 4 staged"), e.getMessage());
    assertTrue(e.getMessage().contains("nothing was committed"), e.getMessage());
    assertFirstCommitIntact(warehouse);
  }

  @Test
  void anUnreadableStagingFileFailsTheCommitNamingItAndCommitsNothing() throws IOException {
    Warehouse warehouse = new Warehouse(tmp.resolve("bad").toString());
    SweepSpec spec = spec("bad");
    new SweepRunner(spark, warehouse).run(spec, false);
    Path broken =
        Path.of(warehouse.staging("bad").toString()).resolve(stagedName(spec.expand().get(1)));
    assertTrue(Files.exists(broken), broken.toString());
    Files.writeString(broken, "truncated by a full disk");
    Files.deleteIfExists(broken.resolveSibling("." + broken.getFileName() + ".crc"));

    Exception e =
        assertThrows(
            Exception.class,
            () ->
                SweepCommit.commit(
                    spark,
                    warehouse,
                    spec,
                    spec.expand(),
                    0,
                    5,
                    0,
                    false,
                    SweepCommit.FILES_PER_TASK));

    String messages = e.toString() + (e.getCause() == null ? "" : e.getCause().toString());
    assertTrue(messages.contains(broken.getFileName().toString()), messages);
    assertFirstCommitIntact(warehouse);
  }

  /**
   * What a driver with cores of its own does while the runs train: the three tables exist
   * afterwards, empty, nothing of the rehearsal is in them, and the commit then publishes as usual.
   */
  @Test
  void aCommitReadiedWhileTrainingCreatesTheTablesAndTouchesNoRow() {
    Warehouse warehouse = new Warehouse(tmp.resolve("readied").toString());
    SweepSpec spec = spec("readied");
    SweepCommit.prepare(spark, warehouse, spec.expand());
    for (String name : List.of(Warehouse.RUNS, Warehouse.CURVES, Warehouse.SWEEPS)) {
      Table t = Tables.store(spark, warehouse).load(name).orElseThrow();
      assertEquals(null, t.currentSnapshot(), name + ": created, no snapshot");
    }
    new SweepRunner(spark, warehouse).run(spec, false);
    Tables.register(spark, warehouse);
    assertEquals(
        List.of("readied"),
        spark.sql("SELECT DISTINCT sweep FROM runs").collectAsList().stream()
            .map(r -> r.getString(0))
            .toList());
  }

  /**
   * A commit between its {@code runs} snapshot and its {@code sweeps} row: readers see the sweep's
   * runs as its published row names them, and a sweep with no row yet not at all.
   */
  @Test
  void readersSeeEachSweepAsItsSweepsRowPublishedIt() {
    Warehouse warehouse = new Warehouse(tmp.resolve("pins").toString());
    new SweepRunner(spark, warehouse).run(spec("pub"), false);
    Table runs = Tables.store(spark, warehouse).load(Warehouse.RUNS).orElseThrow();
    List<String> files = new ArrayList<>();
    runs.newScan().planFiles().forEach(t -> files.add(t.file().location()));
    // Two commits whose runs landed and whose sweeps rows did not (yet): one replaces the
    // published sweep's runs with none, one adds a sweep never published.
    PartitionCommit.replace(runs, "pub", List.of(), Map.of(PartitionCommit.COMMIT, "c2"));
    PartitionCommit.replace(runs, "unpublished", files, Map.of(PartitionCommit.COMMIT, "c3"));

    Tables.register(spark, warehouse);
    assertRows(
        "the published runs only",
        sql("SELECT sweep, count(*) FROM runs GROUP BY sweep"),
        row("pub", 5L));
    assertRows(
        "the live table has the unpublished state",
        sql(
            "SELECT sweep, count(*) FROM "
                + Tables.sparkTable(
                    Tables.sparkCatalog(spark, Tables.store(spark, warehouse)), Warehouse.RUNS)
                + " GROUP BY sweep"),
        row("unpublished", 5L));
  }

  /**
   * The tables as the sweep's first commit left them, and no data files of the failed commit: one
   * commit's directory per table.
   */
  private static void assertFirstCommitIntact(Warehouse warehouse) throws IOException {
    Tables.register(spark, warehouse);
    assertRows(
        "the first commit's tables as they were",
        sql("SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM sweeps)"),
        row(5L, 1L));
    for (String table : List.of(Warehouse.RUNS, Warehouse.CURVES, Warehouse.SWEEPS)) {
      Table t = Tables.store(spark, warehouse).load(table).orElseThrow();
      Path data = Path.of(java.net.URI.create(t.location())).resolve("data");
      try (Stream<Path> dirs = Files.walk(data, 2)) {
        assertEquals(
            1,
            dirs.filter(d -> data.relativize(d).getNameCount() == 2).count(),
            table + ": only the first commit's data directory");
      }
    }
  }

  /** The names of the data files of the sweep's partition at the table's current snapshot. */
  private static List<String> dataFiles(Warehouse warehouse, String table, String sweep) {
    Table t = Tables.store(spark, warehouse).load(table).orElseThrow();
    List<String> names = new ArrayList<>();
    t.newScan()
        .filter(Expressions.equal("sweep", sweep))
        .planFiles()
        .forEach(f -> names.add(new org.apache.hadoop.fs.Path(f.file().location()).getName()));
    names.sort(null);
    return names;
  }
}
