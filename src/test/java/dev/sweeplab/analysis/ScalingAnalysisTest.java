package dev.sweeplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.analysis.ScalingAnalysis.Form;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScalingAnalysisTest {
  @Test
  void bootstrapIntervalsCoverTheTrueParameters() {
    int covered = 0;
    int trials = 5;
    for (long t = 0; t < trials; t++) {
      // Eight seeds per point: with very few, percentile-bootstrap intervals are too narrow.
      ScalingAnalysis.Result r =
          ScalingAnalysis.analyse(PowerLawTest.law(0.5, 20, 0.6, 0.05, 8, 100 + t), false, 60, t);
      assertEquals(60, r.replicates(), "every replicate converged");
      ScalingAnalysis.Interval alpha = r.intervals().get(2);
      ScalingAnalysis.Interval floor = r.intervals().get(0);
      assertTrue(alpha.low() <= alpha.median() && alpha.median() <= alpha.high(), "" + alpha);
      if (alpha.low() <= 0.6 && 0.6 <= alpha.high() && floor.low() <= 0.5 && 0.5 <= floor.high()) {
        covered++;
      }
    }
    assertTrue(
        covered >= trials - 1, "95% intervals covered the truth in " + covered + "/" + trials);
  }

  /**
   * Learning curves y = 0.1 + 5·t^−α of three runs with α = 0.4, 0.5, 0.6, each run one value at
   * every step, labelled with its run when {@code labelled}.
   */
  private static List<SeedPoint> curves(boolean labelled) {
    double[] alphas = {0.4, 0.5, 0.6};
    List<SeedPoint> points = new ArrayList<>();
    for (int k = 0; k < 30; k++) {
      double t = 10 * Math.pow(1.3, k);
      List<Double> values = new ArrayList<>();
      List<String> runs = new ArrayList<>();
      for (int r = 0; r < alphas.length; r++) {
        values.add(0.1 + 5 * Math.pow(t, -alphas[r]));
        runs.add("run" + r);
      }
      points.add(new SeedPoint(t, Double.NaN, values, labelled ? runs : List.of()));
    }
    return points;
  }

  @Test
  void curvesOverStepsAreResampledAsWholeRuns() {
    // A run's curve is one unit: its steps are not independent seeds. A replicate then mixes whole
    // runs, whose exponent lies between the runs' own, and one that draws a single run three times
    // (1 in 27 for each) fits that run's law exactly: the 2.5th and 97.5th percentiles are the
    // runs' extreme exponents, 0.4 and 0.6. Redrawing the runs at every step independently mixes
    // them step by step, which no run's curve does, and reaches 0.38.
    ScalingAnalysis.Result whole = ScalingAnalysis.analyse(curves(true), Form.POWER_LAW, 200, 3);
    ScalingAnalysis.Interval alpha = whole.intervals().get(2);
    assertEquals(0.4, alpha.low(), 1e-3, "" + alpha);
    assertEquals(0.6, alpha.high(), 1e-3, "" + alpha);
    ScalingAnalysis.Result perStep = ScalingAnalysis.analyse(curves(false), Form.POWER_LAW, 200, 3);
    assertEquals(
        whole.fit(), perStep.fit(), "the estimate is the fit to the seed means either way");
  }

  @Test
  void oneCurveIsResampledAsPointsAndShortRunsDoNotStopTheBootstrap() {
    // One run: redrawing it gives the data back every time, so its steps are resampled as points.
    List<SeedPoint> one = new ArrayList<>();
    List<SeedPoint> unnamed = new ArrayList<>();
    for (SeedPoint p : curves(true)) {
      one.add(new SeedPoint(p.x(), p.x2(), p.values().subList(0, 1), p.units().subList(0, 1)));
      unnamed.add(new SeedPoint(p.x(), p.x2(), p.values().subList(0, 1)));
    }
    ScalingAnalysis.Result single = ScalingAnalysis.analyse(one, Form.POWER_LAW, 50, 3);
    assertEquals(ScalingAnalysis.analyse(unnamed, Form.POWER_LAW, 50, 3), single);
    // A second run that reaches only the first two steps: a replicate that draws it twice holds two
    // points, too few for the law, and is left out rather than failing the analysis.
    List<SeedPoint> uneven = new ArrayList<>();
    for (SeedPoint p : one) {
      boolean early = uneven.size() < 2;
      uneven.add(
          new SeedPoint(
              p.x(),
              p.x2(),
              early ? List.of(p.values().get(0), 1.1 * p.values().get(0)) : p.values(),
              early ? List.of("run0", "short") : p.units()));
    }
    ScalingAnalysis.Result r = ScalingAnalysis.analyse(uneven, Form.POWER_LAW, 200, 3);
    assertTrue(r.replicates() > 100 && r.replicates() < 200, "replicates " + r.replicates());
  }

  @Test
  void runsThatGiveOnePointEachAreResampledWithinThePoints() {
    // Runs on the params or train_size axis give one point each: the stratified bootstrap holds.
    List<SeedPoint> plain = PowerLawTest.law(0.5, 20, 0.6, 0.05, 4, 7);
    List<SeedPoint> named = new ArrayList<>();
    for (SeedPoint p : plain) {
      List<String> runs = new ArrayList<>();
      for (int s = 0; s < p.values().size(); s++) {
        runs.add(p.x() + "/" + s);
      }
      named.add(new SeedPoint(p.x(), p.x2(), p.values(), runs));
    }
    assertEquals(
        ScalingAnalysis.analyse(plain, Form.POWER_LAW, 30, 11),
        ScalingAnalysis.analyse(named, Form.POWER_LAW, 30, 11));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SeedPoint(1, Double.NaN, List.of(1.0, 2.0), List.of("a")));
  }

  @Test
  void theBootstrapIsDeterministicForASeed() {
    List<SeedPoint> points = PowerLawTest.law(0.5, 20, 0.6, 0.05, 4, 7);
    ScalingAnalysis.Result a = ScalingAnalysis.analyse(points, Form.POWER_LAW, 30, 11);
    ScalingAnalysis.Result b = ScalingAnalysis.analyse(points, Form.POWER_LAW, 30, 11);
    assertEquals(a, b);
    ScalingAnalysis.Result other = ScalingAnalysis.analyse(points, Form.POWER_LAW, 30, 12);
    assertTrue(!a.intervals().equals(other.intervals()), "another seed, other replicates");
  }

  @Test
  void exactLawExtrapolatesToTheHeldOutLargestPoints() {
    List<SeedPoint> points = PowerLawTest.law(0.3, 10, 0.7, 0.0, 3);
    ScalingAnalysis.Result r = ScalingAnalysis.analyse(points, false, 20, 9);
    assertEquals(2, r.heldOut(), "a quarter of 10 distinct x values");
    assertTrue(r.extrapolationError() < 1e-4, "error " + r.extrapolationError());
    ScalingAnalysis.Extrapolation three = ScalingAnalysis.extrapolate(points, Form.POWER_LAW, 3);
    assertEquals(List.of(2048.0, 4096.0, 8192.0), three.x());
    assertEquals(7, three.fit().points());
    assertTrue(three.maxRelativeError() < 1e-4, "" + three);
  }

  @Test
  void extrapolationExposesAMissingFloor() {
    List<SeedPoint> points = PowerLawTest.law(0.3, 10, 0.7, 0.0, 3);
    ScalingAnalysis.Extrapolation withoutFloor =
        ScalingAnalysis.extrapolate(points, Form.POWER_LAW_NO_FLOOR, 3);
    assertTrue(withoutFloor.meanRelativeError() > 0.05, "" + withoutFloor);
    assertThrows(
        IllegalArgumentException.class,
        () -> ScalingAnalysis.extrapolate(points, Form.POWER_LAW, 10));
  }

  @Test
  void theNoFloorFormHasAZeroFloorInterval() {
    ScalingAnalysis.Result r =
        ScalingAnalysis.analyse(
            PowerLawTest.law(0, 5, 0.5, 0.02, 4, 3), Form.POWER_LAW_NO_FLOOR, 30, 1);
    assertEquals(new ScalingAnalysis.Interval(0, 0, 0), r.intervals().get(0));
    ScalingAnalysis.Interval alpha = r.intervals().get(2);
    assertTrue(alpha.low() < 0.5 && 0.5 < alpha.high(), "" + alpha);
  }

  @Test
  void recoversAKnownJointLaw() {
    // L = 1.7 + 400/N^0.34 + 900/D^0.28 on a 5 x 6 grid, 1 % multiplicative noise, 3 seeds.
    SplittableRandom rng = new SplittableRandom(5);
    List<SeedPoint> points = new ArrayList<>();
    for (int i = 7; i <= 11; i++) {
      for (int j = 8; j <= 13; j++) {
        double n = Math.pow(10, i);
        double d = Math.pow(10, j);
        double l = 1.7 + 400 * Math.pow(n, -0.34) + 900 * Math.pow(d, -0.28);
        List<Double> seeds = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
          seeds.add(l * Math.exp(0.01 * PowerLawTest.gaussian(rng)));
        }
        points.add(new SeedPoint(n, d, seeds));
      }
    }
    ScalingAnalysis.Result r = ScalingAnalysis.analyse(points, true, 20, 2);
    LawFit fit = r.fit();
    assertEquals("joint", fit.form());
    assertEquals(1.7, fit.floor(), 0.1, "E");
    assertEquals(0.34, fit.alpha().get(0), 0.03, "alpha");
    assertEquals(0.28, fit.alpha().get(1), 0.03, "beta");
    assertEquals(5, r.intervals().size());
    assertEquals(20, r.replicates());
    assertTrue(r.extrapolationError() < 0.03, "error " + r.extrapolationError());
    // Compute-optimal allocation (Hoffmann et al. eq. 4): planted a = 0.28 / 0.62, b = 0.34 / 0.62.
    double[] ab = ScalingAnalysis.allocation(fit.alpha().get(0), fit.alpha().get(1));
    assertEquals(1, ab[0] + ab[1], 1e-12);
    assertEquals(0.28 / 0.62, ab[0], 0.04, "a");
    assertEquals(2, r.allocation().size());
    ScalingAnalysis.Interval a = r.allocation().get(0);
    ScalingAnalysis.Interval b = r.allocation().get(1);
    assertTrue(a.low() <= ab[0] && ab[0] <= a.high(), "a " + ab[0] + " in " + a);
    assertTrue(a.low() < a.high(), "a's interval has width: " + a);
    // a + b = 1 in every replicate, so b's interval mirrors a's.
    assertEquals(1, a.low() + b.high(), 1e-9);
    assertEquals(1, a.high() + b.low(), 1e-9);
    assertEquals(
        List.of(), ScalingAnalysis.analyse(points.subList(0, 8), false, 5, 2).allocation());
  }

  @Test
  void pointsThatFollowNoPowerLawStillGiveFiniteFitsAndIntervals() {
    // A rise, a dip and a rise: the best law has E = 0 and a negative exponent.
    List<SeedPoint> bumpy =
        List.of(
            new SeedPoint(27, Double.NaN, List.of(0.30, 0.32)),
            new SeedPoint(51, Double.NaN, List.of(0.51, 0.62)),
            new SeedPoint(99, Double.NaN, List.of(0.45, 0.50)),
            new SeedPoint(387, Double.NaN, List.of(0.57, 0.68)));
    // A step then flat: unbounded, the fit runs to alpha -> infinity, A -> infinity.
    List<SeedPoint> step =
        List.of(
            new SeedPoint(27, Double.NaN, List.of(0.90, 1.00)),
            new SeedPoint(51, Double.NaN, List.of(0.50, 0.55)),
            new SeedPoint(99, Double.NaN, List.of(0.56, 0.50)),
            new SeedPoint(387, Double.NaN, List.of(0.52, 0.55)));
    for (List<SeedPoint> points : List.of(bumpy, step)) {
      ScalingAnalysis.Result r = ScalingAnalysis.analyse(points, false, 20, 1);
      LawFit fit = r.fit();
      assertTrue(
          Double.isFinite(fit.floor())
              && Double.isFinite(fit.coefficient(0))
              && Math.abs(fit.alpha().get(0)) <= LawFitter.MAX_EXPONENT,
          fit.toString());
      assertEquals(20, r.replicates(), "every replicate refits from the finite estimate");
      for (ScalingAnalysis.Interval i : r.intervals()) {
        assertTrue(Double.isFinite(i.low()) && Double.isFinite(i.high()), "" + i);
      }
    }
    LawFit pinned = ScalingAnalysis.fit(step, Form.POWER_LAW);
    assertEquals(LawFitter.MAX_EXPONENT, pinned.alpha().get(0), "" + pinned);
    assertTrue(!pinned.converged(), "a law pinned at the box is flagged: " + pinned);
  }

  @Test
  void singleValuesPerPointResampleThePoints() {
    List<SeedPoint> points = PowerLawTest.law(0.5, 20, 0.6, 0.03, 1, 21);
    ScalingAnalysis.Result r = ScalingAnalysis.analyse(points, Form.POWER_LAW, 40, 3);
    ScalingAnalysis.Interval alpha = r.intervals().get(2);
    assertTrue(alpha.low() < alpha.high(), "a case bootstrap has spread: " + alpha);
    assertTrue(alpha.low() <= 0.6 && 0.6 <= alpha.high(), "" + alpha);
  }

  /** Six x values with 4 seeds each drawn uniformly from [0.5, 0.7]: no power law at all. */
  static List<SeedPoint> noLaw(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<SeedPoint> points = new ArrayList<>();
    for (double x : new double[] {27, 51, 99, 195, 387, 771}) {
      List<Double> values = new ArrayList<>();
      for (int s = 0; s < 4; s++) {
        values.add(0.5 + 0.2 * rng.nextDouble());
      }
      points.add(new SeedPoint(x, Double.NaN, values));
    }
    return points;
  }

  @Test
  void pinnedReplicatesAreCountedAndLeftOutOfTheIntervals() {
    // Flat noise: many resamples are best fitted by a law that runs to the box (|alpha| = 10).
    ScalingAnalysis.Result flat = ScalingAnalysis.analyse(noLaw(3), Form.POWER_LAW, 200, 5);
    assertEquals(200, flat.replicates(), "every replicate gave a fit");
    assertTrue(flat.replicatesPinned() > 0, "some replicates pin: " + flat.replicatesPinned());
    assertTrue(flat.replicatesPinned() < 200, "not all: " + flat.replicatesPinned());
    ScalingAnalysis.Interval alpha = flat.intervals().get(2);
    assertTrue(
        -LawFitter.MAX_EXPONENT < alpha.low() && alpha.high() < LawFitter.MAX_EXPONENT,
        "no pinned exponent reaches the percentiles: " + alpha);
    // A clean power law: nothing pins, and every replicate is in the interval.
    ScalingAnalysis.Result clean =
        ScalingAnalysis.analyse(PowerLawTest.law(0.5, 20, 0.6, 0.05, 4, 8), Form.POWER_LAW, 200, 5);
    assertEquals(200, clean.replicates());
    assertEquals(0, clean.replicatesPinned());
  }

  @Test
  void everyReplicateStartsFromTheGridsBestStartsToo() {
    // On flat noise the estimate's basin is often not a resample's best: the grid's other starts
    // find lower optima for many replicates, and never a higher one.
    List<SeedPoint> points = noLaw(1);
    double[] x = points.stream().mapToDouble(SeedPoint::x).toArray();
    LawFitter.Search search =
        LawFitter.powerLawSearch(x, points.stream().mapToDouble(SeedPoint::mean).toArray());
    assertEquals(LawFitter.REPLICATE_STARTS, search.bestStarts().size());
    SplittableRandom rng = new SplittableRandom(101);
    int better = 0;
    for (int b = 0; b < 200; b++) {
      double[] y = new double[points.size()];
      for (int i = 0; i < y.length; i++) {
        List<Double> v = points.get(i).values();
        for (int k = 0; k < v.size(); k++) {
          y[i] += v.get(rng.nextInt(v.size())) / v.size();
        }
      }
      LawFit single = LawFitter.refit(search.fit(), new double[][] {x}, y);
      LawFit multi = LawFitter.refit(search.fit(), search.bestStarts(), new double[][] {x}, y);
      assertTrue(
          multi.loss() <= single.loss() * (1 + 1e-9),
          "replicate " + b + ": " + multi.loss() + " > " + single.loss());
      if (multi.loss() < single.loss() * (1 - 1e-6)) {
        better++;
      }
    }
    assertTrue(better >= 20, "lower optima found in " + better + " of 200 replicates");
  }

  @Test
  void noReplicatesGiveNoInterval() {
    ScalingAnalysis.Result r =
        ScalingAnalysis.analyse(PowerLawTest.law(0.5, 20, 0.6, 0.05, 4, 8), Form.POWER_LAW, 0, 5);
    assertEquals(0, r.replicates());
    assertTrue(Double.isNaN(r.intervals().get(2).low()), "" + r.intervals());
  }

  /** L = 1.7 + 400/N^0.34 + 900/D^0.28 exactly, one value per point, on an nN x nD grid. */
  private static List<SeedPoint> exactJointLaw(int nN, int nD) {
    List<SeedPoint> points = new ArrayList<>();
    for (int i = 0; i < nN; i++) {
      for (int j = 0; j < nD; j++) {
        double n = Math.pow(10, 7 + 0.5 * i);
        double d = Math.pow(10, 8 + 0.5 * j);
        double l = 1.7 + 400 * Math.pow(n, -0.34) + 900 * Math.pow(d, -0.28);
        points.add(new SeedPoint(n, d, List.of(l)));
      }
    }
    return points;
  }

  private static Set<List<Double>> pairs(List<Double> x, List<Double> x2) {
    Set<List<Double>> out = new HashSet<>();
    for (int i = 0; i < x.size(); i++) {
      out.add(List.of(x.get(i), x2.get(i)));
    }
    assertEquals(x.size(), out.size(), "each configuration once");
    return out;
  }

  @Test
  void theJointExtrapolationHoldsOutTheLargestNAndTheLargestD() {
    List<SeedPoint> points = exactJointLaw(5, 6);
    double maxN = Math.pow(10, 9);
    double maxD = Math.pow(10, 10.5);
    for (int k = 1; k <= 2; k++) {
      ScalingAnalysis.Extrapolation e = ScalingAnalysis.extrapolate(points, Form.JOINT, k);
      double cutN = Math.pow(10, 7 + 0.5 * (5 - k));
      double cutD = Math.pow(10, 8 + 0.5 * (6 - k));
      Set<List<Double>> expected = new HashSet<>();
      for (SeedPoint p : points) {
        if (p.x() >= cutN || p.x2() >= cutD) {
          expected.add(List.of(p.x(), p.x2()));
        }
      }
      // k largest of 5 N (6 D each) or k largest of 6 D (5 N each), the k x k corner once.
      assertEquals(6 * k + 5 * k - k * k, expected.size());
      assertEquals(expected, pairs(e.x(), e.x2()), "held out: the largest N or the largest D");
      assertEquals(points.size() - expected.size(), e.fit().points(), "fitted: the rest");
      assertTrue(e.maxRelativeError() < 1e-4, "an exact law predicts them: " + e);
    }
    ScalingAnalysis.Extrapolation one = ScalingAnalysis.extrapolate(points, Form.JOINT, 1);
    assertTrue(one.x().contains(maxN) && one.x2().contains(maxD), "the corner is predicted");
    assertTrue(
        pairs(one.x(), one.x2()).contains(List.of(Math.pow(10, 7), maxD)),
        "the smallest N at the largest D is held out too");
  }

  @Test
  void anExactJointLawExtrapolatesWithoutError() {
    ScalingAnalysis.Result r = ScalingAnalysis.analyse(exactJointLaw(5, 6), Form.JOINT, 0, 3);
    assertEquals(1, r.heldOut(), "a quarter of the 5 distinct N, at least one");
    assertTrue(r.extrapolationError() < 1e-4, "error " + r.extrapolationError());
    // 8 N and 12 D: a quarter of the axis with fewer values, 2 of each.
    ScalingAnalysis.Result wide = ScalingAnalysis.analyse(exactJointLaw(8, 12), Form.JOINT, 0, 3);
    assertEquals(2, wide.heldOut());
    assertTrue(wide.extrapolationError() < 1e-4, "error " + wide.extrapolationError());
  }

  @Test
  void aJointGridTooSmallToHoldOutGivesNoExtrapolation() {
    // 3 x 3 leaves 2 x 2 = 4 points for 5 parameters; 3 x 4 leaves two N, which pin down only
    // one difference A(N1^-alpha - N2^-alpha); 2 x 8 leaves one N; 8 x 2 leaves one D.
    for (int[] grid : new int[][] {{3, 3}, {3, 4}, {4, 3}, {2, 8}, {8, 2}}) {
      List<SeedPoint> points = exactJointLaw(grid[0], grid[1]);
      ScalingAnalysis.Result r = ScalingAnalysis.analyse(points, Form.JOINT, 0, 1);
      String shape = grid[0] + " x " + grid[1];
      assertTrue(Double.isNaN(r.extrapolationError()), shape);
      assertEquals(0, r.heldOut(), shape);
      assertThrows(
          IllegalArgumentException.class,
          () -> ScalingAnalysis.extrapolate(points, Form.JOINT, 1),
          shape);
    }
    // 4 x 4 leaves 3 x 3 = 9 points: enough.
    ScalingAnalysis.Result r = ScalingAnalysis.analyse(exactJointLaw(4, 4), Form.JOINT, 0, 1);
    assertEquals(1, r.heldOut());
    List<SeedPoint> points = exactJointLaw(5, 6);
    for (int k : new int[] {0, 5}) {
      assertThrows(
          IllegalArgumentException.class,
          () -> ScalingAnalysis.extrapolate(points, Form.JOINT, k),
          "heldOut " + k);
    }
  }
}
