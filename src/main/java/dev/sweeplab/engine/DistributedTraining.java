package dev.sweeplab.engine;

import dev.sweeplab.model.Mlp;
import dev.sweeplab.model.Networks;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.store.Provenance;
import dev.sweeplab.store.RunRecord;
import dev.sweeplab.store.Staging;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.train.Batches;
import dev.sweeplab.train.RunResult;
import dev.sweeplab.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the sweep's largest runs (cost above {@code limits.distributed_above}) one after another,
 * each data-parallel across the executors with DL4J's parameter averaging, so that one big run does
 * not straggle in a single task. The network, the minibatches (same data, same order as {@link
 * Trainer} draws them) and the learning curve live on the driver; each stretch of minibatches
 * between two evaluations is an RDD the executors fit, averaging parameters and updater state every
 * {@link #AVERAGING_FREQUENCY} minibatches per worker. Averaging changes the optimisation, so the
 * numbers differ from training in one task; the row's {@code trained_by} says which it was. The
 * result is staged as a task stages it, so resume and commit treat both alike. Driver-only.
 */
final class DistributedTraining {
  private static final Logger LOG = LoggerFactory.getLogger(DistributedTraining.class);

  /** Minibatches each worker fits between two parameter averagings. */
  static final int AVERAGING_FREQUENCY = 5;

  private final JavaSparkContext jsc;
  private final Warehouse warehouse;
  private final Configuration hadoop;
  private final int workers;
  private final long timeoutMs;
  private final Map<String, Long> timedOut;

  /**
   * @param workers data-parallel workers per run (0: Spark's default parallelism)
   * @param timeoutMs the sweep's per-run limit (0: none)
   * @param timedOut run id → the limit of its timed-out staging file, for runs tried again
   */
  DistributedTraining(
      JavaSparkContext jsc,
      Warehouse warehouse,
      int workers,
      long timeoutMs,
      Map<String, Long> timedOut) {
    this.jsc = jsc;
    this.warehouse = warehouse;
    this.hadoop = jsc.hadoopConfiguration();
    this.workers = workers > 0 ? workers : jsc.defaultParallelism();
    this.timeoutMs = timeoutMs;
    this.timedOut = timedOut;
  }

  /** What the row's {@code trained_by} records for runs trained here. */
  String method() {
    return Provenance.parameterAveraging(workers, AVERAGING_FREQUENCY);
  }

  /** Trains {@code run}, stages its result and reports; throws only when staging fails. */
  TaskOutcome train(RunConfig run) {
    jsc.setJobDescription("train run " + run.runId() + " by " + method());
    RunResult result = Trainer.run(run, timeoutMs, new ParameterAveraging(run));
    LOG.info(
        "run {} trained by {}: {} in {} ms",
        run.runId(),
        method(),
        result.status(),
        result.wallMs());
    Provenance provenance =
        Provenance.here("cpu", jsc.sc().applicationId(), "driver", RunTask.host(), 0, method());
    try {
      Staging.write(
          hadoop,
          warehouse.staging(run.sweep()),
          new RunRecord(run, result, provenance, System.currentTimeMillis()),
          timeoutMs,
          timedOut.getOrDefault(run.runId(), 0L));
    } catch (IOException e) {
      throw new UncheckedIOException("stage run " + run.runId(), e);
    }
    return new TaskOutcome(run.runId(), result.status(), 0, false);
  }

  /** The run's steps taken by {@link SparkDl4jMultiLayer} with a parameter-averaging master. */
  private final class ParameterAveraging implements Trainer.Steps {
    private final ParameterAveragingTrainingMaster master;
    private final int maxBatches;
    private SparkDl4jMultiLayer sparkNet;

    ParameterAveraging(RunConfig run) {
      if (run.outputScale() != 1) {
        throw new UnsupportedOperationException(
            "model.output_scale = "
                + run.outputScale()
                + " is not trained data-parallel: DL4J's parameter averaging takes the network's"
                + " own loss; raise limits.distributed_above so this run trains in one task");
      }
      int batch = Math.min(run.batchSize(), run.trainSize());
      master =
          new ParameterAveragingTrainingMaster.Builder(workers, batch)
              .batchSizePerWorker(batch)
              .averagingFrequency(AVERAGING_FREQUENCY)
              .workerPrefetchNumBatches(0)
              // The minibatches go to the executors as they are, not exported to files first.
              .rddTrainingApproach(RDDTrainingApproach.Direct)
              .rngSeed(run.seed())
              .collectTrainingStats(false)
              .build();
      // At most an epoch's minibatches (and at least one averaging round of every worker) are held
      // on the driver at once: the stretch between late evaluations can be many epochs long.
      long perEpoch = (run.trainSize() + batch - 1) / batch;
      maxBatches = (int) Math.max(perEpoch, (long) workers * AVERAGING_FREQUENCY);
    }

    @Override
    public int maxBatches() {
      return maxBatches;
    }

    @Override
    public double fit(Mlp mlp, Batches source, int n) {
      MultiLayerNetwork net = Networks.network(mlp);
      int d = source.inputs();
      int k = source.outputs();
      List<DataSet> batches = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        float[] x = new float[source.size() * d];
        float[] y = new float[source.size() * k];
        int rows = source.next(FloatBuffer.wrap(x), FloatBuffer.wrap(y));
        batches.add(
            new DataSet(
                Nd4j.create(Arrays.copyOf(x, rows * d), new long[] {rows, d}, 'c'),
                Nd4j.create(Arrays.copyOf(y, rows * k), new long[] {rows, k}, 'c')));
      }
      if (sparkNet == null || sparkNet.getNetwork() != net) {
        sparkNet = new SparkDl4jMultiLayer(jsc, net, master);
      }
      sparkNet.fit(jsc.parallelize(batches, Math.min(workers, batches.size())));
      return sparkNet.getScore();
    }
  }
}
