package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep benchmarks run end to end at small sizes; their figures are checked for sense only. */
class SweepBenchTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void theHeterogeneousSweepSpansTwoOrdersOfMagnitudeAndReportsItsTimes() {
    SweepBench.Efficiency e =
        SweepBench.efficiency(spark, new Warehouse(tmp.resolve("e").toString()), 1);
    assertEquals(25, e.runs());
    assertEquals(200, SweepBench.heterogeneous(8).expand().size(), "the benchmark's size");
    assertTrue(e.costRatio() >= 100, "costs differ by >= 100x: " + e.costRatio());
    assertEquals(2, e.cores());
    assertTrue(e.sumRunMs() > 0 && e.maxRunMs() <= e.sumRunMs(), e.toString());
    assertTrue(e.trainStageMs() > 0 && e.commitMs() > 0, e.toString());
    assertTrue(e.wallMs() >= e.trainStageMs() + e.commitMs(), e.toString());
    assertTrue(e.stageRatio() > 0 && Double.isFinite(e.overheadPerRunMs()), e.toString());
    int tasks = Bundles.of(SweepBench.heterogeneous(1).expand(), 2, Bundles.TASKS_PER_CORE).size();
    assertEquals(tasks, e.tasks().tasks(), "every training task's metrics were seen: " + e);
    assertTrue(
        e.tasks().runMs() >= e.sumRunMs() && e.tasks().durationMs() >= e.tasks().runMs(),
        "a task runs its run; Spark's time around it comes on top: " + e);
    assertTrue(
        e.tasks().gcMs() >= 0 && e.gcPerRunMs() * e.runs() <= e.tasks().durationMs(),
        "GC time within the tasks' time: " + e);
    assertEquals(e.table().columns().size(), e.table().rows().get(0).size());
    assertTrue(e.table().markdown().startsWith("| round | runs | tasks | cores | cost max/min |"));
    // Rounds in one JVM are numbered from 1, a row each.
    List<List<Object>> rows = SweepBench.table(List.of(e, e)).rows();
    assertEquals(List.of(1, 2), rows.stream().map(row -> row.get(0)).toList());
    assertEquals(e.table().rows().get(0), rows.get(0), "one sweep's table is its round 1");
  }

  @Test
  void manyTinyRunsPlanRunAndCommit() {
    SweepBench.Scale s = SweepBench.scale(spark, new Warehouse(tmp.resolve("s").toString()), 40);
    assertEquals(40, s.runs());
    assertTrue(s.wallMs() >= s.trainStageMs() + s.commitMs(), s.toString());
    assertTrue(s.peakHeapMb() > 0, s.toString());
    assertTrue(s.peakRssMb() > s.heapAfterMb(), "the process holds more than its live heap: " + s);
    assertEquals(s.table().columns().size(), s.table().rows().get(0).size());
    Tables.register(spark, new Warehouse(tmp.resolve("s").toString()));
    assertRows(
        "every run committed once",
        sql("SELECT count(*), count(DISTINCT run_id) FROM runs WHERE sweep = 'bench_scale'"),
        row(40L, 40L));
  }
}
