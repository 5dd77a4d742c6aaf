package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.DriverLease;
import dev.sweeplab.store.RunSchema;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepRunnerTest extends SparkTestBase {
  static final String SPEC =
      """
      name: tiny
      seed: 11
      repeats: 2
      dataset: {input_dim: 6, classes: 3, teacher_width: 8, train_size: [64, 128], test_size: 64}
      model: {width: [4, 16], depth: 1}
      training: {batch_size: 32, epochs: 3, eval_points: 5, learning_rate: 0.01}
      """;

  @TempDir Path tmp;

  @Test
  void aSecondDriverOfTheSameSweepIsRefusedBeforeItWritesAnything() throws Exception {
    SweepSpec spec = SpecParser.parse(SPEC, "tiny.yaml");
    Warehouse warehouse = new Warehouse(tmp.resolve("two").toString());
    DriverLease live =
        DriverLease.acquire(spark.sparkContext().hadoopConfiguration(), warehouse, "tiny");
    try {
      UserError e =
          assertThrows(UserError.class, () -> new SweepRunner(spark, warehouse).run(spec, false));
      assertTrue(e.getMessage().contains("is being run by another driver (pid "), e.getMessage());
      assertFalse(
          Files.exists(Path.of(warehouse.staging("tiny").toString())),
          "no staging, no plan: status shows no phantom sweep");
    } finally {
      live.close();
    }
  }

  /**
   * {@code dataset.val_size: auto} follows the sweep's largest train_size and stays out of the
   * run_id: when a larger train_size joins the sweep, the runs staged before keep their ids but
   * were early-stopped on another validation split, so they are trained again, not reused.
   */
  @Test
  void aChangedAutoValidationSplitTrainsTheStagedRunsAgain() throws Exception {
    String spec =
        """
        name: valchange
        seed: 3
        dataset: {input_dim: 6, classes: 3, teacher_width: 8, train_size: %s, test_size: 64}
        model: {width: 4, depth: 1}
        training: {batch_size: 32, steps: 20, eval_points: 3}
        """;
    SweepSpec before = SpecParser.parse(spec.formatted("[64, 128]"), "valchange.yaml");
    SweepSpec after = SpecParser.parse(spec.formatted("[64, 128, 8000]"), "valchange.yaml");
    assertEquals(512, before.valSize());
    assertEquals(800, after.valSize());
    assertEquals(before.expand().get(0).runId(), after.expand().get(0).runId(), "the same ids");
    Warehouse warehouse = new Warehouse(tmp.resolve("val").toString());
    SweepRunner runner = new SweepRunner(spark, warehouse);
    assertEquals(2, runner.run(before, false).counts().trained());
    SweepOutcome second = runner.run(after, false);
    assertEquals(
        3, second.counts().trained(), "the two staged runs are trained again with the third");
    assertEquals(0, second.counts().reused());
    Tables.register(spark, warehouse);
    assertRows(
        "one validation split in the sweep",
        sql("SELECT count(*), min(val_size), max(val_size) FROM runs WHERE sweep = 'valchange'"),
        row(3L, 800, 800));
    assertTrue(
        Files.list(tmp.resolve("val/_staging/sweep=valchange/_superseded")).count() >= 2,
        "the earlier files are kept aside");
    assertEquals(0, runner.run(after, false).counts().trained(), "unchanged: everything reused");
  }

  @Test
  void sweepLandsAsOneRowPerRunAndRerunDuplicatesNothing() throws Exception {
    SweepSpec spec = SpecParser.parse(SPEC, "tiny.yaml");
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    SweepRunner runner = new SweepRunner(spark, warehouse);

    SweepOutcome first = runner.run(spec, false);
    assertEquals(8, first.counts().planned());
    assertEquals(8, first.counts().trained());
    assertEquals(0, first.counts().reused());
    assertEquals(8, first.counts().ok());

    Tables.register(spark, warehouse);
    Set<String> planned = spec.expand().stream().map(RunConfig::runId).collect(Collectors.toSet());
    List<Row> ids = sql("SELECT run_id FROM runs WHERE sweep = 'tiny'");
    assertEquals(8, ids.size(), "one row per planned run");
    assertEquals(planned, ids.stream().map(r -> r.getString(0)).collect(Collectors.toSet()));

    Set<String> columns = new HashSet<>(Arrays.asList(spark.table("runs").columns()));
    for (String c : RunSchema.runColumns()) {
      assertTrue(columns.contains(c), "runs has column " + c + ": " + columns);
    }
    assertRows(
        "curves per run: eval points at steps 0, 1, ... last",
        sql("SELECT count(DISTINCT run_id), sum(CASE WHEN step = 0 THEN 1 ELSE 0 END) FROM curves"),
        row(8L, 8L));
    List<Row> stepsOk =
        sql(
            "SELECT r.run_id FROM runs r JOIN (SELECT run_id, max(step) AS last FROM curves GROUP BY"
                + " run_id) c ON r.run_id = c.run_id WHERE r.steps_done <> c.last");
    assertEquals(List.of(), stepsOk, "the last curve point is the final step");

    Row provenance =
        sql("SELECT sweeplab_version, nd4j_backend, spark_app_id, attempt, device, config_json"
                + " FROM runs LIMIT 1")
            .get(0);
    assertTrue(provenance.getString(1).startsWith("CpuBackend"), provenance.toString());
    assertEquals(spark.sparkContext().applicationId(), provenance.getString(2));
    assertEquals(0, provenance.getInt(3));
    assertEquals("cpu", provenance.getString(4));
    RunConfig back = RunConfig.fromJson("tiny", provenance.getString(5));
    assertTrue(planned.contains(back.runId()), "config_json round-trips to a planned run");

    // The same sweep again: nothing retrained, nothing duplicated, one more sweeps row.
    SweepOutcome second = runner.run(spec, false);
    assertEquals(0, second.counts().trained());
    assertEquals(8, second.counts().reused());
    Tables.register(spark, warehouse);
    assertRows(
        "after a second execution",
        sql("SELECT count(*), count(DISTINCT run_id) FROM runs"),
        row(8L, 8L));
    assertRows(
        "sweeps rows",
        sql("SELECT count(*), min(runs_planned), max(runs_ok) FROM sweeps"),
        row(2L, 8L, 8L));
    assertEquals(
        8 * 5, sql("SELECT * FROM curves").size(), "curves not duplicated (5 eval points per run)");

    // --fresh trains everything again and still leaves one row per run.
    SweepOutcome fresh = runner.run(spec, true);
    assertEquals(8, fresh.counts().trained());
    Tables.register(spark, warehouse);
    assertRows("after --fresh", sql("SELECT count(*) FROM runs"), row(8L));
    assertTrue(
        Files.isDirectory(tmp.resolve("wh/default/runs/data/sweep=tiny")),
        "the Iceberg table's partition directory");
  }

  @Test
  void twoSweepsShareAWarehouseWithoutTouchingEachOtherAndNamesStayText() {
    Warehouse warehouse = new Warehouse(tmp.resolve("shared").toString());
    SweepRunner runner = new SweepRunner(spark, warehouse);
    SweepSpec a =
        SpecParser.parse(
            SPEC.replace("name: tiny", "name: a").replace("repeats: 2", "repeats: 1"), "a");
    SweepSpec b =
        SpecParser.parse(
            SPEC.replace("name: tiny", "name: \"2026\"")
                .replace("[4, 16]", "8")
                .replace("repeats: 2", "repeats: 1"),
            "b");
    runner.run(a, false);
    runner.run(b, false);
    runner.run(a, true);
    Tables.register(spark, warehouse);
    assertRows(
        "rows per sweep",
        sql("SELECT sweep, count(*) FROM runs GROUP BY sweep ORDER BY sweep"),
        row("2026", 2L),
        row("a", 4L));
  }
}
