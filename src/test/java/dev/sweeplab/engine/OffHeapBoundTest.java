package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.LocalCluster;
import dev.sweeplab.testing.ReliabilityLedger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-executor bound on native memory ({@code conf/cluster-cpu.conf}): executors on {@code
 * local-cluster} with a 512 MiB heap and JavaCPP's {@code maxPhysicalBytes} at {@value #BOUND}. An
 * executor holds ~0.4 GB after a small run; a width-8192 network (74 M parameters, 0.3 GB per copy
 * of them, and training keeps several) is refused memory and lands as a {@code failed} row naming
 * the memory; a width-16 one beside it is {@code ok}; no executor is lost, nothing is retried. (A
 * width-4096 one, 20 M parameters, peaks too close to the bound to tell either way.)
 *
 * <p>ND4J 1.0.0-M2.1 allocates its arrays in libnd4j, outside JavaCPP's own count: {@code maxBytes}
 * never sees them (JavaCPP's {@code totalBytes} stays near 0 while training), it is set here only
 * as the conf file sets it. What bounds them is {@code maxPhysicalBytes}, checked against the whole
 * process's resident size (heap included) on each JavaCPP allocation, which ND4J makes on every op.
 */
class OffHeapBoundTest {
  static final String BOUND = "800m";

  static final String SPEC =
      """
      name: offheap
      seed: 9
      dataset: {input_dim: 784, classes: 10, teacher_width: 16, train_size: 256, test_size: 128}
      model: {width: [16, 8192], depth: 2}
      training: {batch_size: 64, steps: 20, eval_points: 2}
      """;

  @TempDir Path tmp;

  @Test
  void aRunPastTheBoundFailsAloneAndTheSweepCompletes() {
    long start = System.currentTimeMillis();
    SparkSession spark =
        LocalCluster.open(
            "sweeplab-offheap",
            // The memory check would refuse the width-8192 run before training (corpus case 75);
            // off, the run reaches its executor, as one the estimate underrates would.
            Map.of("spark.executor.memory", "512m", MemoryCheck.ENABLED, "false"),
            "-Dorg.bytedeco.javacpp.maxBytes=" + BOUND,
            "-Dorg.bytedeco.javacpp.maxPhysicalBytes=" + BOUND,
            "-Dorg.deeplearning4j.crash.reporting.enabled=false");
    try {
      LocalCluster.Events events = new LocalCluster.Events();
      spark.sparkContext().addSparkListener(events);
      SweepSpec spec = SpecParser.parse(SPEC, "offheap.yaml");
      Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());

      SweepOutcome outcome = new SweepRunner(spark, warehouse).run(spec, false);

      assertEquals(2, outcome.counts().planned());
      assertEquals(1, outcome.counts().ok(), outcome.toString());
      assertEquals(1, outcome.counts().failed(), outcome.toString());
      Tables.register(spark, warehouse);
      List<Row> rows =
          spark
              .sql("SELECT width, status, reason, attempt FROM runs ORDER BY width")
              .collectAsList();
      assertEquals(2, rows.size(), rows.toString());
      Row small = rows.get(0);
      Row big = rows.get(1);
      assertEquals(16, small.getInt(0));
      assertEquals("ok", small.getString(1), small.toString());
      assertEquals(8192, big.getInt(0));
      assertEquals("failed", big.getString(1), big.toString());
      String reason = big.getString(2);
      assertTrue(
          reason.startsWith("OutOfMemoryError") && reason.contains("physicalBytes"),
          "the reason names the memory bound: " + reason);
      assertEquals(0, big.getInt(3), "failed in its first attempt, not retried: " + big);
      assertEquals(0, events.executorsRemoved.get(), "no executor lost: " + events);
      System.out.printf(
          "OffHeapBoundTest: maxPhysicalBytes=%s, width 8192 failed: %s; %d ms%n",
          BOUND, reason, System.currentTimeMillis() - start);
      ReliabilityLedger.Counts counts = ReliabilityLedger.count(spark, spec);
      assertEquals(new ReliabilityLedger.Counts(2, 2, 0, 0), counts);
      assertEquals(0, events.retrained(), events.toString());
      ReliabilityLedger.record(
          "run past the executor's native-memory bound (local-cluster)",
          counts,
          events.retrained());
    } finally {
      spark.stop();
    }
  }
}
