package dev.sweeplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class DoubleDescentTest {
  static final double[] WIDTHS = {2, 4, 8, 16, 32, 64, 128, 256, 512};

  /** Seeds of test error around {@code curve}, train error from {@code train}. */
  static List<DoubleDescent.Point> curve(
      DoubleUnaryOperator test, DoubleUnaryOperator train, double noise, int seeds, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<DoubleDescent.Point> points = new ArrayList<>();
    for (double w : WIDTHS) {
      List<Double> errors = new ArrayList<>();
      for (int s = 0; s < seeds; s++) {
        errors.add(test.applyAsDouble(w) + noise * PowerLawTest.gaussian(rng));
      }
      points.add(new DoubleDescent.Point(w, errors, train.applyAsDouble(w)));
    }
    return points;
  }

  /** Train error falls to 0 at width 32. */
  static double train(double w) {
    return w >= 32 ? 0 : 0.4 * (1 - Math.log(w) / Math.log(32));
  }

  /** A double-descent bump of height 0.15 centred at width 32 on a falling baseline. */
  static double doubleDescent(double w) {
    double u = Math.log(w / 32) / Math.log(2);
    return 0.2 + 0.3 / Math.sqrt(w) + 0.15 * Math.exp(-u * u / 1.5);
  }

  @Test
  void findsAClearPeakAtTheInterpolationThreshold() {
    DoubleDescent.Result r =
        DoubleDescent.detect(
            curve(DoubleDescentTest::doubleDescent, DoubleDescentTest::train, 0.005, 3, 1));
    assertTrue(r.detected(), r.toString());
    assertEquals(32, r.peakX());
    assertEquals(32, r.thresholdX());
    assertTrue(r.prominence() > 0.08, "prominence " + r.prominence());
    assertTrue(r.minAfter() < r.peakValue() && r.minBefore() < r.peakValue());
    assertEquals(9, r.x().size());
  }

  @Test
  void monotoneCurveHasNoPeak() {
    DoubleDescent.Result r =
        DoubleDescent.detect(
            curve(w -> 0.1 + 0.5 / Math.sqrt(w), DoubleDescentTest::train, 0, 3, 2));
    assertFalse(r.detected(), r.toString());
    assertTrue(Double.isNaN(r.peakX()));
    assertEquals(32, r.thresholdX());
  }

  @Test
  void wigglesWithinNoiseAreNoPeak() {
    int falsePeaks = 0;
    for (long s = 0; s < 20; s++) {
      DoubleDescent.Result r =
          DoubleDescent.detect(curve(w -> 0.2, DoubleDescentTest::train, 0.02, 3, 10 + s));
      if (r.detected()) {
        falsePeaks++;
      }
    }
    assertTrue(falsePeaks <= 2, "flat noisy curves reported a peak " + falsePeaks + "/20 times");
  }

  @Test
  void aRealPeakUnderNoiseIsFound() {
    int found = 0;
    for (long s = 0; s < 10; s++) {
      DoubleDescent.Result r =
          DoubleDescent.detect(
              curve(DoubleDescentTest::doubleDescent, DoubleDescentTest::train, 0.02, 5, 40 + s));
      if (r.detected() && r.peakX() >= 16 && r.peakX() <= 64) {
        found++;
      }
    }
    assertTrue(found >= 9, "found the peak near 32 in " + found + "/10 noisy curves");
  }

  @Test
  void singleSeedUsesTheCurvesRoughness() {
    DoubleDescent.Result peak =
        DoubleDescent.detect(
            curve(DoubleDescentTest::doubleDescent, DoubleDescentTest::train, 0, 1, 3));
    assertTrue(peak.detected(), peak.toString());
    assertTrue(Double.isNaN(peak.std().get(0)), "no spread with one seed");
    DoubleDescent.Result flat =
        DoubleDescent.detect(curve(w -> 0.3 - 0.01 * Math.log(w), w -> 1.0, 0, 1, 3));
    assertFalse(flat.detected());
    assertTrue(Double.isNaN(flat.thresholdX()), "train error never reaches the tolerance");
  }

  @Test
  void aPointWithOneSeedAmongSeveralIsNeitherPeakNorFlank() {
    List<DoubleDescent.Point> points =
        new ArrayList<>(
            curve(DoubleDescentTest::doubleDescent, DoubleDescentTest::train, 0.005, 3, 4));
    DoubleDescent.Point first = points.get(0);
    points.set(0, new DoubleDescent.Point(first.x(), first.testErrors().subList(0, 1), 0.4));
    DoubleDescent.Result r = DoubleDescent.detect(points);
    assertTrue(r.detected(), r.toString());
    assertEquals(32, r.peakX());
    assertTrue(Double.isNaN(r.std().get(0)));
    assertEquals(1, r.seeds().get(0));
    assertEquals(9, r.x().size(), "the one-seed point stays on the curve");
    assertTrue(r.noise() > 0.001 && r.noise() < 0.02, "from the peak's and flank's seeds: " + r);

    // A one-seed point towering over its neighbours cannot be the peak: it has no standard error.
    List<DoubleDescent.Point> spike = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      double m = 0.3 - 0.01 * i;
      List<Double> seeds = i == 3 ? List.of(0.9) : List.of(m - 0.002, m, m + 0.002);
      spike.add(new DoubleDescent.Point(i, seeds, 0.1));
    }
    DoubleDescent.Result s = DoubleDescent.detect(spike);
    assertFalse(s.detected(), s.toString());
    assertEquals(0.9, s.mean().get(3), 1e-12);
  }

  @Test
  void theSampleWiseThresholdIsTheLargestInterpolatedTrainingSetSize() {
    // A fixed model fits 64, 128 and 256 samples (train error <= 0.01) and not 512 or 1024.
    double[] n = {64, 128, 256, 512, 1024};
    double[] trainError = {0, 0.002, 0.008, 0.06, 0.15};
    List<DoubleDescent.Point> points = new ArrayList<>();
    for (int i = 0; i < n.length; i++) {
      points.add(new DoubleDescent.Point(n[i], List.of(0.3, 0.32, 0.31), trainError[i]));
    }
    assertEquals(
        DoubleDescent.Threshold.LARGEST_INTERPOLATED,
        DoubleDescent.Threshold.forAxis("train_size"));
    // The model-size rule would put the threshold at the smallest n, 64.
    assertEquals(
        64,
        DoubleDescent.detect(points, DoubleDescent.Threshold.SMALLEST_INTERPOLATED).thresholdX());
    // Effective model complexity: the largest n still interpolated, 256.
    assertEquals(
        256,
        DoubleDescent.detect(points, DoubleDescent.Threshold.forAxis("train_size")).thresholdX());
    for (String axis : List.of("width", "params", "step")) {
      assertEquals(
          64, DoubleDescent.detect(points, DoubleDescent.Threshold.forAxis(axis)).thresholdX());
    }
    List<DoubleDescent.Point> never =
        List.of(
            new DoubleDescent.Point(64, List.of(0.3), 0.2),
            new DoubleDescent.Point(128, List.of(0.3), 0.3));
    assertTrue(
        Double.isNaN(
            DoubleDescent.detect(never, DoubleDescent.Threshold.LARGEST_INTERPOLATED)
                .thresholdX()));
  }

  @Test
  void underTheSquaredLossTheThresholdIsWhereTheTrainingLossFits() {
    // Under the squared loss the argmax is right (train error 0) from width 96, while the outputs
    // fit the targets (loss at most 1 % of its value at step 0) only from 256: Belkin et al.'s
    // threshold is the second.
    double[] width = {32, 64, 96, 128, 256, 512};
    double[] trainError = {0.2, 0.05, 0, 0, 0, 0};
    double[] trainLoss = {0.4, 0.2, 0.05, 0.02, 0.004, 1e-5};
    List<DoubleDescent.Point> points = new ArrayList<>();
    for (int i = 0; i < width.length; i++) {
      points.add(
          new DoubleDescent.Point(width[i], List.of(0.3, 0.32, 0.31), trainError[i], trainLoss[i]));
    }
    DoubleDescent.Threshold rule = DoubleDescent.Threshold.forAxis("width");
    DoubleDescent.Result byLoss =
        DoubleDescent.detect(points, rule, DoubleDescent.Measure.forLoss("mse"));
    assertEquals(256, byLoss.thresholdX());
    assertEquals(DoubleDescent.Measure.TRAIN_LOSS, byLoss.interpolatedBy());
    assertEquals("train_loss", byLoss.interpolatedBy().column());
    assertEquals(List.of(0.4, 0.2, 0.05, 0.02, 0.004, 1e-5), byLoss.trainLoss());
    DoubleDescent.Result byError =
        DoubleDescent.detect(points, rule, DoubleDescent.Measure.forLoss("cross_entropy"));
    assertEquals(96, byError.thresholdX());
    assertEquals("train_error", byError.interpolatedBy().column());
    assertEquals(96, DoubleDescent.detect(points, rule).thresholdX(), "the error by default");
    // Effective model complexity by the loss along train_size: the largest n still fitted.
    assertEquals(
        512,
        DoubleDescent.detect(
                points,
                DoubleDescent.Threshold.forAxis("train_size"),
                DoubleDescent.Measure.TRAIN_LOSS)
            .thresholdX());
    // A point whose relative loss was not measured (NaN) is never interpolated by the loss.
    List<DoubleDescent.Point> unmeasured =
        List.of(
            new DoubleDescent.Point(64, List.of(0.3), 0, Double.NaN),
            new DoubleDescent.Point(128, List.of(0.3), 0));
    assertTrue(
        Double.isNaN(
            DoubleDescent.detect(unmeasured, rule, DoubleDescent.Measure.TRAIN_LOSS).thresholdX()));
  }

  @Test
  void thePeakIsTestedAgainstItsOwnAndItsFlanksSeeds() {
    // Mean curve 0.30, 0.20, 0.26, 0.25, 0.18 (3 seeds each). The bump at x = 2 is 0.06 above its
    // left flank (x = 1). With a spread of ±0.002 there and at x = 1 it is a peak, although the
    // spread elsewhere (±0.08) would have swamped a pooled noise estimate.
    double[] means = {0.30, 0.20, 0.26, 0.25, 0.18};
    double[] spread = {0.08, 0.002, 0.002, 0.08, 0.002};
    List<DoubleDescent.Point> points = new ArrayList<>();
    for (int i = 0; i < means.length; i++) {
      double m = means[i];
      double d = spread[i];
      points.add(new DoubleDescent.Point(i, List.of(m - d, m, m + d), 0.1));
    }
    DoubleDescent.Result r = DoubleDescent.detect(points);
    assertTrue(r.detected(), r.toString());
    assertEquals(2, r.peakX());
    assertEquals(0.06, r.prominence(), 1e-12);
    assertEquals(Math.sqrt(2 * 0.002 * 0.002 / 3), r.noise(), 1e-12);
    // Three interior points: the z threshold is the Bonferroni 1 - 0.05/3 normal quantile.
    assertEquals(2.128, r.zThreshold(), 1e-3);
    assertTrue(r.z() > r.zThreshold(), r.toString());
    // The same means with a wide spread at the peak: not a peak.
    spread[2] = 0.08;
    List<DoubleDescent.Point> noisy = new ArrayList<>();
    for (int i = 0; i < means.length; i++) {
      double m = means[i];
      double d = spread[i];
      noisy.add(new DoubleDescent.Point(i, List.of(m - d, m, m + d), 0.1));
    }
    DoubleDescent.Result q = DoubleDescent.detect(noisy);
    assertFalse(q.detected(), q.toString());
    assertTrue(q.z() < q.zThreshold(), q.toString());
  }

  @Test
  void aBumpWithinSeedNoiseIsReportedButNotCalledAPeak() {
    // Mean curve 0.40, 0.35, 0.36, 0.30 with seeds spread by ±0.05: the bump at x = 4 is 0.01 above
    // its left flank against that difference's standard error √(2 · 0.05²/3) ≈ 0.04.
    List<DoubleDescent.Point> points = new ArrayList<>();
    double[] means = {0.40, 0.35, 0.36, 0.30};
    for (int i = 0; i < means.length; i++) {
      double m = means[i];
      points.add(new DoubleDescent.Point(1 << i, List.of(m - 0.05, m, m + 0.05), 0.1));
    }
    DoubleDescent.Result r = DoubleDescent.detect(points);
    assertFalse(r.detected(), r.toString());
    assertTrue(Double.isNaN(r.peakX()));
    assertEquals(0.01, r.prominence(), 1e-12);
    assertEquals(Math.sqrt(2) * 0.05 / Math.sqrt(3), r.noise(), 1e-12);
  }

  @Test
  void badCurvesAreRejectedWithTheValue() {
    assertThrows(IllegalArgumentException.class, () -> DoubleDescent.detect(List.of()));
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DoubleDescent.detect(
                    List.of(
                        new DoubleDescent.Point(8, List.of(0.3), 0.1),
                        new DoubleDescent.Point(8, List.of(0.2), 0.1))));
    assertTrue(twice.getMessage().contains("x = 8.0"), twice.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> new DoubleDescent.Point(4, List.of(Double.NaN), 0));
  }
}
