package dev.sweeplab.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A scaling law fitted to the seed means of a group of configurations, with bootstrap intervals
 * over seeds (stratified by configuration: each replicate redraws every point's seeds with
 * replacement, re-averages and refits from the point estimate) and an extrapolation check (fit
 * without the largest x values, then predict them). Percentile intervals from a handful of seeds
 * per point are too narrow (the bootstrap cannot see variance the few seeds did not show): trust
 * them from about five seeds up.
 */
public final class ScalingAnalysis {
  private ScalingAnalysis() {}

  /** Percentiles 2.5, 50 and 97.5 of one parameter over bootstrap replicates. */
  public record Interval(double low, double median, double high) {}

  /**
   * The fit and its intervals.
   *
   * @param fit the point estimate on seed means
   * @param intervals per parameter, in the order E, A_1, α_1, (A_2, α_2)
   * @param replicates bootstrap replicates that converged
   * @param extrapolationError mean relative error |ŷ − y| / y on the held-out largest x (NaN when
   *     too few points to hold any out)
   * @param heldOut how many distinct largest x values were held out
   */
  public record Result(
      LawFit fit,
      List<Interval> intervals,
      int replicates,
      double extrapolationError,
      int heldOut) {}

  /** Fits y = E + A·x^−α (joint = false) or L(N, D) (joint = true, x2 = D). */
  public static Result analyse(List<SeedPoint> points, boolean joint, int replicates, long seed) {
    LawFit fit = fitMeans(points, joint, null);
    List<double[]> draws = new ArrayList<>();
    SplittableRandom rng = new SplittableRandom(seed);
    for (int b = 0; b < replicates; b++) {
      List<SeedPoint> resampled = new ArrayList<>();
      for (SeedPoint p : points) {
        List<Double> v = new ArrayList<>();
        for (int s = 0; s < p.values().size(); s++) {
          v.add(p.values().get(rng.nextInt(p.values().size())));
        }
        resampled.add(new SeedPoint(p.x(), p.x2(), v));
      }
      try {
        draws.add(parameters(fitMeans(resampled, joint, fit)));
      } catch (IllegalStateException e) {
        // a replicate whose fit did not converge is left out and counted
      }
    }
    List<Interval> intervals = new ArrayList<>();
    int dims = parameters(fit).length;
    for (int k = 0; k < dims; k++) {
      double[] column = new double[draws.size()];
      for (int b = 0; b < draws.size(); b++) {
        column[b] = draws.get(b)[k];
      }
      Arrays.sort(column);
      intervals.add(
          column.length == 0
              ? new Interval(Double.NaN, Double.NaN, Double.NaN)
              : new Interval(
                  percentile(column, 0.025), percentile(column, 0.5), percentile(column, 0.975)));
    }
    double[] extrapolation = extrapolate(points, joint);
    return new Result(fit, intervals, draws.size(), extrapolation[0], (int) extrapolation[1]);
  }

  /** E, A_1, α_1, ... in natural units (not logs). */
  static double[] parameters(LawFit f) {
    double[] p = new double[1 + 2 * f.alpha().size()];
    p[0] = f.floor();
    for (int j = 0; j < f.alpha().size(); j++) {
      p[1 + 2 * j] = f.coefficient(j);
      p[2 + 2 * j] = f.alpha().get(j);
    }
    return p;
  }

  /** Names matching {@link #parameters}. */
  public static List<String> names(boolean joint) {
    return joint ? List.of("E", "A", "alpha", "B", "beta") : List.of("E", "A", "alpha");
  }

  private static LawFit fitMeans(List<SeedPoint> points, boolean joint, LawFit from) {
    double[] x = points.stream().mapToDouble(SeedPoint::x).toArray();
    double[] y = points.stream().mapToDouble(SeedPoint::mean).toArray();
    if (joint) {
      double[] d = points.stream().mapToDouble(SeedPoint::x2).toArray();
      return from == null
          ? LawFitter.joint(x, d, y)
          : LawFitter.refit("joint", new double[][] {x, d}, y, from);
    }
    return from == null
        ? LawFitter.powerLaw(x, y)
        : LawFitter.refit("power_law", new double[][] {x}, y, from);
  }

  /** Holds out the largest x values (a quarter of the distinct ones, at least one). */
  private static double[] extrapolate(List<SeedPoint> points, boolean joint) {
    double[] xs = points.stream().mapToDouble(SeedPoint::x).distinct().sorted().toArray();
    int hold = Math.max(1, xs.length / 4);
    int minimumFitted = joint ? 6 : 4;
    double cut = xs[xs.length - hold];
    List<SeedPoint> fitted = points.stream().filter(p -> p.x() < cut).toList();
    List<SeedPoint> held = points.stream().filter(p -> p.x() >= cut).toList();
    if (xs.length - hold < 3 || fitted.size() < minimumFitted) {
      return new double[] {Double.NaN, 0};
    }
    LawFit partial = fitMeans(fitted, joint, null);
    double error = 0;
    for (SeedPoint p : held) {
      double predicted = joint ? partial.predict(p.x(), p.x2()) : partial.predict(p.x());
      error += Math.abs(predicted - p.mean()) / p.mean();
    }
    return new double[] {error / held.size(), hold};
  }

  private static double percentile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
