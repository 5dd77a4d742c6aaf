package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.LocalCluster;
import dev.sweeplab.testing.ReliabilityLedger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several runs to a Spark task ({@link Bundles}), for real on {@code local[2,2]} (two cores, a
 * failed task tried twice): each run lands once, and a task whose first attempt fails part-way is
 * retried without training again the runs that attempt had staged.
 */
class BundledTasksTest {
  static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = Sessions.open("sweeplab-bundled-tasks", "local[2,2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void twelveRunsInTwoTasksEachLandOnce() throws Exception {
    SweepSpec spec = SweepBench.tinyRuns("bundled", 12);
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    LocalCluster.Events tasks = new LocalCluster.Events();
    SweepOutcome outcome = run(spec, warehouse, tasks);
    assertEquals(12, outcome.counts().trained());
    assertEquals(12, outcome.counts().ok(), outcome.toString());
    assertEquals(0, outcome.kept());
    assertEquals(Map.of("Success", 2), tasks.trainTaskEnds(), "one task per core, six runs each");
    Tables.register(spark, warehouse);
    assertEquals(new ReliabilityLedger.Counts(12, 12, 0, 0), ReliabilityLedger.count(spark, spec));
  }

  @Test
  void aRetriedTaskKeepsTheRunsItsFailedAttemptStaged() throws Exception {
    SweepSpec spec = SweepBench.tinyRuns("bundled_retry", 12);
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    // The first task's runs, in the order it trains them: its first attempt stages two, then
    // fails at the third.
    List<RunConfig> first = Bundles.of(spec.expand(), 2, 1).get(0);
    String failAt = first.get(2).runId();
    LocalCluster.Events tasks = new LocalCluster.Events();
    spark.sparkContext().setLocalProperty(Faults.FAIL_FIRST_ATTEMPT, failAt);
    SweepOutcome outcome;
    try {
      outcome = run(spec, warehouse, tasks);
    } finally {
      spark.sparkContext().setLocalProperty(Faults.FAIL_FIRST_ATTEMPT, null);
    }
    assertEquals(
        Map.of("Success", 2, "ExceptionFailure", 1), tasks.trainTaskEnds(), tasks.toString());
    assertEquals(12, outcome.counts().trained());
    assertEquals(2, outcome.kept(), "the two runs staged before the failure are not retrained");
    assertEquals(0, tasks.retrained(), "no task succeeded twice");
    assertEquals(12, outcome.counts().ok(), outcome.toString());

    Tables.register(spark, warehouse);
    Map<String, Integer> attempt =
        spark.sql("SELECT run_id, attempt FROM runs").collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getString(0), (Row r) -> r.getInt(1)));
    for (int i = 0; i < first.size(); i++) {
      assertEquals(
          i < 2 ? 0 : 1,
          attempt.get(first.get(i).runId()),
          "run " + i + " of the failed task: staged by attempt " + (i < 2 ? 0 : 1));
    }
    ReliabilityLedger.Counts counts = ReliabilityLedger.count(spark, spec);
    assertEquals(new ReliabilityLedger.Counts(12, 12, 0, 0), counts);
    ReliabilityLedger.record("a task of six runs failing at its third (local[2,2])", counts, 0);
  }

  /** Runs {@code spec} with one task per core, counting the training job's task ends by reason. */
  private static SweepOutcome run(SweepSpec spec, Warehouse warehouse, LocalCluster.Events tasks)
      throws Exception {
    spark.sparkContext().addSparkListener(tasks);
    try {
      SweepOutcome outcome = new SweepRunner(spark, warehouse, 1).run(spec, true);
      spark.sparkContext().listenerBus().waitUntilEmpty();
      return outcome;
    } finally {
      spark.sparkContext().removeSparkListener(tasks);
    }
  }
}
