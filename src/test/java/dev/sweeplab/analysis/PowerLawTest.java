package dev.sweeplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PowerLawTest {
  /** Noisy seeds around y = E + A x^-alpha at x = 2^4 .. 2^13 (multiplicative noise). */
  static List<SeedPoint> law(double e, double a, double alpha, double noise, long seed) {
    return law(e, a, alpha, noise, 4, seed);
  }

  static List<SeedPoint> law(
      double e, double a, double alpha, double noise, int seedsPerPoint, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<SeedPoint> points = new ArrayList<>();
    for (int k = 4; k <= 13; k++) {
      double x = Math.pow(2, k);
      double y = e + a * Math.pow(x, -alpha);
      List<Double> seeds = new ArrayList<>();
      for (int s = 0; s < seedsPerPoint; s++) {
        seeds.add(y * Math.exp(noise * gaussian(rng)));
      }
      points.add(new SeedPoint(x, Double.NaN, seeds));
    }
    return points;
  }

  static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log1p(-rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }

  @Test
  void recoversAKnownLawFromNoisyPoints() {
    List<SeedPoint> points = law(0.5, 20, 0.6, 0.02, 1);
    LawFit fit =
        LawFitter.powerLaw(
            points.stream().mapToDouble(SeedPoint::x).toArray(),
            points.stream().mapToDouble(SeedPoint::mean).toArray());
    assertEquals(0.5, fit.floor(), 0.05, "E");
    assertEquals(20, fit.coefficient(0), 6, "A");
    assertEquals(0.6, fit.alpha().get(0), 0.06, "alpha");
    assertTrue(fit.rmsLogResidual() < 0.03, "residual " + fit.rmsLogResidual());
  }

  @Test
  void aLawWithoutFloorFitsAVanishingFloor() {
    List<SeedPoint> points = law(0, 5, 0.5, 0.0, 2);
    LawFit fit =
        LawFitter.powerLaw(
            points.stream().mapToDouble(SeedPoint::x).toArray(),
            points.stream().mapToDouble(SeedPoint::mean).toArray());
    double smallest = 5 * Math.pow(2, -13 * 0.5);
    assertTrue(fit.floor() < 0.05 * smallest, "E ~ 0: " + fit.floor());
    assertEquals(0.5, fit.alpha().get(0), 0.01);
  }

  @Test
  void exactLawExtrapolatesToTheHeldOutLargestPoints() {
    ScalingAnalysis.Result r = ScalingAnalysis.analyse(law(0.3, 10, 0.7, 0.0, 3), false, 20, 9);
    assertEquals(2, r.heldOut(), "a quarter of 10 distinct x values");
    assertTrue(r.extrapolationError() < 0.01, "error " + r.extrapolationError());
  }

  @Test
  void bootstrapIntervalsCoverTheTrueParameters() {
    int covered = 0;
    int trials = 5;
    for (long t = 0; t < trials; t++) {
      // Eight seeds per point: with very few, percentile-bootstrap intervals are too narrow.
      ScalingAnalysis.Result r =
          ScalingAnalysis.analyse(law(0.5, 20, 0.6, 0.05, 8, 100 + t), false, 60, t);
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
}
