package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPU scheduling as a cluster does it, without a GPU: on {@code local-cluster[1,4,1024]} the worker
 * discovers two GPU addresses from a script, the executor takes both, and each task (one run) asks
 * for half a GPU, so Spark may place at most two runs on an address at once. Every run records the
 * address its task was given ({@code runs.device}); with the CPU backend ND4J is not pinned, the
 * address is only recorded.
 */
class GpuSchedulingTest {
  static final String MASTER = "local-cluster[1,4,1024]";

  static final String SPEC =
      """
      name: gpus
      seed: 21
      repeats: 2
      dataset: {input_dim: 6, classes: 3, teacher_width: 8, train_size: 128, test_size: 64}
      model: {width: [8, 16, 24, 32], depth: 1}
      training: {batch_size: 32, steps: 150, eval_points: 3}
      """;

  @TempDir Path tmp;

  @Test
  void everyRunRecordsItsGpuAndNoGpuHoldsMoreThanTwoRuns() throws Exception {
    long start = System.currentTimeMillis();
    Path script = LocalCluster.HOME.resolve("gpus.sh");
    Files.createDirectories(script.getParent());
    Files.writeString(
        script, "#!/usr/bin/env bash\necho '{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, String> gpus =
        Map.of(
            "spark.worker.resource.gpu.amount", "2",
            "spark.worker.resource.gpu.discoveryScript", script.toString(),
            "spark.executor.resource.gpu.amount", "2",
            "spark.task.resource.gpu.amount", "0.5");
    SparkSession spark = LocalCluster.open("sweeplab-gpu-scheduling", MASTER, 1, gpus);
    try {
      SweepSpec spec = SpecParser.parse(SPEC, "gpus.yaml");
      int planned = spec.expand().size();
      Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
      SweepOutcome outcome = new SweepRunner(spark, warehouse).run(spec, false);
      assertEquals(planned, outcome.counts().ok(), outcome.toString());

      Tables.register(spark, warehouse);
      List<Row> rows =
          spark
              .sql(
                  "SELECT run_id, device, unix_millis(finished_at) - wall_ms,"
                      + " unix_millis(finished_at) FROM runs ORDER BY run_id")
              .collectAsList();
      assertEquals(planned, rows.size());
      Set<String> devices = new TreeSet<>();
      // +1 at a run's start, -1 at its end, per device; an end sorts before a start at the same ms.
      Map<String, TreeMap<Long, Integer>> events = new TreeMap<>();
      TreeMap<Long, Integer> all = new TreeMap<>();
      for (Row r : rows) {
        String device = r.getString(1);
        assertTrue(device.equals("gpu:0") || device.equals("gpu:1"), "device of " + r);
        devices.add(device);
        long from = 2 * r.getLong(2) + 1;
        long to = 2 * r.getLong(3);
        for (TreeMap<Long, Integer> e :
            List.of(events.computeIfAbsent(device, d -> new TreeMap<>()), all)) {
          e.merge(from, 1, Integer::sum);
          e.merge(to, -1, Integer::sum);
        }
      }
      assertEquals(Set.of("gpu:0", "gpu:1"), devices, "both GPUs used: " + rows);
      List<String> peaks = new ArrayList<>();
      events.forEach(
          (device, e) -> {
            int peak = peak(e);
            peaks.add(device + " " + peak);
            assertTrue(peak <= 2, device + " held " + peak + " runs at once: " + rows);
          });
      // Otherwise the limit above was never put to the test.
      int overall = peak(all);
      assertTrue(overall >= 3, "runs overlapped enough to need both GPUs: peak " + overall);
      System.out.printf(
          "GpuSchedulingTest: %d runs on %s, peak runs at once per GPU %s, overall %d; %d ms%n",
          planned, devices, peaks, overall, System.currentTimeMillis() - start);
    } finally {
      spark.stop();
    }
  }

  private static int peak(TreeMap<Long, Integer> events) {
    int now = 0;
    int peak = 0;
    for (int delta : events.values()) {
      now += delta;
      peak = Math.max(peak, now);
    }
    return peak;
  }
}
