package dev.sweeplab.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * A scaling law fitted to the seed means of a group of configurations, with bootstrap intervals
 * over seeds and an extrapolation check, so that a fitted exponent comes with how far to trust it.
 *
 * <p>The bootstrap is stratified by configuration (Efron &amp; Tibshirani 1993, ch. 8: resampling
 * within each sample of a multi-sample design): each replicate redraws every configuration's seeds
 * with replacement, re-averages and refits from the point estimate and from the grid starts that
 * reached the best few other optima on the original data ({@link LawFitter.Search}), keeping the
 * best; the interval is the 2.5–97.5 percentile range (ibid., ch. 13) over the replicates whose fit
 * did not end on the parameter box ({@link LawFit#pinned()}), the others counted apart. Percentile
 * intervals from a handful of seeds per point are too narrow (the bootstrap cannot see variance the
 * few seeds did not show): trust them from about five seeds up. With a single value per point there
 * are no seeds to redraw, and replicates resample the points themselves (bootstrapping pairs,
 * ibid., ch. 9). Where one unit gives many points (a run's learning curve over steps, or a repeat's
 * training sample shared by every configuration under per_repeat), its values are not independent
 * seeds of each point: replicates redraw whole units, each drawn unit's values at every point
 * (resampling the top level of hierarchical data, Davison &amp; Hinkley 1997, sec. 3.8), as {@link
 * SeedPoint#units} names them. The extrapolation check fits without the k largest x values and
 * predicts them: what a scaling law is for. For the joint law it leaves out the k largest N and the
 * k largest D, as Hoffmann et al. (2022) validate L(N, D): the fit sees neither the largest models
 * nor the largest data sets, and predicts every point at either.
 */
public final class ScalingAnalysis {
  private ScalingAnalysis() {}

  /** The law to fit. */
  public enum Form {
    /** y = E + A·x^−α. */
    POWER_LAW,
    /** y = A·x^−α. */
    POWER_LAW_NO_FLOOR,
    /** L = E + A/N^α + B/D^β, with x = N and x2 = D. */
    JOINT
  }

  /** Percentiles 2.5, 50 and 97.5 of one parameter over bootstrap replicates. */
  public record Interval(double low, double median, double high) {}

  /**
   * The fit and its intervals.
   *
   * @param fit the point estimate on seed means
   * @param intervals per parameter, in the order of {@link #names(Form)}
   * @param replicates bootstrap replicates that gave a fit, pinned ones included
   * @param extrapolationError mean relative error |ŷ − y| / y on the held-out points, those at the
   *     largest x (joint: at the largest N or the largest D) (NaN when too few points to hold any
   *     out)
   * @param heldOut how many distinct largest x values were held out, for the joint form as many
   *     largest N and as many largest D (0 when none)
   * @param allocation for the joint form, the compute-optimal exponents a and b of {@link
   *     #allocation}, each over the same replicates (median of the point estimate's, low and high);
   *     empty for the other forms
   * @param replicatesPinned of {@code replicates}, those whose fit ended on the parameter box
   *     ({@link LawFit#pinned()}): left out of the percentiles, which rest on {@code replicates −
   *     replicatesPinned}
   */
  public record Result(
      LawFit fit,
      List<Interval> intervals,
      int replicates,
      double extrapolationError,
      int heldOut,
      List<Interval> allocation,
      int replicatesPinned) {}

  /** The 2.5th, 50th and 97.5th percentiles of {@code values} (sorted here); NaN when empty. */
  private static Interval interval(double[] values) {
    if (values.length == 0) {
      return new Interval(Double.NaN, Double.NaN, Double.NaN);
    }
    Arrays.sort(values);
    return new Interval(
        percentile(values, 0.025), percentile(values, 0.5), percentile(values, 0.975));
  }

  /**
   * Hoffmann et al.'s (2022) compute-optimal allocation from the joint law's exponents: with C = 6
   * N D, minimising E + A/N^α + B/D^β at fixed C gives N_opt ∝ C^a and D_opt ∝ C^b with a = β / (α
   * + β) and b = α / (α + β) (their eq. 4; a + b = 1). Returns {a, b}.
   */
  public static double[] allocation(double alpha, double beta) {
    return new double[] {beta / (alpha + beta), alpha / (alpha + beta)};
  }

  /**
   * The prediction of a law fitted without the largest x values (joint: without the largest N and
   * the largest D).
   *
   * @param heldOut how many distinct largest x values were left out of the fit, for the joint form
   *     as many distinct largest x (N) and as many distinct largest x2 (D)
   * @param fit the law fitted to the others
   * @param x x of each held-out point
   * @param x2 x2 of each held-out point (NaN but for the joint form)
   * @param relativeErrors |ŷ − y| / y of each held-out point, y its seed mean
   * @param meanRelativeError their mean
   * @param maxRelativeError their maximum
   */
  public record Extrapolation(
      int heldOut,
      LawFit fit,
      List<Double> x,
      List<Double> x2,
      List<Double> relativeErrors,
      double meanRelativeError,
      double maxRelativeError) {}

  /** Fits y = E + A·x^−α (joint = false) or L(N, D) (joint = true, x2 = D). */
  public static Result analyse(List<SeedPoint> points, boolean joint, int replicates, long seed) {
    return analyse(points, joint ? Form.JOINT : Form.POWER_LAW, replicates, seed);
  }

  /**
   * Fits {@code form} to the seed means, bootstraps {@code replicates} times (deterministic for a
   * given {@code seed}), and holds out a quarter of the distinct x values (at least one) to check
   * extrapolation; for the joint form a quarter of the distinct values of the axis with fewer (at
   * least one), that many largest N and that many largest D.
   */
  public static Result analyse(List<SeedPoint> points, Form form, int replicates, long seed) {
    if (replicates < 0) {
      throw new IllegalArgumentException("replicates must be >= 0, found " + replicates);
    }
    LawFitter.Search search = search(points, form);
    LawFit fit = search.fit();
    SplittableRandom rng = new SplittableRandom(seed);
    boolean singleValues = points.stream().allMatch(p -> p.values().size() == 1);
    Map<String, Integer> units = units(points);
    List<List<SeedPoint>> resamples = new ArrayList<>();
    for (int b = 0; b < replicates; b++) {
      List<SeedPoint> resampled = new ArrayList<>();
      if (!units.isEmpty()) {
        resampled = byUnit(points, units, UnitDraw.counts(units.size(), rng));
      } else if (singleValues) {
        // One value per point (no seeds to redraw): resample the points themselves.
        for (int i = 0; i < points.size(); i++) {
          resampled.add(points.get(rng.nextInt(points.size())));
        }
      } else {
        for (SeedPoint p : points) {
          List<Double> v = new ArrayList<>();
          for (int s = 0; s < p.values().size(); s++) {
            v.add(p.values().get(rng.nextInt(p.values().size())));
          }
          resampled.add(new SeedPoint(p.x(), p.x2(), v));
        }
      }
      if (resampled.size() >= minimumPoints(form)) {
        resamples.add(resampled); // fewer points (whole units redrawn) cannot be fitted
      }
    }
    List<LawFit> refits =
        resamples.parallelStream()
            .map(r -> refit(r, fit, search.bestStarts()))
            .flatMap(Optional::stream)
            .toList();
    // A replicate pinned on the box reports the box, not a plausible law: its parameters would
    // drag a percentile to ±10 or e^600.
    List<double[]> draws =
        refits.stream().filter(f -> !f.pinned()).map(ScalingAnalysis::parameters).toList();
    int pinned = refits.size() - draws.size();
    List<Interval> intervals = new ArrayList<>();
    for (int k = 0; k < names(form).size(); k++) {
      double[] column = new double[draws.size()];
      for (int b = 0; b < draws.size(); b++) {
        column[b] = draws.get(b)[k];
      }
      intervals.add(interval(column));
    }
    List<Interval> allocation = new ArrayList<>();
    if (form == Form.JOINT) {
      for (int k = 0; k < 2; k++) {
        double[] column = new double[draws.size()];
        for (int b = 0; b < draws.size(); b++) {
          column[b] = allocation(draws.get(b)[2], draws.get(b)[4])[k];
        }
        allocation.add(interval(column));
      }
    }
    int hold = heldOutCount(points, form);
    if (holdOut(points, form, hold).problem() != null) {
      return new Result(fit, intervals, refits.size(), Double.NaN, 0, allocation, pinned);
    }
    Extrapolation e = extrapolate(points, form, hold);
    return new Result(
        fit, intervals, refits.size(), e.meanRelativeError(), hold, allocation, pinned);
  }

  /**
   * The units the points' values belong to, each with its position in the order they first appear,
   * where every point names them, some unit gives more than one point (a run's curve on the step
   * axis, a repeat's sample under per_repeat) and there are at least two units to redraw; otherwise
   * empty, and each point's seeds (or, with one value each, the points) are redrawn on their own.
   * One unit redrawn is the same unit every time: its replicates would all be the data, and the
   * interval a point.
   */
  private static Map<String, Integer> units(List<SeedPoint> points) {
    if (points.stream().anyMatch(p -> p.units().isEmpty())) {
      return Map.of();
    }
    Map<String, Integer> position = new HashMap<>();
    int values = 0;
    for (SeedPoint p : points) {
      for (String unit : p.units()) {
        position.putIfAbsent(unit, position.size());
      }
      values += p.values().size();
    }
    return position.size() >= 2 && position.size() < values ? position : Map.of();
  }

  /**
   * One replicate that redraws whole units, each drawn unit's values at every point it has one
   * ({@code counts} by the units' positions), so that what the points share stays together (a run's
   * steps, a repeat's configurations are not independent samples). A point none of the drawn units
   * reaches is left out.
   */
  private static List<SeedPoint> byUnit(
      List<SeedPoint> points, Map<String, Integer> units, int[] counts) {
    List<SeedPoint> resampled = new ArrayList<>();
    for (SeedPoint p : points) {
      List<Double> v = new ArrayList<>();
      for (int k = 0; k < p.values().size(); k++) {
        int times = counts[units.get(p.units().get(k))];
        for (int t = 0; t < times; t++) {
          v.add(p.values().get(k));
        }
      }
      if (!v.isEmpty()) {
        resampled.add(new SeedPoint(p.x(), p.x2(), v));
      }
    }
    return resampled;
  }

  /** How many largest distinct values {@link #analyse} holds out per axis. */
  private static int heldOutCount(List<SeedPoint> points, Form form) {
    int distinct = distinct(points, SeedPoint::x).length;
    if (form == Form.JOINT) {
      distinct = Math.min(distinct, distinct(points, SeedPoint::x2).length);
    }
    return Math.max(1, distinct / 4);
  }

  /**
   * The points an extrapolation check fits and those it predicts, or why it cannot be made.
   *
   * @param problem null when the check can be made, else what is missing
   */
  private record HoldOut(List<SeedPoint> fitted, List<SeedPoint> held, String problem) {}

  /**
   * Splits {@code points} at the {@code heldOut} largest distinct x (joint: x or x2). The check
   * needs a held-out point and a law to fit without it: at least 3 distinct x and 4 points below
   * the cut for the power laws (3 without a floor), and for the joint form at least 3 distinct x
   * and 3 distinct x2 among the fitted points and one point more than its 5 parameters.
   */
  private static HoldOut holdOut(List<SeedPoint> points, Form form, int heldOut) {
    double[] xs = distinct(points, SeedPoint::x);
    double[] x2s = form == Form.JOINT ? distinct(points, SeedPoint::x2) : new double[0];
    int axisSize = form == Form.JOINT ? Math.min(xs.length, x2s.length) : xs.length;
    if (heldOut < 1 || heldOut >= axisSize) {
      String axes = form == Form.JOINT ? "distinct x and distinct x2" : "distinct x";
      return new HoldOut(
          List.of(),
          List.of(),
          "heldOut must be between 1 and "
              + (axisSize - 1)
              + " ("
              + axes
              + " - 1), found "
              + heldOut);
    }
    double cut = xs[xs.length - heldOut];
    double cut2 = form == Form.JOINT ? x2s[x2s.length - heldOut] : Double.NaN;
    Predicate<SeedPoint> isHeld =
        form == Form.JOINT ? p -> p.x() >= cut || p.x2() >= cut2 : p -> p.x() >= cut;
    List<SeedPoint> fitted = points.stream().filter(isHeld.negate()).toList();
    List<SeedPoint> held = points.stream().filter(isHeld).toList();
    int fittedX = distinct(fitted, SeedPoint::x).length;
    String problem = null;
    if (form == Form.JOINT) {
      int fittedX2 = distinct(fitted, SeedPoint::x2).length;
      // Two values of an axis pin down only one difference A(N1^-alpha - N2^-alpha): A and alpha
      // (B and beta) need three.
      if (fittedX < 3 || fittedX2 < 3 || fitted.size() < minimumPoints(form)) {
        problem =
            "the joint fit without the "
                + heldOut
                + " largest x and x2 keeps "
                + fitted.size()
                + " points at "
                + fittedX
                + " distinct x and "
                + fittedX2
                + " distinct x2; it needs "
                + minimumPoints(form)
                + " points at 3 or more of each";
      }
    } else if (fittedX < 3 || fitted.size() < minimumPoints(form)) {
      problem =
          "the fit without the "
              + heldOut
              + " largest x keeps "
              + fitted.size()
              + " points at "
              + fittedX
              + " distinct x; it needs "
              + minimumPoints(form)
              + " points at 3 or more";
    }
    return new HoldOut(fitted, held, problem);
  }

  private static double[] distinct(List<SeedPoint> points, ToDoubleFunction<SeedPoint> axis) {
    return points.stream().mapToDouble(axis).distinct().sorted().toArray();
  }

  /**
   * Fits {@code form} without the points at the {@code heldOut} largest distinct x values and
   * predicts those. For the joint form it leaves out every point whose x (N) is among the {@code
   * heldOut} largest distinct x or whose x2 (D) is among the {@code heldOut} largest distinct x2,
   * fits the points below both cuts and predicts the others (Hoffmann et al. 2022's validation of
   * L(N, D)).
   *
   * @throws IllegalArgumentException when {@code heldOut} is not between 1 and the distinct values
   *     less one, or when the points left to fit are too few ({@link #holdOut}); {@link #analyse}
   *     checks this first and reports no extrapolation instead
   */
  public static Extrapolation extrapolate(List<SeedPoint> points, Form form, int heldOut) {
    HoldOut split = holdOut(points, form, heldOut);
    if (split.problem() != null) {
      throw new IllegalArgumentException(split.problem());
    }
    LawFit partial = fit(split.fitted(), form);
    List<Double> x = new ArrayList<>();
    List<Double> x2 = new ArrayList<>();
    List<Double> errors = new ArrayList<>();
    for (SeedPoint p : split.held()) {
      double predicted =
          form == Form.JOINT ? partial.predict(p.x(), p.x2()) : partial.predict(p.x());
      x.add(p.x());
      x2.add(p.x2());
      errors.add(Math.abs(predicted - p.mean()) / p.mean());
    }
    return new Extrapolation(
        heldOut,
        partial,
        x,
        x2,
        errors,
        errors.stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
        errors.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
  }

  /** Names matching {@link Result#intervals()}: E, A, α (and B, β for the joint form). */
  public static List<String> names(boolean joint) {
    return names(joint ? Form.JOINT : Form.POWER_LAW);
  }

  /** Names matching {@link Result#intervals()} (E is 0 without a floor). */
  public static List<String> names(Form form) {
    return form == Form.JOINT
        ? List.of("E", "A", "alpha", "B", "beta")
        : List.of("E", "A", "alpha");
  }

  /** The point estimate of {@code form} on the seed means of {@code points}. */
  public static LawFit fit(List<SeedPoint> points, Form form) {
    return search(points, form).fit();
  }

  private static LawFitter.Search search(List<SeedPoint> points, Form form) {
    double[] x = points.stream().mapToDouble(SeedPoint::x).toArray();
    double[] y = points.stream().mapToDouble(SeedPoint::mean).toArray();
    return switch (form) {
      case POWER_LAW -> LawFitter.powerLawSearch(x, y);
      case POWER_LAW_NO_FLOOR -> LawFitter.powerLawNoFloorSearch(x, y);
      case JOINT ->
          LawFitter.jointSearch(x, points.stream().mapToDouble(SeedPoint::x2).toArray(), y);
    };
  }

  /** E, A_1, α_1, ... in natural units. */
  static double[] parameters(LawFit f) {
    double[] p = new double[1 + 2 * f.alpha().size()];
    p[0] = f.floor();
    for (int j = 0; j < f.alpha().size(); j++) {
      p[1 + 2 * j] = f.coefficient(j);
      p[2 + 2 * j] = f.alpha().get(j);
    }
    return p;
  }

  private static Optional<LawFit> refit(
      List<SeedPoint> points, LawFit from, List<double[]> starts) {
    double[] y = points.stream().mapToDouble(SeedPoint::mean).toArray();
    double[][] x =
        from.alpha().size() == 2
            ? new double[][] {
              points.stream().mapToDouble(SeedPoint::x).toArray(),
              points.stream().mapToDouble(SeedPoint::x2).toArray()
            }
            : new double[][] {points.stream().mapToDouble(SeedPoint::x).toArray()};
    try {
      return Optional.of(LawFitter.refit(from, starts, x, y));
    } catch (IllegalStateException e) {
      // a replicate whose fit did not converge is left out; Result.replicates counts the others
      return Optional.empty();
    }
  }

  private static int minimumPoints(Form form) {
    return switch (form) {
      case POWER_LAW -> 4;
      case POWER_LAW_NO_FLOOR -> 3;
      case JOINT -> 6;
    };
  }

  private static double percentile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
