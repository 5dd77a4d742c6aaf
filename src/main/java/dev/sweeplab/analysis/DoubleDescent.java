package dev.sweeplab.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Double-descent detection along one axis (model size, training-set size, or training step): the
 * curve of mean test error with its seed spread, the interpolation threshold (Belkin et al. 2019,
 * "Reconciling modern machine learning practice and the bias-variance trade-off": the smallest x
 * whose mean training error is at most a tolerance), and the test-error peak if there is one
 * (Nakkiran et al. 2019, "Deep Double Descent", model-, sample- and epoch-wise).
 *
 * <p>A peak is an interior local maximum of the mean curve whose prominence — peak height minus the
 * higher of the lowest points to its left and right — exceeds {@code k} times the noise scale of
 * that difference, √2 · s/√m, with s the seed standard deviation pooled over the whole curve and m
 * the mean number of seeds per point (pooling makes s stable with 3–5 seeds). The default k = 3
 * accounts for the search: the peak is the highest of several interior points and the flanks the
 * lowest of several, which inflates the prominence of a flat noisy curve. Simulated flat Gaussian
 * curves of 9 points exceed 2 standard errors in about 45 % of cases, but the default 3√2 ≈ 4.2
 * standard errors in about 2 % (7–9 % with 25 points: lengthy step-wise curves want a larger k).
 * With a single seed per point there is no standard error; then the noise scale is the median
 * absolute second difference of the mean curve (its point-to-point roughness), a cruder fallback
 * that a smooth single-seed curve passes easily. A monotone curve has no interior maximum, so it
 * never reports a peak.
 *
 * <p>Absent values (no peak, threshold not reached) are NaN, which the tables store as null.
 */
public final class DoubleDescent {
  /** Default multiple of the noise scale a peak's prominence must exceed. */
  public static final double DEFAULT_K = 3.0;

  /** Default training-error tolerance for the interpolation threshold. */
  public static final double DEFAULT_TOLERANCE = 0.01;

  private DoubleDescent() {}

  /** Test errors (one per seed) and the mean training error at one x. */
  public record Point(double x, List<Double> testErrors, double trainError) {
    public Point {
      testErrors = List.copyOf(testErrors);
      if (testErrors.isEmpty()) {
        throw new IllegalArgumentException("the point at x = " + x + " has no test error");
      }
      if (!Double.isFinite(x) || testErrors.stream().anyMatch(e -> !Double.isFinite(e))) {
        throw new IllegalArgumentException(
            "x and test errors must be finite, found x = " + x + ", test errors " + testErrors);
      }
    }
  }

  /**
   * The analysis of one curve.
   *
   * @param x the axis values, increasing
   * @param mean mean test error per x
   * @param std standard deviation over seeds per x (NaN for one seed)
   * @param trainError mean training error per x
   * @param detected whether a peak was found
   * @param peakX x of the peak (NaN if none)
   * @param peakValue mean test error at the peak
   * @param prominence height of the most prominent interior local maximum above the higher of its
   *     two flanking minima, whether or not it passed as a peak (0 for a monotone curve)
   * @param noise the noise scale the prominence was compared with
   * @param thresholdX the interpolation threshold (NaN if train error never reaches the tolerance)
   * @param minBefore lowest mean test error before the peak (or of the whole curve if none)
   * @param minAfter lowest mean test error after the peak (NaN if none)
   */
  public record Result(
      List<Double> x,
      List<Double> mean,
      List<Double> std,
      List<Double> trainError,
      boolean detected,
      double peakX,
      double peakValue,
      double prominence,
      double noise,
      double thresholdX,
      double minBefore,
      double minAfter) {}

  /** Analyses {@code points} (any order) with the default k and tolerance. */
  public static Result detect(List<Point> points) {
    return detect(points, DEFAULT_K, DEFAULT_TOLERANCE);
  }

  /** Analyses {@code points} (any order, one per x). */
  public static Result detect(List<Point> points, double k, double tolerance) {
    if (points.isEmpty()) {
      throw new IllegalArgumentException("a double-descent curve needs at least one point");
    }
    if (!(k >= 0) || !(tolerance >= 0)) {
      throw new IllegalArgumentException(
          "k and tolerance must be >= 0, found k = " + k + ", tolerance = " + tolerance);
    }
    List<Point> sorted = new ArrayList<>(points);
    sorted.sort((a, b) -> Double.compare(a.x(), b.x()));
    int n = sorted.size();
    double[] mean = new double[n];
    double[] std = new double[n];
    for (int i = 0; i < n; i++) {
      if (i > 0 && sorted.get(i).x() == sorted.get(i - 1).x()) {
        throw new IllegalArgumentException(
            "two points at x = " + sorted.get(i).x() + ": merge their seeds into one point");
      }
      List<Double> v = sorted.get(i).testErrors();
      mean[i] = v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double ss = 0;
      for (double e : v) {
        ss += (e - mean[i]) * (e - mean[i]);
      }
      std[i] = v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : Double.NaN;
    }
    // The pooled standard error needs one point with two seeds; otherwise fall back to roughness.
    boolean seeds = sorted.stream().anyMatch(p -> p.testErrors().size() > 1);
    double pooled = seeds ? pooledStandardError(sorted, mean) : Double.NaN;
    double roughness = seeds ? Double.NaN : roughness(mean);
    double threshold = Double.NaN;
    for (Point p : sorted) {
      if (p.trainError() <= tolerance) {
        threshold = p.x();
        break;
      }
    }
    // The candidate is the interior local maximum with the largest prominence; it is a peak when
    // that prominence exceeds k times the noise scale.
    double noise = seeds ? Math.sqrt(2) * pooled : roughness;
    int candidate = -1;
    double candidateProminence = 0;
    for (int i = 1; i < n - 1; i++) {
      if (!(mean[i] > mean[i - 1] && mean[i] >= mean[i + 1])) {
        continue;
      }
      int left = argmin(mean, 0, i);
      int right = argmin(mean, i + 1, n);
      double prominence = mean[i] - Math.max(mean[left], mean[right]);
      if (prominence > candidateProminence) {
        candidate = i;
        candidateProminence = prominence;
      }
    }
    List<Double> xs = sorted.stream().map(Point::x).toList();
    List<Double> train = sorted.stream().map(Point::trainError).toList();
    if (candidate < 0 || !(candidateProminence > k * noise)) {
      return new Result(
          xs,
          list(mean),
          list(std),
          train,
          false,
          Double.NaN,
          Double.NaN,
          candidateProminence,
          noise,
          threshold,
          mean[argmin(mean, 0, n)],
          Double.NaN);
    }
    return new Result(
        xs,
        list(mean),
        list(std),
        train,
        true,
        xs.get(candidate),
        mean[candidate],
        candidateProminence,
        noise,
        threshold,
        mean[argmin(mean, 0, candidate)],
        mean[argmin(mean, candidate + 1, n)]);
  }

  private static int argmin(double[] v, int from, int to) {
    int best = from;
    for (int i = from; i < to; i++) {
      if (v[i] < v[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Median |second difference|: how much the curve wiggles from point to point. */
  private static double roughness(double[] v) {
    if (v.length < 3) {
      return Double.POSITIVE_INFINITY;
    }
    double[] d = new double[v.length - 2];
    for (int i = 1; i < v.length - 1; i++) {
      d[i - 1] = Math.abs(v[i - 1] - 2 * v[i] + v[i + 1]);
    }
    java.util.Arrays.sort(d);
    return d[d.length / 2];
  }

  /** s/√m with s² the within-point variance pooled over all points. */
  private static double pooledStandardError(List<Point> points, double[] mean) {
    double squares = 0;
    long dof = 0;
    long values = 0;
    for (int i = 0; i < points.size(); i++) {
      List<Double> v = points.get(i).testErrors();
      for (double e : v) {
        squares += (e - mean[i]) * (e - mean[i]);
      }
      dof += v.size() - 1;
      values += v.size();
    }
    double perPoint = (double) values / points.size();
    return Math.sqrt(squares / dof) / Math.sqrt(perPoint);
  }

  private static List<Double> list(double[] v) {
    List<Double> out = new ArrayList<>();
    for (double x : v) {
      out.add(x);
    }
    return out;
  }
}
