package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.LocalCluster;
import dev.sweeplab.testing.ReliabilityLedger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor JVM lost mid-sweep, for real: on {@code local-cluster[2,1,1024]} two runs halt their
 * executor on their first attempt ({@link Faults}), the first one scheduled (nothing staged yet)
 * and the last (the others staged by then); the workers start new executors, Spark retries the
 * runs, and every planned run lands exactly once. Then the same with speculation on.
 */
class ExecutorLossTest {
  static final String SPEC =
      """
      name: NAME
      seed: 5
      dataset: {input_dim: 6, classes: 3, teacher_width: 8, train_size: 128, test_size: 64}
      model: {width: [4, 32], depth: 1}
      training: {batch_size: 32, steps: [100, 400], eval_points: 4, learning_rate: 0.01}
      """;

  /** Aggressive, so a straggler is marked speculatable within a second or two. */
  static final Map<String, String> SPECULATION =
      Map.of(
          "spark.speculation", "true",
          "spark.speculation.interval", "100ms",
          "spark.speculation.multiplier", "1",
          "spark.speculation.quantile", "0.1",
          "spark.speculation.minTaskRuntime", "100ms");

  @TempDir Path tmp;

  @Test
  void aLostExecutorLosesNoRunAndDuplicatesNone() {
    LocalCluster.Events events = sweepLosingExecutors("lost", Map.of());
    assertEquals(0, events.speculativeLaunched.get(), events.toString());
  }

  @Test
  void withSpeculationStillExactlyOnce() {
    // Spark never runs a speculative copy on a host where the task already has an attempt, and
    // local-cluster's executors all share one host: copies are marked (submitted) but not launched.
    // Exactly-once is asserted regardless; the counts are printed.
    sweepLosingExecutors("lost_speculation", SPECULATION);
  }

  private LocalCluster.Events sweepLosingExecutors(String name, Map<String, String> settings) {
    long start = System.currentTimeMillis();
    SparkSession spark = LocalCluster.open("sweeplab-executor-loss", settings);
    try {
      LocalCluster.Events events = new LocalCluster.Events();
      spark.sparkContext().addSparkListener(events);
      SweepSpec spec = SpecParser.parse(SPEC.replace("NAME", name), name + ".yaml");
      // SweepRunner's order, longest first: halt the first run scheduled and the last.
      List<RunConfig> runs = Bundles.longestFirst(spec.expand());
      Set<String> planned =
          runs.stream().map(RunConfig::runId).collect(Collectors.toCollection(TreeSet::new));
      List<String> halted = List.of(runs.get(0).runId(), runs.get(runs.size() - 1).runId());
      Warehouse warehouse = new Warehouse(tmp.resolve(name).toString());

      spark.sparkContext().setLocalProperty(Faults.HALT_FIRST_ATTEMPT, String.join(",", halted));
      SweepOutcome outcome;
      try {
        outcome = new SweepRunner(spark, warehouse).run(spec, false);
      } finally {
        spark.sparkContext().setLocalProperty(Faults.HALT_FIRST_ATTEMPT, null);
      }
      // The kill really happened: one executor lost per halted run (listener events are async).
      LocalCluster.await(
          events.executorsRemoved::get, halted.size(), 30_000, "executor-removed events");
      assertEquals(halted.size(), events.executorsRemoved.get(), events.toString());
      assertTrue(
          events.removedReasons.stream().allMatch(r -> r.contains("" + Faults.HALT_STATUS)),
          "executors exited with the halt status: " + events);

      assertEquals(planned.size(), outcome.counts().planned());
      assertEquals(planned.size(), outcome.counts().trained());
      assertEquals(planned.size(), outcome.counts().ok(), outcome.toString());

      Tables.register(spark, warehouse);
      List<Row> rows = spark.sql("SELECT run_id, attempt FROM runs").collectAsList();
      assertEquals(planned.size(), rows.size(), "one row per planned run: " + rows);
      assertEquals(
          planned,
          rows.stream().map(r -> r.getString(0)).collect(Collectors.toCollection(TreeSet::new)));
      for (Row r : rows) {
        if (halted.contains(r.getString(0))) {
          assertTrue(r.getInt(1) >= 1, "a halted run's row comes from a retry: " + r);
        }
      }
      Row curves =
          spark
              .sql(
                  "SELECT count(*), count(DISTINCT run_id, step), count(DISTINCT run_id) FROM"
                      + " curves")
              .first();
      assertEquals(curves.getLong(1), curves.getLong(0), "no curve point twice: " + curves);
      assertEquals(planned.size(), curves.getLong(2), "every run has its curve: " + curves);

      System.out.printf(
          "ExecutorLossTest %s: %d runs, halted %s; %s; %d ms%n",
          name, planned.size(), halted, events, System.currentTimeMillis() - start);
      ReliabilityLedger.Counts counts = ReliabilityLedger.count(spark, spec);
      assertEquals(new ReliabilityLedger.Counts(planned.size(), planned.size(), 0, 0), counts);
      assertEquals(0, events.retrained(), "no run trained to the end twice: " + events);
      ReliabilityLedger.record(
          halted.size()
              + " executors lost on local-cluster"
              + (settings.isEmpty() ? "" : ", speculation on"),
          counts,
          events.retrained());
      return events;
    } finally {
      spark.stop();
    }
  }
}
