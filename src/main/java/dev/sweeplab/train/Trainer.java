package dev.sweeplab.train;

import dev.sweeplab.data.Dataset;
import dev.sweeplab.data.DatasetCache;
import dev.sweeplab.data.DatasetSpec;
import dev.sweeplab.model.DenseStep;
import dev.sweeplab.model.Networks;
import dev.sweeplab.spec.RunConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Trains one run: data from the per-JVM cache, a fresh network, minibatch steps in an order drawn
 * from the run's seed, evaluations at log-spaced steps. A pure function of the {@link RunConfig}.
 * Every outcome, failures included, comes back as a {@link RunResult}.
 */
public final class Trainer {
  /** Samples per split used for learning-curve points; the final evaluation uses all of them. */
  static final int CURVE_SAMPLES = RunConfig.CURVE_SAMPLES;

  private Trainer() {}

  /**
   * How a run's optimizer steps are taken: one minibatch at a time in the calling thread ({@link
   * #local()}), or many minibatches at once by something else (data-parallel training across Spark
   * executors). The trainer hands over the run's minibatches in their training order and never more
   * than up to its next evaluation. One instance trains one run.
   */
  public interface Steps {
    /**
     * One step per minibatch, in this thread: by {@link DenseStep} on the network's own memory
     * where it can train the network (ND4J's CPU backend), else by DL4J's {@code fit}.
     */
    static Steps local() {
      return new Local();
    }

    /** The most minibatches one {@link #fit} call takes. */
    int maxBatches();

    /**
     * Trains {@code net} on the next {@code n} minibatches of {@code batches}, leaving the result
     * in {@code net}; returns the (mean) minibatch loss of the last update, NaN or infinite when
     * training diverged.
     */
    double fit(MultiLayerNetwork net, Batches batches, int n);

    /** The run is over, however it ended: frees what was kept for it. */
    default void finish() {}
  }

  /** {@link Steps#local()}. */
  private static final class Local implements Steps {
    private MultiLayerNetwork net;
    private DenseStep dense;

    @Override
    public int maxBatches() {
      return 1;
    }

    @Override
    public double fit(MultiLayerNetwork net, Batches batches, int n) {
      if (this.net != net) {
        finish();
        this.net = net;
        this.dense = DenseStep.ifSupported(net, batches.size()).orElse(null);
      }
      double score = Double.NaN;
      for (int i = 0; i < n; i++) {
        if (dense != null) {
          score = dense.fit(batches.next(dense.features(), dense.labels()));
        } else {
          DataSet batch = batches.next();
          net.fit(batch.getFeatures(), batch.getLabels());
          score = net.score();
        }
      }
      return score;
    }

    @Override
    public void finish() {
      if (dense != null) {
        dense.close();
        dense = null;
      }
    }
  }

  /** Runs {@code run} to the end and reports; never throws for a failure of the run itself. */
  public static RunResult run(RunConfig run) {
    return run(run, 0);
  }

  /**
   * Runs {@code run} and reports; a run still training {@code timeoutMs} after it started (data
   * loading included; 0: no limit) stops after its current step, is evaluated there and comes back
   * as {@link RunResult#TIMEOUT}. The check is made between steps, so one step is never cut short.
   */
  public static RunResult run(RunConfig run, long timeoutMs) {
    return run(run, timeoutMs, Steps.local());
  }

  /**
   * Runs {@code run} as {@link #run(RunConfig, long)} does, its optimizer steps taken by {@code
   * steps}; a step is then one minibatch consumed, wherever it was fitted.
   */
  public static RunResult run(RunConfig run, long timeoutMs, Steps steps) {
    long start = System.nanoTime();
    long deadline = timeoutMs > 0 ? start + timeoutMs * 1_000_000 : Long.MAX_VALUE;
    try {
      return train(run, DatasetCache.get(DatasetSpec.of(run)), start, deadline, timeoutMs, steps);
    } catch (Exception | OutOfMemoryError e) {
      return RunResult.failed(e, (System.nanoTime() - start) / 1_000_000);
    }
  }

  static RunResult train(RunConfig run, Dataset data, long startNanos) {
    return train(run, data, startNanos, Long.MAX_VALUE, 0, Steps.local());
  }

  /**
   * Frees the run's parameters, gradients, and optimizer state now. ND4J would free their native
   * memory only once the garbage collector reclaims their Java handles, and a long-lived run's
   * handles reach the old generation, which G1 collects only when the heap (not native memory)
   * fills, so native memory would grow run after run (measured in docs/benchmarks.md). The rest of
   * what a run leaves (per-op buffers) goes with G1's early concurrent cycles ({@code
   * -XX:InitiatingHeapOccupancyPercent=5} in {@code conf/jvm.options} and the cluster confs). Not
   * {@code MultiLayerNetwork.close()}: that also destroys the thread's workspaces, which the next
   * run on this thread reuses, and calls {@code System.gc()} on every run.
   */
  private static void release(MultiLayerNetwork net) {
    try {
      close(net.params());
      close(net.getFlattenedGradients());
      Updater updater = net.getUpdater(false);
      if (updater != null) {
        close(updater.getStateViewArray());
      }
    } catch (RuntimeException e) {
      // Freeing early is an optimisation; the garbage collector frees what is left.
    }
  }

  private static void close(INDArray array) {
    if (array != null && array.closeable()) {
      array.close();
    }
  }

  private static RunResult train(
      RunConfig run,
      Dataset data,
      long startNanos,
      long deadlineNanos,
      long timeoutMs,
      Steps steps) {
    MultiLayerNetwork net = Networks.build(run);
    WeightChange change = new WeightChange(net);
    try (Evaluator eval = new Evaluator(data, net)) {
      Batches batches = new Batches(data, run.batchSize(), new SplittableRandom(run.seed()));
      long total = run.totalSteps();
      long[] evalAt = EvalSchedule.logSpaced(total, run.evalPoints());
      List<CurvePoint> curve = new ArrayList<>();
      int next = 0;
      long step = 0;
      String status = RunResult.OK;
      String reason = "";
      while (true) {
        if (next < evalAt.length && evalAt[next] == step) {
          next++;
          int samples = step == total ? Integer.MAX_VALUE : CURVE_SAMPLES;
          CurvePoint point = eval.evaluate(step, batches.epochs(step), samples);
          curve.add(point);
          if (!Double.isFinite(point.trainLoss())) {
            status = RunResult.DIVERGED;
            reason = "non-finite training loss at step " + step;
            break;
          }
        }
        if (step == total) {
          break;
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new IllegalStateException("interrupted at step " + step + " of " + total);
        }
        if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0) {
          if (curve.isEmpty() || curve.get(curve.size() - 1).step() != step) {
            curve.add(eval.evaluate(step, batches.epochs(step), CURVE_SAMPLES));
          }
          status = RunResult.TIMEOUT;
          reason =
              "stopped at step "
                  + step
                  + " of "
                  + total
                  + " after "
                  + (System.nanoTime() - startNanos) / 1_000_000
                  + " ms: limits.run_timeout is "
                  + timeoutMs
                  + " ms";
          break;
        }
        long until = next < evalAt.length ? evalAt[next] : total;
        int n = (int) Math.min(until - step, steps.maxBatches());
        double score = steps.fit(net, batches, n);
        step += n;
        if (!Double.isFinite(score)) {
          curve.add(eval.evaluate(step, batches.epochs(step), CURVE_SAMPLES));
          status = RunResult.DIVERGED;
          reason = "non-finite minibatch loss at step " + step;
          break;
        }
      }
      CurvePoint last = curve.get(curve.size() - 1);
      WeightChange.Moved moved = change.measure(net);
      List<Double> featureChange = eval.featureChange();
      long wallMs = (System.nanoTime() - startNanos) / 1_000_000;
      return new RunResult(
          status,
          reason,
          net.numParams(),
          last.trainLoss(),
          last.trainError(),
          last.testLoss(),
          last.testError(),
          step,
          batches.epochs(step),
          wallMs,
          moved.total(),
          moved.perLayer(),
          moved.spectral(),
          featureChange,
          interpolationStep(curve),
          data.noisyLabels(),
          curve);
    } finally {
      steps.finish();
      release(net);
    }
  }

  private static long interpolationStep(List<CurvePoint> curve) {
    for (CurvePoint p : curve) {
      if (p.trainError() == 0) {
        return p.step();
      }
    }
    return -1;
  }
}
