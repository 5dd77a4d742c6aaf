package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.DriverLease;
import dev.sweeplab.store.StagedName;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import dev.sweeplab.train.Numerics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Timestamp;
import java.util.List;
import java.util.stream.Stream;
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
    assertEquals(5, o.ok(), o.toString());

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

    assertEquals(5, o.ok(), o.toString());
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

  @Test
  void theNextCommitRemovesPendingDataADeadCommitLeftAndKeepsALiveOnes() throws IOException {
    Warehouse warehouse = new Warehouse(tmp.resolve("dead").toString());
    new SweepRunner(spark, warehouse).run(spec("first"), false);
    Path pending = Path.of(warehouse.table(Warehouse.RUNS).toString(), "_pending");
    Path dead = pending.resolve("1-dead/sweep=first/part-00000.parquet");
    Path live = pending.resolve("2-live/sweep=other/part-00000.parquet");
    Path waiting = pending.resolve("3-waiting/sweep=held/part-00000.parquet");
    for (Path p : List.of(dead, live, waiting)) {
      Files.createDirectories(p.getParent());
      Files.writeString(p, "half a partition");
    }
    FileTime old = FileTime.fromMillis(System.currentTimeMillis() - Commit.ABANDONED_MS - 60_000);
    for (Path start : List.of(dead, waiting)) {
      for (Path p = start; !p.equals(pending); p = p.getParent()) {
        Files.setLastModifiedTime(p, old);
      }
    }

    // A sweep whose driver is alive (its commit waiting for executors) keeps its pending data.
    try (DriverLease held =
        DriverLease.acquire(spark.sparkContext().hadoopConfiguration(), warehouse, "held")) {
      new SweepRunner(spark, warehouse).run(spec("second"), false);
    }

    assertFalse(Files.exists(dead.getParent().getParent()), "a dead commit's pending data removed");
    assertTrue(Files.exists(live), "a commit still writing keeps its pending data");
    assertTrue(Files.exists(waiting), "a live driver's commit keeps its pending data");
  }

  /** The tables as the sweep's first commit left them, and no pending commit data. */
  private static void assertFirstCommitIntact(Warehouse warehouse) throws IOException {
    Tables.register(spark, warehouse);
    assertRows(
        "the first commit's tables as they were",
        sql("SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM sweeps)"),
        row(5L, 1L));
    try (Stream<Path> pending =
        Files.walk(Path.of(warehouse.root())).filter(p -> p.toString().contains("_pending/"))) {
      assertEquals(List.of(), pending.toList(), "nothing left pending");
    }
  }

  private static List<String> dataFiles(Warehouse warehouse, String table, String sweep)
      throws IOException {
    try (Stream<Path> files = Files.list(Path.of(warehouse.partition(table, sweep).toString()))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".") && !n.startsWith("_"))
          .sorted()
          .toList();
    }
  }
}
