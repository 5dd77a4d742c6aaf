package dev.sweeplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.engine.Faults;
import dev.sweeplab.engine.Sessions;
import dev.sweeplab.engine.Tables;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.ReliabilityLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drivers stopped inside their commit, and drivers committing at once, in their own JVMs on one
 * warehouse's Iceberg tables (a Hadoop catalog on local files).
 *
 * <p>A driver halted (as SIGKILL stops it: no shutdown hook) at each point of its commit leaves
 * every reader seeing the sweep's previous commit whole, and the same command run again commits the
 * new state, each run once, without training any run again. Two drivers of different sweeps
 * committing into one warehouse at the same time both land.
 */
class CommitKillTest {
  /** Two states of one sweep, told apart by their runs (2 or 6) and curve points per run. */
  static final String SMALL =
      """
      name: halted
      seed: 4
      repeats: 1
      dataset: {input_dim: 6, classes: 3, teacher_width: 8, train_size: 64, test_size: 64}
      model: {width: [4, 8], depth: 1}
      training: {steps: 10, eval_points: 3}
      """;

  static final String LARGE =
      SMALL
          .replace("[4, 8]", "[4, 8, 16]")
          .replace("repeats: 1", "repeats: 2")
          .replace("eval_points: 3", "eval_points: 5");

  @TempDir static Path tmp;

  static SparkSession spark;

  @BeforeAll
  static void open() {
    spark = Sessions.open("commit-kill-check", "local[1]");
  }

  @AfterAll
  static void close() {
    spark.stop();
  }

  @Test
  void aDriverHaltedAtEachCommitPointLeavesThePreviousStateAndTheRerunCommits() throws Exception {
    Path warehouse = tmp.resolve("wh");
    Path small = tmp.resolve("small.yaml");
    Path large = tmp.resolve("large.yaml");
    Files.writeString(small, SMALL);
    Files.writeString(large, LARGE);
    List<Long> stateSmall = List.of(2L, 2L * 3, 2L);
    List<Long> stateLarge = List.of(6L, 6L * 5, 6L);
    assertEquals(0, run(small, warehouse, "start", null).exitValue());
    assertEquals(stateSmall, state(warehouse));

    // The larger state, halted at each point in turn: every reader still sees the smaller one
    // whole, even with the runs and curves of halted commits in the tables' newest snapshots.
    for (String point : Faults.COMMIT_POINTS) {
      Process halted = run(large, warehouse, "halt-" + point, point);
      assertEquals(86, halted.exitValue(), DriverKillTest.log(tmp, "halt-" + point));
      assertEquals(stateSmall, state(warehouse), "halted at " + point + ": the previous state");
    }
    Process rerun = run(large, warehouse, "rerun", null);
    String log = DriverKillTest.log(tmp, "rerun");
    assertEquals(0, rerun.exitValue(), log);
    assertTrue(log.contains("0 trained now"), "every run was staged before the halts: " + log);
    assertEquals(stateLarge, state(warehouse), "the rerun committed the larger state");
    Tables.register(spark, new Warehouse(warehouse.toString()));
    ReliabilityLedger.Counts c = ReliabilityLedger.count(spark, SpecParser.parse(large));
    assertEquals(new ReliabilityLedger.Counts(6, 6, 0, 0), c);
    ReliabilityLedger.record(
        "driver halted at each of " + Faults.COMMIT_POINTS.size() + " commit points, then rerun",
        c,
        0);
  }

  @Test
  void twoDriversOfDifferentSweepsCommitIntoOneWarehouseAtOnce() throws Exception {
    Path warehouse = tmp.resolve("shared");
    List<Process> drivers = new ArrayList<>();
    for (String name : List.of("left", "right")) {
      Path spec = tmp.resolve(name + ".yaml");
      Files.writeString(spec, LARGE.replace("name: halted", "name: " + name));
      drivers.add(start(spec, warehouse, "shared-" + name, null));
    }
    for (int i = 0; i < drivers.size(); i++) {
      assertTrue(drivers.get(i).waitFor(300, TimeUnit.SECONDS));
      String name = i == 0 ? "left" : "right";
      assertEquals(0, drivers.get(i).exitValue(), DriverKillTest.log(tmp, "shared-" + name));
    }
    Tables.register(spark, new Warehouse(warehouse.toString()));
    List<Row> rows =
        spark
            .sql(
                "SELECT r.sweep, count(*), count(DISTINCT r.run_id), max(s.runs_ok) FROM runs r"
                    + " JOIN sweeps s USING (sweep) GROUP BY r.sweep ORDER BY r.sweep")
            .collectAsList();
    assertEquals(2, rows.size(), rows.toString());
    for (Row r : rows) {
      assertEquals(6L, r.getLong(1), r.toString());
      assertEquals(6L, r.getLong(2), r.toString());
      assertEquals(6L, r.getLong(3), r.toString());
    }
  }

  /** (runs, curve points, the latest sweeps row's runs_planned) of the sweep, as readers see it. */
  private static List<Long> state(Path warehouse) {
    Tables.register(spark, new Warehouse(warehouse.toString()));
    Row r =
        spark
            .sql(
                "SELECT (SELECT count(*) FROM runs WHERE sweep = 'halted'),"
                    + " (SELECT count(*) FROM curves WHERE sweep = 'halted'),"
                    + " (SELECT max_by(runs_planned, finished) FROM sweeps WHERE sweep = 'halted')")
            .first();
    return List.of(r.getLong(0), r.getLong(1), r.isNullAt(2) ? -1 : r.getLong(2));
  }

  private static Process run(Path spec, Path warehouse, String name, String haltAt)
      throws Exception {
    Process p = start(spec, warehouse, name, haltAt);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), name + " finished");
    return p;
  }

  private static Process start(Path spec, Path warehouse, String name, String haltAt)
      throws Exception {
    List<String> jvm =
        haltAt == null ? List.of() : List.of("-Dsweeplab.test.fault.halt_commit_at=" + haltAt);
    return DriverKillTest.sweeplab(
        tmp.resolve(name + ".log"),
        jvm,
        "run",
        spec.toString(),
        "--warehouse",
        warehouse.toString(),
        "--reports",
        tmp.resolve("reports-" + name).toString(),
        "--master",
        "local[1]");
  }
}
