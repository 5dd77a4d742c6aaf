package dev.sweeplab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

  static RunConfig run(Map<Key, List<?>> overrides) {
    Map<Key, List<?>> values = new LinkedHashMap<>();
    values.put(SpecKeys.INPUT_DIM, List.of(8));
    values.put(SpecKeys.CLASSES, List.of(3));
    values.put(SpecKeys.TEACHER_WIDTH, List.of(16));
    values.put(SpecKeys.TRAIN_SIZE, List.of(512));
    values.put(SpecKeys.TEST_SIZE, List.of(512));
    values.put(SpecKeys.WIDTH, List.of(64));
    values.put(SpecKeys.DEPTH, List.of(1));
    values.put(SpecKeys.LEARNING_RATE, List.of(0.01));
    values.put(SpecKeys.BATCH_SIZE, List.of(64));
    values.put(SpecKeys.EPOCHS, List.of(30));
    values.putAll(overrides);
    if (overrides.containsKey(SpecKeys.STEPS)) {
      values.remove(SpecKeys.EPOCHS);
    }
    return SweepSpec.of("trainer-test", 7, 1, 10, values).expand().get(0);
  }

  @Test
  void aRunThatFailsRecordsTheParametersOfItsConfiguration(@TempDir Path tmp) {
    // Its data files are missing: the run fails before a network exists, and its row still says
    // where it lies along params (784 -> 32 -> 10), as an analysis along params counts it there.
    Map<Key, List<?>> values = new LinkedHashMap<>();
    values.put(SpecKeys.DATASET, List.of("fashion_mnist"));
    values.put(SpecKeys.DATA_PATH, List.of(tmp.resolve("missing").toString()));
    values.put(SpecKeys.TRAIN_SIZE, List.of(256));
    values.put(SpecKeys.TEST_SIZE, List.of(256));
    values.put(SpecKeys.WIDTH, List.of(32));
    values.put(SpecKeys.DEPTH, List.of(1));
    values.put(SpecKeys.STEPS, List.of(10));
    RunConfig config = SweepSpec.of("failing", 7, 1, 10, values).expand().get(0);
    RunResult result = Trainer.run(config);
    assertEquals(RunResult.FAILED, result.status(), result.reason());
    assertEquals(784L * 32 + 32 + 32L * 10 + 10, result.params());
    assertEquals(config.params(), result.params());
  }

  @Test
  void learnsTheTeacherFarBelowChance() {
    RunResult result = Trainer.run(run(Map.of()));
    assertEquals(RunResult.OK, result.status(), result.reason());
    double chance = 1 - 1.0 / 3;
    CurvePoint first = result.curve().get(0);
    assertEquals(0, first.step());
    assertTrue(first.testError() > 0.3, "an untrained net errs near chance: " + first);
    assertTrue(result.testError() < chance / 3, "test error " + result.testError());
    assertTrue(result.trainLoss() < first.trainLoss() / 2, "train loss fell: " + result);
    assertEquals(30 * 8, result.steps());
    assertEquals(30.0, result.epochs(), 1e-9);
    assertTrue(result.weightChange() > 0, "weights moved");
  }

  /**
   * A run trained through either {@link dev.sweeplab.model.Mlp} implementation (BLAS steps, or
   * DL4J's {@code fit}) gives the same curve, point by point, to float rounding: same minibatches,
   * same arithmetic; and each run records which implementation trained it.
   */
  @Test
  void bothImplementationsTrainARunAlike() {
    RunConfig config = run(Map.of(SpecKeys.EPOCHS, List.of(5), SpecKeys.BATCH_SIZE, List.of(100)));
    RunResult local = Trainer.run(config);
    RunResult byFit = Trainer.run(config, dev.sweeplab.model.Mlp.DL4J);
    assertEquals(dev.sweeplab.model.Mlp.BLAS, local.implementation());
    assertEquals(dev.sweeplab.model.Mlp.DL4J, byFit.implementation());
    assertEquals(RunResult.OK, byFit.status(), byFit.reason());
    assertEquals(byFit.steps(), local.steps());
    assertEquals(byFit.curve().size(), local.curve().size());
    for (int i = 0; i < local.curve().size(); i++) {
      CurvePoint a = byFit.curve().get(i);
      CurvePoint b = local.curve().get(i);
      assertEquals(a.step(), b.step());
      assertEquals(a.trainLoss(), b.trainLoss(), 1e-4 * a.trainLoss(), "train loss at " + a);
      assertEquals(a.testLoss(), b.testLoss(), 1e-4 * a.testLoss(), "test loss at " + a);
    }
    assertTrue(local.trainLoss() < local.curve().get(0).trainLoss() / 2, "it trained: " + local);
    assertEquals(byFit.weightChange(), local.weightChange(), 1e-4 * byFit.weightChange());
  }

  @Test
  void sameConfigSameNumbers() {
    RunConfig config = run(Map.of(SpecKeys.EPOCHS, List.of(3)));
    RunResult a = Trainer.run(config);
    RunResult b = Trainer.run(config);
    assertEquals(a.curve(), b.curve());
    assertEquals(a.testLoss(), b.testLoss());
  }

  /**
   * What is measured about a run does not change how it trains: with another test set size and
   * other evaluation points the network ends the same, to the bit (its training loss on the whole
   * training set and its weight change equal), though the run's identity differs.
   */
  @Test
  void evaluationKeysDoNotChangeTheTraining() {
    RunConfig a = run(Map.of(SpecKeys.EPOCHS, List.of(3)));
    RunConfig b =
        run(
            Map.of(
                SpecKeys.EPOCHS,
                List.of(3),
                SpecKeys.TEST_SIZE,
                List.of(100),
                SpecKeys.EVAL_POINTS,
                List.of(3)));
    assertTrue(!a.runId().equals(b.runId()), "different runs");
    RunResult ra = Trainer.run(a);
    RunResult rb = Trainer.run(b);
    assertEquals(RunResult.OK, ra.status());
    assertTrue(ra.curve().size() > rb.curve().size(), "a measures more points");
    assertEquals(ra.trainLoss(), rb.trainLoss());
    assertEquals(ra.trainError(), rb.trainError());
    assertEquals(ra.weightChange(), rb.weightChange());
    assertEquals(ra.layerWeightChange(), rb.layerWeightChange());
    assertEquals(ra.layerSpectralChange(), rb.layerSpectralChange());
  }

  @Test
  void aRunPastItsTimeLimitStopsAndSaysWhere() {
    // 10^6 steps of a width-256 net take minutes; the 1.5 s limit stops it after a few hundred.
    RunConfig config =
        run(Map.of(SpecKeys.WIDTH, List.of(256), SpecKeys.STEPS, List.of(1_000_000)));
    long start = System.nanoTime();
    RunResult result = Trainer.run(config, 1500);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(RunResult.TIMEOUT, result.status(), result.reason());
    assertTrue(result.steps() > 0 && result.steps() < 1_000_000, "steps " + result.steps());
    assertTrue(
        result.reason().contains("stopped at step " + result.steps() + " of 1000000"),
        result.reason());
    assertTrue(result.reason().contains("limits.run_timeout is 1500 ms"), result.reason());
    assertTrue(ms < 60_000, "stopped soon after the limit, not at the end: " + ms + " ms");
    CurvePoint last = result.curve().get(result.curve().size() - 1);
    assertEquals(result.steps(), last.step(), "evaluated where it stopped");
    assertTrue(Double.isFinite(result.testLoss()), "numbers at the stopping step: " + result);
    assertEquals(
        RunResult.OK, Trainer.run(run(Map.of(SpecKeys.STEPS, List.of(5))), 60_000).status());
  }

  @Test
  void paramsMatchTheCostModel() {
    RunConfig config = run(Map.of(SpecKeys.DEPTH, List.of(3), SpecKeys.STEPS, List.of(1)));
    RunResult result = Trainer.run(config);
    assertEquals(config.params(), result.params());
  }

  @Test
  void hugeLearningRateDivergesWithTheStep() {
    RunConfig config =
        run(
            Map.of(
                SpecKeys.OPTIMIZER, List.of("sgd"),
                SpecKeys.LEARNING_RATE, List.of(1e12),
                SpecKeys.TASK, List.of("regression"),
                SpecKeys.ACTIVATION, List.of("linear")));
    RunResult result = Trainer.run(config);
    assertEquals(RunResult.DIVERGED, result.status(), result.reason());
    assertTrue(result.reason().contains("at step"), result.reason());
    assertTrue(result.steps() < config.totalSteps());
  }

  @Test
  void regressionReportsMseAndNoError() {
    RunResult result = Trainer.run(run(Map.of(SpecKeys.TASK, List.of("regression"))));
    assertEquals(RunResult.OK, result.status(), result.reason());
    assertTrue(Double.isNaN(result.testError()));
    assertTrue(result.testLoss() < result.curve().get(0).testLoss());
  }

  @Test
  void evalScheduleIsLogSpacedAndEndsAtTheLastStep() {
    assertArrayEquals(new long[] {0, 1, 2, 3}, EvalSchedule.logSpaced(3, 20));
    long[] steps = EvalSchedule.logSpaced(10_000, 6);
    assertEquals(6, steps.length);
    assertArrayEquals(new long[] {0, 1, 10, 100, 1000, 10_000}, steps);
  }

  /** Mean |logit| after a few Adam steps, at each width (the coordinate check of microsoft/mup). */
  static double[] logitScaleAfterSteps(String parameterization, int[] widths) {
    double[] scale = new double[widths.length];
    for (int i = 0; i < widths.length; i++) {
      RunConfig config =
          run(
              Map.of(
                  SpecKeys.WIDTH, List.of(widths[i]),
                  SpecKeys.DEPTH, List.of(2),
                  SpecKeys.PARAMETERIZATION, List.of(parameterization),
                  SpecKeys.BASE_WIDTH, List.of(64),
                  SpecKeys.LEARNING_RATE, List.of(0.01),
                  SpecKeys.STEPS, List.of(4),
                  SpecKeys.EVAL_POINTS, List.of(2)));
      RunResult result = Trainer.run(config);
      assertEquals(RunResult.OK, result.status(), result.reason());
      List<Double> acts = result.curve().get(result.curve().size() - 1).activations();
      assertEquals(3, acts.size(), "two hidden layers and the logits");
      scale[i] = acts.get(2);
    }
    return scale;
  }

  @Test
  void coordinateCheckLogitsGrowWithWidthUnderStandardButNotUnderMup() {
    int[] widths = {64, 256, 1024};
    double[] standard = logitScaleAfterSteps("standard", widths);
    double[] mup = logitScaleAfterSteps("mup", widths);
    double standardGrowth = standard[2] / standard[0];
    double mupGrowth = mup[2] / mup[0];
    assertTrue(
        standardGrowth > 3,
        "standard: logits grow with width " + java.util.Arrays.toString(standard));
    assertTrue(
        mupGrowth < 1.5 && mupGrowth > 1 / 1.5,
        "muP: logits flat in width " + java.util.Arrays.toString(mup));
  }

  /**
   * The hidden layer's spectral weight change and feature change after SGD, at widths 32 and 512 (r
   * = 16), and the whole run's record of them (Tensor Programs IV): under NTK both fall as
   * width^−1/2 (lazy: 16^−1/2 = 1/4), under muP they stay Θ(1) (rich).
   */
  static double[] hiddenChange(String parameterization, int width) {
    RunConfig config =
        run(
            Map.of(
                SpecKeys.WIDTH, List.of(width),
                SpecKeys.DEPTH, List.of(2),
                SpecKeys.PARAMETERIZATION, List.of(parameterization),
                SpecKeys.BASE_WIDTH, List.of(32),
                SpecKeys.OPTIMIZER, List.of("sgd"),
                SpecKeys.LEARNING_RATE, List.of(0.1),
                SpecKeys.STEPS, List.of(100),
                SpecKeys.EVAL_POINTS, List.of(3)));
    RunResult result = Trainer.run(config);
    assertEquals(RunResult.OK, result.status(), result.reason());
    assertEquals(3, result.layerSpectralChange().size(), "three weight matrices");
    assertEquals(2, result.featureChange().size(), "two hidden layers");
    List<CurvePoint> curve = result.curve();
    assertEquals(List.of(0.0, 0.0, 0.0), curve.get(0).activationChanges(), "none at step 0");
    curve.get(curve.size() - 1).activationChanges().forEach(c -> assertTrue(c > 0, "moved"));
    // The 512 × 512 (or 32 × 32) matrix between the hidden layers, and the second layer's output.
    return new double[] {result.layerSpectralChange().get(1), result.featureChange().get(1)};
  }

  @Test
  void spectralAndFeatureChangeShrinkWithWidthUnderNtkButNotUnderMup() {
    double[] ntk32 = hiddenChange("ntk", 32);
    double[] ntk512 = hiddenChange("ntk", 512);
    double[] mup32 = hiddenChange("mup", 32);
    double[] mup512 = hiddenChange("mup", 512);
    String all =
        java.util.Arrays.deepToString(new double[][] {ntk32, ntk512, mup32, mup512})
            + " (ntk 32, 512; mup 32, 512; spectral, feature)";
    for (int q = 0; q < 2; q++) {
      double ntk = ntk512[q] / ntk32[q];
      double mup = mup512[q] / mup32[q];
      assertTrue(ntk > 0.1 && ntk < 0.45, "ntk: lazy, about 1/4 at r = 16: " + all);
      assertTrue(mup > 0.6 && mup < 1.6, "muP: rich, flat in width: " + all);
    }
  }

  @Test
  void weightChangePerLayerAndInterpolationStep() {
    RunResult result = Trainer.run(run(Map.of(SpecKeys.TRAIN_SIZE, List.of(64))));
    assertEquals(RunResult.OK, result.status(), result.reason());
    assertEquals(2, result.layerWeightChange().size(), "hidden and output weight matrices");
    result.layerWeightChange().forEach(c -> assertTrue(c > 0 && Double.isFinite(c), "" + c));
    assertEquals(0.0, result.trainError(), "a 64-wide net fits 64 samples");
    assertTrue(result.interpolationStep() > 0, "interpolation step " + result.interpolationStep());
    for (CurvePoint p : result.curve()) {
      if (p.step() < result.interpolationStep()) {
        assertTrue(p.trainError() > 0, "first zero-error step is the one reported: " + p);
      }
    }
  }
}
