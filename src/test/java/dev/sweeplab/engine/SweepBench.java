package dev.sweeplab.engine;

import dev.sweeplab.report.Table;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmarks of the sweep machinery around the training steps: how close a heterogeneous sweep's
 * wall time comes to its training time spread over the cores, what each run costs beyond its
 * training, and whether a 10,000-run sweep plans, runs and commits with bounded driver memory.
 * Figures are measured in one run on whatever machine runs it; compare ratios. Driver-only.
 */
public final class SweepBench {
  private SweepBench() {}

  /**
   * The heterogeneous sweep: 5 widths × 5 step counts × {@code repeats} seeds on teacher–student
   * data, whose estimated costs differ by over 100 times (width 8 for 10 steps to width 512 for
   * 1280).
   */
  public static SweepSpec heterogeneous(int repeats) {
    return SpecParser.parse(
        """
        name: bench_efficiency
        seed: 1
        repeats: %d
        dataset: {input_dim: 32, classes: 10, teacher_width: 64, train_size: 1024, test_size: 512}
        model: {width: {log2: [8, 512], points: 5}, depth: 2}
        training: {steps: {log2: [10, 1280], points: 5}, batch_size: 64, eval_points: 4}
        """
            .formatted(repeats),
        "bench_efficiency.yaml");
  }

  /** What the heterogeneous sweep measured. */
  public record Efficiency(
      int runs,
      int cores,
      double costRatio,
      long wallMs,
      long trainStageMs,
      long commitMs,
      long sumRunMs,
      long maxRunMs,
      TaskTimes tasks,
      long peakRssMb) {
    /** Training-stage wall time over Σ run time / cores: 1.0 is every core busy throughout. */
    public double stageRatio() {
      return trainStageMs / ((double) sumRunMs / cores);
    }

    /** Whole-sweep wall time (planning and commit included) over Σ run time / cores. */
    public double wallRatio() {
      return wallMs / ((double) sumRunMs / cores);
    }

    /** Core time per run beyond its own training: scheduling, data, staging and the commit. */
    public double overheadPerRunMs() {
      return (wallMs * (double) cores - sumRunMs) / runs;
    }

    /** Per run: Spark's share of a task, outside the task's own code (launch, deserialization). */
    public double schedulingPerRunMs() {
      return (double) (tasks.durationMs() - tasks.runMs()) / runs;
    }

    /** Per run: the task's own code beyond the run's training (staging write, provenance). */
    public double inTaskPerRunMs() {
      return (double) (tasks.runMs() - sumRunMs) / runs;
    }

    /**
     * Per run: garbage-collection time during the training tasks, summed over the tasks (Spark's
     * {@code jvmGCTime}). Where tasks share a JVM ({@code local[n]}) a pause stops all of them and
     * each counts it, so this is the task time (core time) the pauses took, inside runs and
     * outside.
     */
    public double gcPerRunMs() {
      return (double) tasks.gcMs() / runs;
    }

    /** Core time of the training stage in which no task ran (stragglers, gaps between tasks). */
    public double idleCoreS() {
      return (trainStageMs * (double) cores - tasks.durationMs()) / 1e3;
    }

    /** The figures as a one-row table. */
    public Table table() {
      return SweepBench.table(List.of(this));
    }

    private List<Object> row(int round) {
      return List.of(
          round,
          runs,
          tasks.tasks(),
          cores,
          Math.round(costRatio),
          wallMs / 1e3,
          trainStageMs / 1e3,
          commitMs / 1e3,
          sumRunMs / 1e3,
          maxRunMs / 1e3,
          stageRatio(),
          wallRatio(),
          Math.round(overheadPerRunMs()),
          schedulingPerRunMs(),
          inTaskPerRunMs(),
          gcPerRunMs(),
          idleCoreS(),
          peakRssMb);
    }
  }

  /**
   * Sweeps run one after the other in one JVM, a row each, numbered from 1: the first pays the
   * JVM's warm-up (class loading, JIT compilation, first use of Spark, Parquet and ND4J) as a sweep
   * started by {@code sweeplab run} does; the later ones show what a run costs in a warm executor.
   * Peak RSS is the process's peak so far.
   */
  public static Table table(List<Efficiency> rounds) {
    List<List<Object>> rows = new ArrayList<>();
    for (int i = 0; i < rounds.size(); i++) {
      rows.add(rounds.get(i).row(i + 1));
    }
    return new Table(
        List.of(
            "round",
            "runs",
            "tasks",
            "cores",
            "cost max/min",
            "wall s",
            "training stage s",
            "commit s",
            "sum of run times s",
            "longest run s",
            "stage / (sum/cores)",
            "wall / (sum/cores)",
            "overhead per run ms",
            "scheduling ms/run",
            "in task ms/run",
            "GC in tasks ms/run",
            "idle core s",
            "peak RSS MB"),
        rows);
  }

  /** Runs the heterogeneous sweep afresh in {@code warehouse} and reads its timings back. */
  public static Efficiency efficiency(SparkSession spark, Warehouse warehouse, int repeats) {
    SweepSpec spec = heterogeneous(repeats);
    List<RunConfig> runs = spec.expand();
    double min = runs.stream().mapToDouble(RunConfig::cost).min().orElse(1);
    double max = runs.stream().mapToDouble(RunConfig::cost).max().orElse(1);
    TaskTimes.Listener listener = new TaskTimes.Listener();
    spark.sparkContext().addSparkListener(listener);
    SweepOutcome o;
    try {
      o = new SweepRunner(spark, warehouse).run(spec, true);
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    Row sums =
        Tables.read(
            spark,
            warehouse,
            List.of(Warehouse.RUNS),
            () ->
                spark
                    .sql(
                        "SELECT sum(wall_ms), max(wall_ms) FROM runs WHERE sweep ="
                            + " 'bench_efficiency'")
                    .first());
    return new Efficiency(
        runs.size(),
        spark.sparkContext().defaultParallelism(),
        max / min,
        o.wallMs(),
        o.trainMs(),
        o.commitMs(),
        sums.getLong(0),
        sums.getLong(1),
        listener.times(o.counts().trained() > 0),
        peakRssMb());
  }

  /**
   * Sums over the tasks of the training stage (Spark jobs described "train …"), from Spark's task
   * metrics.
   *
   * @param tasks tasks that ended (retries included)
   * @param durationMs Σ from launch to end, as the scheduler saw it
   * @param runMs Σ executor run time: the task's own code
   * @param gcMs Σ JVM garbage-collection time while each task ran
   */
  public record TaskTimes(long tasks, long durationMs, long runMs, long gcMs) {
    /** Collects {@link TaskTimes} while registered; events arrive on Spark's listener thread. */
    static final class Listener extends SparkListener {
      private final Set<Integer> trainStages = ConcurrentHashMap.newKeySet();
      private final Set<Integer> trainJobs = ConcurrentHashMap.newKeySet();
      private final Set<Integer> endedJobs = ConcurrentHashMap.newKeySet();
      private final AtomicLong tasks = new AtomicLong();
      private final AtomicLong durationMs = new AtomicLong();
      private final AtomicLong runMs = new AtomicLong();
      private final AtomicLong gcMs = new AtomicLong();

      @Override
      public void onJobStart(SparkListenerJobStart job) {
        String description = job.properties().getProperty("spark.job.description");
        if (description != null && description.startsWith("train ")) {
          job.stageIds().foreach(id -> trainStages.add((Integer) id));
          trainJobs.add(job.jobId());
        }
      }

      @Override
      public void onJobEnd(SparkListenerJobEnd job) {
        endedJobs.add(job.jobId());
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (trainStages.contains(end.stageId()) && end.taskMetrics() != null) {
          tasks.incrementAndGet();
          durationMs.addAndGet(end.taskInfo().duration());
          runMs.addAndGet(end.taskMetrics().executorRunTime());
          gcMs.addAndGet(end.taskMetrics().jvmGCTime());
        }
      }

      /**
       * The sums once the training jobs' end events have arrived (Spark delivers listener events
       * asynchronously, after the job's result, and a job's task ends before its end), or after 30
       * s with what arrived; at once if {@code trained} is false (no training job ran).
       */
      TaskTimes times(boolean trained) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (trained
            && (trainJobs.isEmpty() || !endedJobs.containsAll(trainJobs))
            && System.nanoTime() < deadline) {
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
        return new TaskTimes(tasks.get(), durationMs.get(), runMs.get(), gcMs.get());
      }
    }
  }

  /** What the many-run sweep measured; heap figures are MB of driver heap in use after a GC. */
  public record Scale(
      int runs,
      long planMs,
      long heapBeforeMb,
      long heapPlannedMb,
      long wallMs,
      long trainStageMs,
      long commitMs,
      long heapAfterMb,
      long peakHeapMb,
      long peakRssMb) {

    /** The figures as a one-row table. */
    public Table table() {
      return new Table(
          List.of(
              "runs",
              "plan s",
              "heap before MB",
              "heap planned MB",
              "wall s",
              "training stage s",
              "commit s",
              "per run ms",
              "heap after MB",
              "peak heap MB",
              "peak RSS MB"),
          List.of(
              List.of(
                  runs,
                  planMs / 1e3,
                  heapBeforeMb,
                  heapPlannedMb,
                  wallMs / 1e3,
                  trainStageMs / 1e3,
                  commitMs / 1e3,
                  (double) wallMs / runs,
                  heapAfterMb,
                  peakHeapMb,
                  peakRssMb)));
    }
  }

  /** A sweep {@code name} of {@code runs} tiny runs: one configuration, {@code runs} seeds. */
  public static SweepSpec tinyRuns(String name, int runs) {
    return SpecParser.parse(
        """
        name: %s
        seed: 2
        repeats: %d
        dataset: {input_dim: 4, classes: 2, teacher_width: 4, train_size: 32, test_size: 32}
        model: {width: 2, depth: 1}
        training: {steps: 2, batch_size: 16, eval_points: 2}
        limits: {max_runs: %d}
        """
            .formatted(name, runs, runs),
        name + ".yaml");
  }

  /** Plans, runs and commits {@code runs} tiny runs ({@link #tinyRuns}). */
  public static Scale scale(SparkSession spark, Warehouse warehouse, int runs) {
    SweepSpec spec = tinyRuns("bench_scale", runs);
    long before = heapAfterGc();
    resetPeaks();
    long t0 = System.nanoTime();
    List<RunConfig> planned = spec.expand();
    long planMs = (System.nanoTime() - t0) / 1_000_000;
    long heapPlanned = heapAfterGc();
    if (planned.size() != runs) {
      throw new IllegalStateException("planned " + planned.size() + " runs, not " + runs);
    }
    planned = null; // the runner plans again; keep only its own copy alive
    SweepOutcome o = new SweepRunner(spark, warehouse).run(spec, true);
    return new Scale(
        runs,
        planMs,
        before,
        heapPlanned,
        o.wallMs(),
        o.trainMs(),
        o.commitMs(),
        heapAfterGc(),
        peakHeapMb(),
        peakRssMb());
  }

  /**
   * The process's peak resident memory so far in MB ({@code VmHWM}: heap, native memory of ND4J and
   * everything else), or -1 where /proc/self/status does not exist. The bench runs in a JVM of its
   * own, so this is the bench's peak.
   */
  static long peakRssMb() {
    try {
      for (String line :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10; // kB
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: no figure
    }
    return -1;
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** Sum over heap pools of their peak use since {@link #resetPeaks}: an upper bound. */
  private static long peakHeapMb() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak >> 20;
  }
}
