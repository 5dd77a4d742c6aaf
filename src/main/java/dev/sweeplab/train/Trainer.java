package dev.sweeplab.train;

import dev.sweeplab.data.Dataset;
import dev.sweeplab.data.DatasetCache;
import dev.sweeplab.data.DatasetSpec;
import dev.sweeplab.model.Networks;
import dev.sweeplab.spec.RunConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Trains one run: data from the per-JVM cache, a fresh network, minibatch steps in an order drawn
 * from the run's seed, evaluations at log-spaced steps. A pure function of the {@link RunConfig}.
 * Every outcome, failures included, comes back as a {@link RunResult}.
 */
public final class Trainer {
  /** Samples per split used for learning-curve points; the final evaluation uses all of them. */
  static final int CURVE_SAMPLES = 2048;

  private Trainer() {}

  /** Runs {@code run} to the end and reports; never throws for a failure of the run itself. */
  public static RunResult run(RunConfig run) {
    long start = System.nanoTime();
    try {
      return train(run, DatasetCache.get(DatasetSpec.of(run)), start);
    } catch (Exception | OutOfMemoryError e) {
      return RunResult.failed(e, (System.nanoTime() - start) / 1_000_000);
    }
  }

  static RunResult train(RunConfig run, Dataset data, long startNanos) {
    MultiLayerNetwork net = Networks.build(run);
    INDArray initial = net.params().dup();
    Batches batches = new Batches(data, run.batchSize(), new SplittableRandom(run.seed()));
    Evaluator curveEval = new Evaluator(data, CURVE_SAMPLES);
    long total = run.totalSteps();
    long[] evalAt = EvalSchedule.logSpaced(total, run.evalPoints());
    List<CurvePoint> curve = new ArrayList<>();
    int next = 0;
    long step = 0;
    while (true) {
      if (next < evalAt.length && evalAt[next] == step) {
        next++;
        Evaluator eval = step == total ? new Evaluator(data, Integer.MAX_VALUE) : curveEval;
        CurvePoint point = eval.evaluate(net, step, batches.epochs(step));
        curve.add(point);
        if (!Double.isFinite(point.trainLoss())) {
          return end(
              run,
              net,
              initial,
              RunResult.DIVERGED,
              "non-finite training loss at step " + step,
              step,
              batches,
              curve,
              startNanos);
        }
      }
      if (step == total) {
        return end(run, net, initial, RunResult.OK, "", step, batches, curve, startNanos);
      }
      Batches.Batch batch = batches.next();
      net.fit(batch.features(), batch.labels());
      step++;
      double score = net.score();
      if (!Double.isFinite(score)) {
        curve.add(curveEval.evaluate(net, step, batches.epochs(step)));
        return end(
            run,
            net,
            initial,
            RunResult.DIVERGED,
            "non-finite minibatch loss at step " + step,
            step,
            batches,
            curve,
            startNanos);
      }
    }
  }

  private static RunResult end(
      RunConfig run,
      MultiLayerNetwork net,
      INDArray initial,
      String status,
      String reason,
      long step,
      Batches batches,
      List<CurvePoint> curve,
      long startNanos) {
    CurvePoint last = curve.get(curve.size() - 1);
    double change =
        net.params().sub(initial).norm2Number().doubleValue() / initial.norm2Number().doubleValue();
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
        change,
        curve);
  }
}
