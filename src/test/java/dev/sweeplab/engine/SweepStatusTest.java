package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.cli.StatusView;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.Provenance;
import dev.sweeplab.store.RunRecord;
import dev.sweeplab.store.Staging;
import dev.sweeplab.store.SweepCounts;
import dev.sweeplab.store.SweepPlan;
import dev.sweeplab.store.SweepRows;
import dev.sweeplab.store.SweepStatus;
import dev.sweeplab.store.SweepStatus.Driver;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import dev.sweeplab.train.RunResult;
import dev.sweeplab.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweeplab status} read from the plan, staging and sweeps rows: an unknown sweep, a finished
 * one (numbers equal to its sweeps row), and one staged part-way with no commit (the plan's runs
 * only, by status, and what can be said about its driver).
 */
class SweepStatusTest extends SparkTestBase {
  static final String SPEC =
      """
      name: NAME
      seed: 7
      repeats: 2
      dataset: {input_dim: 4, classes: 3, teacher_width: 8, train_size: 64, test_size: 32}
      model: {width: WIDTHS, depth: 1}
      training: {batch_size: 16, steps: 6, eval_points: 3}
      limits: {run_timeout: LIMIT}
      """;

  static RunResult ok;

  @TempDir Path tmp;

  /** The sweep {@code name} over {@code widths}; a limit of 1 s unless finished runs are meant. */
  static SweepSpec spec(String name, String widths) {
    return spec(name, widths, "1s");
  }

  static SweepSpec spec(String name, String widths, String limit) {
    return SpecParser.parse(
        SPEC.replace("NAME", name).replace("WIDTHS", widths).replace("LIMIT", limit),
        name + ".yaml");
  }

  @BeforeAll
  static void trainOnce() {
    RunConfig run = spec("template", "4").expand().get(0);
    ok = Trainer.run(run);
    assertEquals(RunResult.OK, ok.status(), ok.reason());
  }

  /** {@link #ok} with another status, as a run that diverged, failed or timed out records it. */
  static RunResult as(String status) {
    return new RunResult(
        status,
        status.equals(RunResult.OK) ? "" : "made " + status + " by the test",
        ok.params(),
        ok.trainLoss(),
        ok.trainError(),
        ok.testLoss(),
        ok.testError(),
        ok.steps(),
        ok.epochs(),
        ok.wallMs(),
        ok.weightChange(),
        ok.layerWeightChange(),
        ok.layerSpectralChange(),
        ok.featureChange(),
        ok.interpolationStep(),
        ok.noisyLabels(),
        ok.implementation(),
        ok.curve(),
        ok.evalTrainSize(),
        ok.evalTestSize());
  }

  static void stage(Configuration conf, Warehouse w, RunConfig run, String status)
      throws IOException {
    Provenance p =
        new Provenance(
            "test",
            "17",
            "os",
            "arch",
            "cpu-backend",
            "natives",
            "cpu-model",
            "cpu",
            "app",
            "0",
            "h",
            0,
            Provenance.TASK);
    RunRecord record = new RunRecord(run, as(status), p, System.currentTimeMillis());
    long limit = status.equals(RunResult.TIMEOUT) ? 1000 : 0;
    Staging.write(conf, w.staging(run.sweep()), record, limit, 0);
  }

  Configuration conf() {
    return spark.sparkContext().hadoopConfiguration();
  }

  Warehouse warehouse() {
    return new Warehouse(tmp.resolve("wh").toString());
  }

  @Test
  void anUnknownSweepIsAUserErrorNamingTheKnownOnes() throws IOException {
    Warehouse w = warehouse();
    UserError none = assertThrows(UserError.class, () -> SweepStatus.of(conf(), w, "nope"));
    assertTrue(none.getMessage().contains("no sweep named 'nope'"), none.getMessage());
    assertTrue(none.getMessage().endsWith("it has: none"), none.getMessage());

    stage(conf(), w, spec("alpha", "[4, 8]").expand().get(0), RunResult.OK);
    assertEquals(List.of("alpha"), SweepStatus.known(conf(), w));
    UserError named = assertThrows(UserError.class, () -> SweepStatus.of(conf(), w, "nope"));
    assertTrue(named.getMessage().endsWith("it has: alpha"), named.getMessage());
  }

  @Test
  void aFinishedSweepShowsWhatItsSweepsRowSays() throws IOException {
    Warehouse w = warehouse();
    SweepSpec spec = spec("done", "[4, 8]", "none");
    List<RunConfig> runs = spec.expand();
    // Two runs staged beforehand (as a resumed sweep finds them), the other two trained now.
    stage(conf(), w, runs.get(0), RunResult.DIVERGED);
    stage(conf(), w, runs.get(1), RunResult.FAILED);
    SweepOutcome o = new SweepRunner(spark, w).run(spec, false);
    assertEquals(new SweepCounts(4, 2, 2, 2, 1, 1, 0), o.counts());

    SweepStatus status = SweepStatus.of(conf(), w, "done");
    assertTrue(status.committed(), status.toString());
    assertEquals(Driver.NONE, status.driver());
    Tables.register(spark, w);
    Row row =
        sql("SELECT runs_ok, runs_diverged, runs_failed, runs_timeout, runs_planned, runs_reused,"
                + " runs_trained, started, finished, spark_app_id, spec FROM sweeps"
                + " WHERE sweep = 'done'")
            .get(0);
    SweepRows.Execution c = status.lastCommit();
    assertEquals(
        new SweepCounts(
            row.getLong(4),
            row.getLong(5),
            row.getLong(6),
            row.getLong(0),
            row.getLong(1),
            row.getLong(2),
            row.getLong(3)),
        c.counts());
    assertEquals(row.getTimestamp(7).getTime(), c.started());
    assertEquals(row.getTimestamp(8).getTime(), c.finished());
    assertEquals(row.getString(9), c.sparkAppId());
    assertEquals(spec.canonicalJson(), row.getString(10));
    // Every planned run is staged, and the plan file is not taken for a run.
    assertEquals(4, status.staged().planned());
    assertEquals(0, status.left());
    assertEquals(1.0, status.costDone(), 1e-12);
    assertEquals(4, Staging.runIds(conf(), w.staging("done")).size());
    assertEquals(c.started(), status.plan().started(), "the plan is the committed execution's");

    String text = StatusView.render(status, ZoneOffset.UTC, c.finished());
    assertTrue(
        text.startsWith(
            "sweep done: finished "
                + java.time.Instant.ofEpochMilli(c.finished())
                    .atOffset(ZoneOffset.UTC)
                    .toLocalTime()
                    .toString()
                    .substring(0, 5)
                + ", committed 4 runs (2 ok, 1 diverged, 1 failed, 0 timeout)\n"),
        text);
    assertTrue(text.contains("4 planned, 2 reused, 2 trained"), text);
  }

  @Test
  void aSweepStagedPartWayCountsThePlansRunsOnly() throws Exception {
    Warehouse w = warehouse();
    SweepSpec spec = spec("partial", "[4, 8]");
    List<RunConfig> runs = spec.expand();
    stage(conf(), w, runs.get(0), RunResult.OK);
    stage(conf(), w, runs.get(1), RunResult.DIVERGED);
    stage(conf(), w, runs.get(2), RunResult.TIMEOUT); // stopped at 1 s, the spec's limit: done
    // Runs of the same sweep name that this plan does not hold (an earlier spec) do not count.
    for (RunConfig stray : spec("partial", "[16, 32]").expand()) {
      stage(conf(), w, stray, RunResult.FAILED);
    }

    SweepStatus noPlan = SweepStatus.of(conf(), w, "partial");
    assertNull(noPlan.plan());
    assertEquals(-1, noPlan.staged().planned());
    assertTrue(
        StatusView.render(noPlan, ZoneOffset.UTC, 0).contains("no plan was recorded"),
        StatusView.render(noPlan, ZoneOffset.UTC, 0));

    long started = System.currentTimeMillis();
    SweepPlan.of(spec, started, "app-1").write(conf(), w.staging("partial"));
    SweepStatus running = SweepStatus.of(conf(), w, "partial");
    assertFalse(running.committed());
    assertEquals(4, running.staged().planned());
    assertEquals(new SweepCounts(4, 0, 0, 1, 1, 0, 1), running.staged());
    assertEquals(1, running.left());
    double done = runs.get(0).cost() + runs.get(1).cost() + runs.get(2).cost();
    assertEquals(done / (done + runs.get(3).cost()), running.costDone(), 1e-12);
    assertEquals(Driver.ALIVE, running.driver(), "this JVM wrote the plan and is alive");
    String text = StatusView.render(running, ZoneOffset.UTC, started);
    long pid = ProcessHandle.current().pid();
    assertTrue(text.startsWith("sweep partial: running (pid " + pid + ") since "), text);
    assertTrue(
        text.contains(
            "3 of 4 runs staged (1 ok, 1 diverged, 0 failed, 1 timeout), 1 left;"
                + " estimated cost done "
                + Math.round(100 * running.costDone())
                + "%"),
        text);
    assertTrue(text.endsWith("  last commit: none\n"), text);

    // A longer limit than the run stopped at: the timed-out run is trained again, so it is left.
    SweepPlan longer =
        SweepPlan.of(
            SpecParser.fromCanonicalJson(spec.canonicalJson().replace("\"1s\"", "\"5s\"")),
            started,
            "app-1");
    longer.write(conf(), w.staging("partial"));
    SweepStatus retry = SweepStatus.of(conf(), w, "partial");
    assertEquals(new SweepCounts(4, 0, 0, 1, 1, 0, 0), retry.staged());
    assertEquals(2, retry.left());

    // A driver on another host cannot be checked; one on this host that exited is stopped.
    SweepPlan elsewhere = new SweepPlan(spec.canonicalJson(), 4, started, "app-2", "elsewhere", 1);
    elsewhere.write(conf(), w.staging("partial"));
    SweepStatus remote = SweepStatus.of(conf(), w, "partial");
    assertEquals(Driver.ELSEWHERE, remote.driver());
    assertTrue(
        StatusView.render(remote, ZoneOffset.UTC, started)
            .contains("not committed: running, or stopped before its commit (run it again"),
        StatusView.render(remote, ZoneOffset.UTC, started));
    Process exited = new ProcessBuilder("true").start();
    exited.waitFor();
    new SweepPlan(spec.canonicalJson(), 4, started, "app-3", SweepPlan.localHost(), exited.pid())
        .write(conf(), w.staging("partial"));
    SweepStatus gone = SweepStatus.of(conf(), w, "partial");
    assertEquals(Driver.GONE, gone.driver());
    assertTrue(
        StatusView.render(gone, ZoneOffset.UTC, started)
            .contains("has exited; run it again to resume"),
        StatusView.render(gone, ZoneOffset.UTC, started));
    assertTrue(Files.isRegularFile(Path.of(w.staging("partial").toString(), SweepPlan.FILE)));
  }
}
