package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.cli.StatusView;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Superseded;
import dev.sweeplab.store.SweepPlan;
import dev.sweeplab.store.SweepStatus;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.OlderStagedFile;
import dev.sweeplab.testing.SparkTestBase;
import dev.sweeplab.train.Numerics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.ZoneId;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs staged under other numerics than their configuration's current version: resume trains them
 * again and reuses the rest, the commit refuses them, and {@code status} counts them as left.
 */
class NumericsStagingTest extends SparkTestBase {
  static final String SPEC =
      """
      name: %s
      seed: 5
      repeats: 1
      dataset: {input_dim: 4, classes: 2, teacher_width: 4, train_size: 32, test_size: 32}
      model: {width: [8, 16], depth: 1, parameterization: [standard, mup], base_width: 8}
      training: {steps: 4, batch_size: 16, eval_points: 3}
      """;

  static final String TWO_MUP_RUNS =
      "2 staged runs were computed by numerics 1, now 3 (parameterization mup)";

  @TempDir Path tmp;

  static SweepSpec spec(String name) {
    return SpecParser.parse(SPEC.formatted(name), name + ".yaml");
  }

  Configuration conf() {
    return spark.sparkContext().hadoopConfiguration();
  }

  static List<RunConfig> of(SweepSpec spec, String parameterization) {
    return spec.expand().stream()
        .filter(r -> r.parameterization().equals(parameterization))
        .toList();
  }

  /**
   * Each of {@code runs}' staged files rewritten as numerics 1, under the plain name (what an older
   * sweeplab staged) or the numerics 3 name it had (a file whose row disagrees with its name).
   */
  void stageAsNumerics1(Warehouse warehouse, List<RunConfig> runs, boolean plainName)
      throws IOException {
    for (RunConfig run : runs) {
      org.apache.hadoop.fs.Path dir = warehouse.staging(run.sweep());
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir, run.runId() + ".n3.avro");
      OlderStagedFile.rewrite(conf(), file, plainName ? run.runId() + ".parquet" : file.getName());
    }
  }

  @Test
  void resumeTrainsAgainExactlyTheRunsStagedUnderOtherNumerics() throws Exception {
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    SweepSpec spec = spec("mixed");
    SweepOutcome first = new SweepRunner(spark, warehouse).run(spec, false);
    assertEquals(4, first.counts().trained(), first.toString());
    assertEquals("", first.staleNumerics());
    Path staging = Path.of(warehouse.staging("mixed").toString());
    for (RunConfig run : spec.expand()) {
      assertEquals(3, Numerics.version(run), run.parameterization());
      assertTrue(Files.exists(staging.resolve(run.runId() + ".n3.avro")), "staged at 3: " + run);
      assertFalse(Files.exists(staging.resolve(run.runId() + ".avro")), "no plain name");
      assertFalse(Files.exists(staging.resolve(run.runId() + ".parquet")), "no Parquet file");
    }

    // What an older sweeplab left for the mup runs: plain names, rows without numerics. The
    // standard runs stay as this version staged them.
    stageAsNumerics1(warehouse, of(spec, "mup"), true);

    SweepStatus committed = SweepStatus.of(conf(), warehouse, "mixed");
    assertEquals(TWO_MUP_RUNS, committed.staleNumerics());
    // A later execution that stopped before its commit: its plan is newer than the commit.
    SweepPlan.of(spec, System.currentTimeMillis() + 1_000, "app-stopped")
        .write(conf(), warehouse.staging("mixed"));
    SweepStatus stopped = SweepStatus.of(conf(), warehouse, "mixed");
    assertFalse(stopped.committed());
    assertEquals(4, stopped.staged().planned());
    assertEquals(2, stopped.staged().finished(), "the standard runs only: " + stopped);
    assertEquals(2, stopped.left(), "the mup runs are left: " + stopped);
    String text = StatusView.render(stopped, ZoneId.of("UTC"), System.currentTimeMillis());
    assertTrue(text.contains(TWO_MUP_RUNS + ": not done; the next run trains them again"), text);
    assertTrue(text.contains("2 of 4 runs staged"), text);

    Timestamp rerun = new Timestamp(System.currentTimeMillis());
    SweepOutcome again = new SweepRunner(spark, warehouse).run(spec, false);

    assertEquals(2, again.counts().trained(), again.toString());
    assertEquals(2, again.counts().reused(), again.toString());
    assertEquals(TWO_MUP_RUNS, again.staleNumerics());
    Tables.register(spark, warehouse);
    assertRows(
        "every run at numerics 3",
        sql(
            "SELECT parameterization, numerics, count(*) FROM runs WHERE sweep = 'mixed'"
                + " GROUP BY parameterization, numerics ORDER BY parameterization"),
        row("mup", 3, 2L),
        row("standard", 3, 2L));
    for (Row r : sql("SELECT parameterization, finished_at FROM runs")) {
      boolean trainedAgain = !r.getTimestamp(1).before(rerun);
      assertEquals(r.getString(0).equals("mup"), trainedAgain, "trained again: " + r);
    }
    for (RunConfig run : of(spec, "mup")) {
      assertTrue(Files.exists(staging.resolve(run.runId() + ".n3.avro")), "staged anew");
      assertFalse(Files.exists(staging.resolve(run.runId() + ".parquet")), "not in staging");
      assertTrue(
          Files.exists(staging.resolve(Superseded.DIR).resolve(run.runId() + ".parquet")),
          "the numerics 1 file kept aside");
    }
    assertEquals("", SweepStatus.of(conf(), warehouse, "mixed").staleNumerics());

    SweepOutcome third = new SweepRunner(spark, warehouse).run(spec, false);
    assertEquals(0, third.counts().trained(), "everything staged at its numerics: " + third);
  }

  @Test
  void aSweepStagedWhollyByNumerics1IsTrainedAgainOnceAndSaysSo() throws Exception {
    Warehouse warehouse = new Warehouse(tmp.resolve("older").toString());
    SweepSpec spec = spec("older");
    new SweepRunner(spark, warehouse).run(spec, false);
    // Every run as an older sweeplab staged it, standard and mup alike.
    stageAsNumerics1(warehouse, spec.expand(), true);
    String all =
        "4 staged runs were computed by numerics 1, now 3 (parameterization mup, standard)";
    SweepStatus status = SweepStatus.of(conf(), warehouse, "older");
    assertEquals(all, status.staleNumerics());
    assertEquals(4, status.left(), status.toString());

    SweepOutcome again = new SweepRunner(spark, warehouse).run(spec, false);

    assertEquals(4, again.counts().trained(), again.toString());
    assertEquals(0, again.counts().reused(), again.toString());
    assertEquals(all, again.staleNumerics());
    Tables.register(spark, warehouse);
    assertRows(
        "every run once, at numerics 3",
        sql("SELECT numerics, count(*), count(DISTINCT run_id) FROM runs GROUP BY numerics"),
        row(3, 4L, 4L));
    SweepOutcome third = new SweepRunner(spark, warehouse).run(spec, false);
    assertEquals(0, third.counts().trained(), "trained again once: " + third);
    assertEquals("", third.staleNumerics());
  }

  @Test
  void aRunStagedUnderOtherNumericsWhileTheSweepTrainsIsSetAsideAndTrainedAgain() throws Exception {
    Warehouse warehouse = new Warehouse(tmp.resolve("upgrade").toString());
    SweepSpec spec = spec("upgrade");
    new SweepRunner(spark, warehouse).run(spec, false);
    RunConfig run = of(spec, "standard").get(0);
    // An executor still running an older sweeplab stages the run after the resume's listing.
    Runnable olderExecutor =
        () -> {
          try {
            stageAsNumerics1(warehouse, List.of(run), true);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };

    Timestamp rerun = new Timestamp(System.currentTimeMillis());
    SweepOutcome o =
        new SweepRunner(spark, warehouse, Bundles.TASKS_PER_CORE, olderExecutor).run(spec, false);

    assertEquals(1, o.counts().trained(), o.toString());
    assertEquals(3, o.counts().reused(), o.toString());
    assertEquals(
        "1 staged run was computed by numerics 1, now 3 (parameterization standard)",
        o.staleNumerics());
    Path staging = Path.of(warehouse.staging("upgrade").toString());
    assertTrue(Files.exists(staging.resolve(Superseded.DIR).resolve(run.runId() + ".parquet")));
    assertTrue(Files.exists(staging.resolve(run.runId() + ".n3.avro")), "staged anew");
    Tables.register(spark, warehouse);
    assertRows(
        "every run once, at its numerics",
        sql(
            "SELECT parameterization, numerics, count(*) FROM runs"
                + " GROUP BY parameterization, numerics ORDER BY parameterization"),
        row("mup", 3, 2L),
        row("standard", 3, 2L));
    for (Row r : sql("SELECT run_id, finished_at FROM runs")) {
      boolean trainedAgain = !r.getTimestamp(1).before(rerun);
      assertEquals(r.getString(0).equals(run.runId()), trainedAgain, "trained again: " + r);
    }
  }

  @Test
  void theCommitRefusesARunStagedUnderOtherNumerics() throws Exception {
    Warehouse warehouse = new Warehouse(tmp.resolve("refused").toString());
    SweepSpec spec = spec("refused");
    new SweepRunner(spark, warehouse).run(spec, false);
    // An executor still running an older sweeplab staged one standard and one mup run.
    stageAsNumerics1(warehouse, List.of(of(spec, "standard").get(1), of(spec, "mup").get(0)), true);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> commit(warehouse, spec));
    assertTrue(
        e.getMessage()
            .contains(
                "2 staged runs were computed by numerics 1, now 3 (parameterization mup,"
                    + " standard)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("nothing was committed"), e.getMessage());
    assertFirstCommitIntact(warehouse);
  }

  @Test
  void theCommitRefusesAFileWhoseRowDisagreesWithItsName() throws Exception {
    Warehouse warehouse = new Warehouse(tmp.resolve("disagree").toString());
    SweepSpec spec = spec("disagree");
    new SweepRunner(spark, warehouse).run(spec, false);
    RunConfig run = of(spec, "standard").get(1);
    // Named numerics 3, its row numerics 1: only the row can tell.
    stageAsNumerics1(warehouse, List.of(run), false);

    Exception e = assertThrows(Exception.class, () -> commit(warehouse, spec));
    String messages = e.toString() + (e.getCause() == null ? "" : e.getCause().toString());
    assertTrue(messages.contains(run.runId() + ".n3.avro"), messages);
    assertTrue(messages.contains("as computed by numerics 1"), messages);
    assertFirstCommitIntact(warehouse);
  }

  private static SweepOutcome commit(Warehouse warehouse, SweepSpec spec) {
    return SweepCommit.commit(
        spark, warehouse, spec, spec.expand(), 0, 4, 0, false, SweepCommit.FILES_PER_TASK);
  }

  /** The first commit's rows, all at numerics 3, and nothing left pending. */
  private static void assertFirstCommitIntact(Warehouse warehouse) throws IOException {
    Tables.register(spark, warehouse);
    assertRows(
        "the first commit's tables as they were",
        sql(
            "SELECT parameterization, numerics, count(*), (SELECT count(*) FROM sweeps) FROM runs"
                + " GROUP BY parameterization, numerics ORDER BY parameterization"),
        row("mup", 3, 2L, 1L),
        row("standard", 3, 2L, 1L));
    try (var pending =
        Files.walk(Path.of(warehouse.root())).filter(p -> p.toString().contains("_pending/"))) {
      assertEquals(List.of(), pending.toList(), "nothing left pending");
    }
  }
}
