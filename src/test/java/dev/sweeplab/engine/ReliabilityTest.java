package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.StagedName;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.ReliabilityLedger;
import dev.sweeplab.testing.SparkTestBase;
import dev.sweeplab.train.Numerics;
import dev.sweeplab.train.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected for real on {@code local[2]}: a run past its time limit, a run that runs out of
 * memory, readers racing commits, nightly partitions. Each scenario adds its row to the reliability
 * report ({@link ReliabilityLedger}).
 */
class ReliabilityTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void aRunPastItsTimeLimitIsRecordedAsTimeoutAndTheSweepGoesOn() throws Exception {
    String yaml =
        """
        name: slow
        seed: 3
        dataset: {input_dim: 8, classes: 3, teacher_width: 8, train_size: 256, test_size: 128}
        model: {width: 64, depth: 1}
        training: {steps: [5, 1000000], eval_points: 4}
        limits: {run_timeout: LIMIT}
        """;
    SweepSpec spec = SpecParser.parse(yaml.replace("LIMIT", "8s"), "slow.yaml");
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    SweepRunner runner = new SweepRunner(spark, warehouse);

    SweepOutcome first = runner.run(spec, false);
    assertEquals(2, first.counts().trained());
    assertEquals(1, first.counts().ok(), first.toString());
    assertEquals(1, first.counts().timeout(), first.toString());
    Tables.register(spark, warehouse);
    Row slow =
        sql("SELECT r.status, r.reason, r.steps_done, max(c.step) FROM runs r JOIN curves c ON"
                + " r.run_id = c.run_id WHERE r.steps = 1000000 GROUP BY r.status, r.reason,"
                + " r.steps_done")
            .get(0);
    assertEquals(RunResult.TIMEOUT, slow.getString(0));
    assertTrue(slow.getString(1).contains("limits.run_timeout is 8000 ms"), slow.getString(1));
    assertTrue(slow.getLong(2) > 0 && slow.getLong(2) < 1_000_000, "stopped part-way: " + slow);
    assertEquals(slow.getLong(2), slow.getLong(3), "the curve ends where the run stopped");

    // The same limit again: the timed-out run is not tried again, nothing is retrained.
    SweepOutcome again = runner.run(spec, false);
    assertEquals(0, again.counts().trained(), again.toString());
    assertEquals(2, again.counts().reused());
    // A longer limit: only the timed-out run is tried again (and stops again, at the new limit).
    SweepSpec longer = SpecParser.parse(yaml.replace("LIMIT", "10s"), "slow.yaml");
    SweepOutcome retried = runner.run(longer, false);
    assertEquals(1, retried.counts().trained(), retried.toString());
    assertEquals(1, retried.counts().timeout());
    RunConfig slowRun =
        longer.expand().stream().filter(r -> r.steps() == 1_000_000).findFirst().orElseThrow();
    try (Stream<Path> files = Files.list(Path.of(warehouse.staging("slow").toString()))) {
      assertEquals(
          List.of(new StagedName(slowRun.runId(), Numerics.version(slowRun), 10_000).file()),
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.contains("timeout") && !n.startsWith("."))
              .toList(),
          "one staged file per run: the newer timeout replaced the older");
    }
    Tables.register(spark, warehouse);
    ReliabilityLedger.Counts c = ReliabilityLedger.count(spark, longer);
    assertEquals(new ReliabilityLedger.Counts(2, 2, 0, 0), c);
    ReliabilityLedger.record("run past limits.run_timeout (local[2])", c, again.counts().trained());
  }

  @Test
  void aRunOutOfMemoryIsAFailedRowOnItsFirstAttemptAndTheOthersFinish() {
    // Width 60000, depth 2: a 60000 x 60000 float matrix is 14 GB, past the 3 GB the test JVM
    // allows ND4J, so building the network throws OutOfMemoryError inside the run.
    SweepSpec spec =
        SpecParser.parse(
            """
            name: oom
            seed: 4
            dataset: {input_dim: 8, classes: 3, teacher_width: 8, train_size: 128, test_size: 64}
            model: {width: [8, 60000], depth: 2}
            training: {steps: 20, eval_points: 2}
            """,
            "oom.yaml");
    Warehouse warehouse = new Warehouse(tmp.resolve("oom").toString());
    // The memory check would refuse this run before training (corpus case 74); off, the run
    // reaches its task, as one the estimate underrates would, and runs out of memory there.
    spark.conf().set(MemoryCheck.ENABLED, "false");
    SweepOutcome o;
    try {
      o = new SweepRunner(spark, warehouse).run(spec, false);
    } finally {
      spark.conf().unset(MemoryCheck.ENABLED);
    }
    assertEquals(1, o.counts().ok(), o.toString());
    assertEquals(1, o.counts().failed(), o.toString());
    Tables.register(spark, warehouse);
    Row failed = sql("SELECT status, reason, attempt FROM runs WHERE width = 60000").get(0);
    assertEquals(RunResult.FAILED, failed.getString(0));
    assertTrue(failed.getString(1).contains("OutOfMemoryError"), failed.getString(1));
    assertEquals(0, failed.getInt(2), "a deterministic failure is a row, not a Spark retry");
    ReliabilityLedger.Counts c = ReliabilityLedger.count(spark, spec);
    assertEquals(new ReliabilityLedger.Counts(2, 2, 0, 0), c);
    ReliabilityLedger.record("run out of memory (local[2])", c, 0);
  }

  @Test
  void readersRacingCommitsSeeTheOldStateOrTheNewNeverAMix() throws Exception {
    Warehouse warehouse = new Warehouse(tmp.resolve("race").toString());
    SweepRunner runner = new SweepRunner(spark, warehouse);
    // Two executions of one sweep, told apart by their row counts in runs, curves and sweeps:
    // both staged, then committed in turn by the sweep's commit (three Iceberg snapshots each).
    SweepSpec small = tiny("race", "[4, 8]", 1, 3);
    SweepSpec large = tiny("race", "[4, 8, 16]", 2, 5);
    runner.run(large, false);
    runner.run(small, false);
    List<Long> stateA = List.of(2L, 2L * 3, 2L);
    List<Long> stateB = List.of(6L, 6L * 5, 6L);

    String query =
        "SELECT (SELECT count(*) FROM runs WHERE sweep = 'race'),"
            + " (SELECT count(*) FROM curves WHERE sweep = 'race'),"
            + " (SELECT max_by(runs_planned, finished) FROM sweeps WHERE sweep = 'race')";
    AtomicBoolean done = new AtomicBoolean();
    List<List<Long>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                while (!done.get()) {
                  Row r = Tables.read(spark, warehouse, Tables.ALL, () -> spark.sql(query).first());
                  seen.add(List.of(r.getLong(0), r.getLong(1), r.isNullAt(2) ? -1 : r.getLong(2)));
                }
              } catch (Throwable t) {
                errors.add(t);
              }
            });
    reader.start();
    int commits = 4;
    for (int i = 0; i < commits; i++) {
      SweepSpec next = i % 2 == 0 ? large : small;
      SweepCommit.commit(
          spark, warehouse, next, next.expand(), 0, 0, 0, false, SweepCommit.FILES_PER_TASK);
      // The next commit waits for a read to end after this one, so reads and commits interleave
      // however fast either is; the reader starts its next read at once, during the next commit.
      int reads = seen.size();
      long deadline = System.currentTimeMillis() + 60_000;
      while (seen.size() == reads && errors.isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(5);
      }
    }
    done.set(true);
    reader.join(120_000);
    assertEquals(List.of(), errors, "the reader failed");
    assertTrue(seen.size() >= 2, "the reader read while commits ran: " + seen.size());
    long states = seen.stream().distinct().count();
    for (List<Long> s : seen) {
      assertTrue(s.equals(stateA) || s.equals(stateB), "a mixed or missing state was read: " + s);
    }
    System.out.printf(
        "readers racing %d commits: %d reads, %d distinct states, all old or new%n",
        commits, seen.size(), states);
    Tables.register(spark, warehouse);
    // The last commit published state A.
    ReliabilityLedger.Counts c = ReliabilityLedger.count(spark, small);
    assertEquals(new ReliabilityLedger.Counts(2, 2, 0, 0), c);
    ReliabilityLedger.record(
        "reader racing " + commits + " commits (" + seen.size() + " reads)", c, 0);
  }

  @Test
  void eachNightHasItsPartitionAndRunningANightAgainReplacesOnlyIt() {
    Warehouse warehouse = new Warehouse(tmp.resolve("nightly").toString());
    SweepRunner runner = new SweepRunner(spark, warehouse);
    SweepSpec spec = tiny("nightly", "[4, 8]", 1, 3);
    SweepSpec monday = spec.named("nightly-night-2026-11-23");
    SweepSpec tuesday = spec.named("nightly-night-2026-11-24");
    runner.run(monday, false);
    SweepOutcome first = runner.run(tuesday, false);
    assertEquals(2, first.counts().trained(), "a new night trains its runs");
    SweepOutcome again = runner.run(tuesday, false);
    assertEquals(0, again.counts().trained(), "the same night again resumes");
    Tables.register(spark, warehouse);
    assertRows(
        "one partition per night, each run once, the rerun recorded",
        sql(
            "SELECT r.sweep, r.n, s.n FROM (SELECT sweep, count(*) AS n FROM runs GROUP BY sweep)"
                + " r JOIN (SELECT sweep, count(*) AS n FROM sweeps GROUP BY sweep) s ON r.sweep ="
                + " s.sweep ORDER BY r.sweep"),
        row("nightly-night-2026-11-23", 2L, 1L),
        row("nightly-night-2026-11-24", 2L, 2L));
    assertEquals(
        Set.of(2L),
        Set.copyOf(
            sql("SELECT count(DISTINCT run_id) FROM runs GROUP BY sweep").stream()
                .map(r -> r.getLong(0))
                .toList()),
        "the nights share run ids (a run is its config), in separate partitions");
    ReliabilityLedger.Counts c = ReliabilityLedger.count(spark, tuesday);
    assertEquals(new ReliabilityLedger.Counts(2, 2, 0, 0), c);
    ReliabilityLedger.record("nightly sweep run twice the same night", c, again.counts().trained());
  }

  private static SweepSpec tiny(String name, String widths, int repeats, int evalPoints) {
    return SpecParser.parse(
        "name: "
            + name
            + "\nseed: 5\nrepeats: "
            + repeats
            + "\ndataset: {input_dim: 6, classes: 3, teacher_width: 8, train_size: 64, test_size:"
            + " 64}\nmodel: {width: "
            + widths
            + ", depth: 1}\ntraining: {steps: 10, eval_points: "
            + evalPoints
            + "}\n",
        name + ".yaml");
  }
}
