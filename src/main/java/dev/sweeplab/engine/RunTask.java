package dev.sweeplab.engine;

import dev.sweeplab.model.Platform;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.store.Provenance;
import dev.sweeplab.store.RunRecord;
import dev.sweeplab.store.Staging;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.train.RunResult;
import dev.sweeplab.train.Trainer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.util.LongAccumulator;

/**
 * The executor side of one task: its runs (see {@link Bundles}), one after the other. Each is
 * trained within the sweep's time limit, staged as one Parquet file and reported back. A failure of
 * a run itself becomes a {@code failed} row; only a failure to stage (an infrastructure fault)
 * throws, and Spark retries the task. A retried task does not train again the runs its failed
 * attempt staged: it reads their status and reports them. A killed attempt stages nothing more.
 */
final class RunTask implements FlatMapFunction<List<RunConfig>, TaskOutcome> {
  private static final long serialVersionUID = 2L;

  private final Warehouse warehouse;
  private final Broadcast<Map<String, String>> hadoopConf;
  private final String appId;
  private final long timeoutMs;
  private final Map<String, Long> timedOut;
  private final LongAccumulator notOk;

  /**
   * @param timeoutMs the sweep's per-run limit (0: none)
   * @param timedOut run id → the limit of its timed-out staging file, for runs tried again
   * @param notOk counts the runs whose status is not ok (the driver's progress display)
   */
  RunTask(
      Warehouse warehouse,
      Broadcast<Map<String, String>> hadoopConf,
      String appId,
      long timeoutMs,
      Map<String, Long> timedOut,
      LongAccumulator notOk) {
    this.warehouse = warehouse;
    this.hadoopConf = hadoopConf;
    this.appId = appId;
    this.timeoutMs = timeoutMs;
    this.timedOut = Map.copyOf(timedOut);
    this.notOk = notOk;
  }

  @Override
  public Iterator<TaskOutcome> call(List<RunConfig> runs) throws Exception {
    TaskContext task = TaskContext.get();
    int attempt = task == null ? 0 : task.attemptNumber();
    String device = device(task); // before the runs create any ND4J array in this thread
    Configuration conf = HadoopConf.of(hadoopConf);
    List<TaskOutcome> outcomes = new ArrayList<>(runs.size());
    for (RunConfig run : runs) {
      if (task != null && task.isInterrupted()) {
        throw new TaskKilledException("task killed before run " + run.runId());
      }
      Path staging = warehouse.staging(run.sweep());
      Path earlier = attempt > 0 ? Staging.staged(conf, staging, run, timeoutMs) : null;
      String status =
          earlier != null
              ? Staging.status(conf, earlier)
              : train(run, task, attempt, device, conf, staging);
      if (!RunResult.OK.equals(status)) {
        notOk.add(1); // counted once: Spark merges the updates of successful attempts only
      }
      outcomes.add(new TaskOutcome(run.runId(), status, attempt, earlier != null));
    }
    return outcomes.iterator();
  }

  /** Trains and stages {@code run}; returns its status. */
  private String train(
      RunConfig run, TaskContext task, int attempt, String device, Configuration conf, Path staging)
      throws IOException {
    FaultPoints.runStarting(run.runId()); // tests only: nothing happens in the product
    RunResult result = Trainer.run(run, timeoutMs);
    if (task != null && task.isInterrupted()) {
      // Killed (a speculative copy whose twin finished, or a cancelled job): stage nothing.
      throw new TaskKilledException("run " + run.runId() + " killed before staging");
    }
    Provenance provenance =
        Provenance.here(
            device,
            appId,
            SparkEnv.get() == null ? "" : SparkEnv.get().executorId(),
            host(),
            attempt,
            Provenance.TASK);
    Staging.write(
        conf,
        staging,
        new RunRecord(run, result, provenance, System.currentTimeMillis()),
        timeoutMs,
        timedOut.getOrDefault(run.runId(), 0L));
    return result.status();
  }

  /**
   * The GPU Spark assigned to this task, as {@code gpu:<address>}, or {@code cpu} when it assigned
   * none. With ND4J's CUDA backend the task's thread is pinned to that device, so the run's arrays
   * live there; with the CPU backend the address is only recorded (the row's nd4j_backend tells
   * which). The address is the CUDA device ordinal the executor sees (discovery script).
   */
  static String device(TaskContext task) {
    ResourceInformation gpu = task == null ? null : task.resourcesJMap().get("gpu");
    if (gpu == null || gpu.addresses().length == 0) {
      return "cpu";
    }
    String address = gpu.addresses()[0];
    if (Platform.cudaBackend()) {
      Platform.useGpu(Integer.parseInt(address));
    }
    return "gpu:" + String.join(",", gpu.addresses());
  }

  /** This machine's name, looked up once per JVM (a lookup can cost a DNS round trip). */
  static String host() {
    return Host.NAME;
  }

  private static final class Host {
    static final String NAME = lookUp();

    private static String lookUp() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return "unknown";
      }
    }
  }
}
