package dev.sweeplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
    LawFit fit = LawFitter.powerLaw(xs(points), means(points));
    assertEquals(0.5, fit.floor(), 0.05, "E");
    assertEquals(20, fit.coefficient(0), 6, "A");
    assertEquals(0.6, fit.alpha().get(0), 0.06, "alpha");
    assertTrue(fit.rmsLogResidual() < 0.03, "residual " + fit.rmsLogResidual());
  }

  @Test
  void recoversAnExactLawTightly() {
    List<SeedPoint> points = law(0.3, 10, 0.7, 0.0, 1, 5);
    LawFit fit = LawFitter.powerLaw(xs(points), means(points));
    assertEquals(0.3, fit.floor(), 1e-4, "E");
    assertEquals(10, fit.coefficient(0), 1e-3, "A");
    assertEquals(0.7, fit.alpha().get(0), 1e-4, "alpha");
    assertTrue(fit.converged());
    assertEquals(10, fit.points());
    assertEquals(45, fit.starts());
    assertTrue(fit.rmsLogResidual() < 1e-6, "residual " + fit.rmsLogResidual());
    assertEquals(0.3 + 10 * Math.pow(1e6, -0.7), fit.predict(1e6), 1e-4);
  }

  @Test
  void aLawWithoutFloorFitsAVanishingFloor() {
    List<SeedPoint> points = law(0, 5, 0.5, 0.0, 2);
    LawFit fit = LawFitter.powerLaw(xs(points), means(points));
    double smallest = 5 * Math.pow(2, -13 * 0.5);
    assertTrue(fit.floor() < 0.05 * smallest, "E ~ 0: " + fit.floor());
    assertEquals(0.5, fit.alpha().get(0), 0.01);
  }

  @Test
  void theNoFloorVariantRecoversAPureLaw() {
    List<SeedPoint> points = law(0, 5, 0.5, 0.02, 3);
    LawFit fit = LawFitter.powerLawNoFloor(xs(points), means(points));
    assertEquals("power_law_no_floor", fit.form());
    assertEquals(0, fit.floor());
    assertEquals(5, fit.coefficient(0), 0.5, "A");
    assertEquals(0.5, fit.alpha().get(0), 0.01, "alpha");
    assertTrue(fit.converged());
    assertEquals(5 * Math.pow(1e5, -0.5), fit.predict(1e5), 0.05 * 5 * Math.pow(1e5, -0.5));
  }

  @Test
  void badInputIsRejectedWithTheValue() {
    IllegalArgumentException negative =
        assertThrows(
            IllegalArgumentException.class,
            () -> LawFitter.powerLaw(new double[] {1, 2, 3, 4}, new double[] {1, 0.5, -0.1, 0.2}));
    assertTrue(negative.getMessage().contains("-0.1"), negative.getMessage());
    IllegalArgumentException few =
        assertThrows(
            IllegalArgumentException.class,
            () -> LawFitter.powerLaw(new double[] {1, 2}, new double[] {1, 0.5}));
    assertTrue(few.getMessage().contains("found 2"), few.getMessage());
  }

  static double[] xs(List<SeedPoint> points) {
    return points.stream().mapToDouble(SeedPoint::x).toArray();
  }

  static double[] means(List<SeedPoint> points) {
    return points.stream().mapToDouble(SeedPoint::mean).toArray();
  }
}
