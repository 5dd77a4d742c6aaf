package dev.sweeplab.train;

import dev.sweeplab.data.Dataset;
import dev.sweeplab.data.DatasetCache;
import dev.sweeplab.data.DatasetSpec;
import dev.sweeplab.model.Mlp;
import dev.sweeplab.spec.RunConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains one run: data from the per-JVM cache, a fresh network, minibatch steps in an order drawn
 * from the run's seed, evaluations at log-spaced steps, each on the whole training, validation and
 * test splits. A pure function of the {@link RunConfig}. Every outcome, failures included, comes
 * back as a {@link RunResult}.
 */
public final class Trainer {
  private Trainer() {}

  /**
   * How a run's optimizer steps are taken: one minibatch at a time in the calling thread ({@link
   * #local()}), or many minibatches at once by something else (data-parallel training across Spark
   * executors). The trainer hands over the run's minibatches in their training order and never more
   * than up to its next evaluation. One instance trains one run.
   */
  public interface Steps {
    /** One step per minibatch, in this thread, by the run's {@link Mlp}. */
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
    double fit(Mlp net, Batches batches, int n);

    /** The run is over, however it ended: frees what was kept for it. */
    default void finish() {}
  }

  /** {@link Steps#local()}. */
  private static final class Local implements Steps {
    @Override
    public int maxBatches() {
      return 1;
    }

    @Override
    public double fit(Mlp net, Batches batches, int n) {
      double score = Double.NaN;
      for (int i = 0; i < n; i++) {
        score = net.fit(batches.next(net.features(), net.labels()));
      }
      return score;
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
      return train(
          run, DatasetCache.get(DatasetSpec.of(run)), start, deadline, timeoutMs, steps, null);
    } catch (Exception | OutOfMemoryError e) {
      return RunResult.failed(e, (System.nanoTime() - start) / 1_000_000, run.params());
    }
  }

  static RunResult train(RunConfig run, Dataset data, long startNanos) {
    return train(run, data, startNanos, Long.MAX_VALUE, 0, Steps.local(), null);
  }

  /** {@link #run(RunConfig)} through the named {@link Mlp} implementation (to compare them). */
  static RunResult run(RunConfig run, String implementation) {
    long start = System.nanoTime();
    try {
      return train(
          run,
          DatasetCache.get(DatasetSpec.of(run)),
          start,
          Long.MAX_VALUE,
          0,
          Steps.local(),
          implementation);
    } catch (Exception | OutOfMemoryError e) {
      return RunResult.failed(e, (System.nanoTime() - start) / 1_000_000, run.params());
    }
  }

  private static RunResult train(
      RunConfig run,
      Dataset data,
      long startNanos,
      long deadlineNanos,
      long timeoutMs,
      Steps steps,
      String implementation) {
    Batches batches = new Batches(data, run.batchSize(), new SplittableRandom(run.seed()));
    int forwardRows = Evaluator.forwardRows(data);
    try (Mlp net =
            implementation == null
                ? Mlp.of(run, batches.size(), forwardRows)
                : Mlp.of(run, batches.size(), forwardRows, implementation);
        Evaluator eval = new Evaluator(data, net)) {
      WeightChange change = new WeightChange(net);
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
          CurvePoint point = eval.evaluate(step, batches.epochs(step));
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
            curve.add(eval.evaluate(step, batches.epochs(step)));
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
          curve.add(eval.evaluate(step, batches.epochs(step)));
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
          net.implementation(),
          curve,
          data.train().size(),
          data.test().size());
    } finally {
      steps.finish();
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
