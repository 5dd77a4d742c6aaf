package dev.sweeplab.analysis;

import java.util.ArrayList;
import java.util.List;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.distribution.continuous.TDistribution;

/**
 * Double-descent detection along one axis (model size, training-set size, or training step): the
 * curve of mean test error with its seed spread, the interpolation threshold, and the test-error
 * peak if there is one (Nakkiran et al. 2019, "Deep Double Descent", model-, sample- and
 * epoch-wise).
 *
 * <p>The interpolation threshold depends on the axis ({@link Threshold}). Along model size and
 * training time it is the smallest x whose mean training error is at most a tolerance (Belkin et
 * al. 2019: the capacity at which the model first fits its training set). Along the training-set
 * size it is the largest n whose mean training error is at most the tolerance: Nakkiran et al.'s
 * effective model complexity, the most samples a fixed model still fits. What "fits" reads depends
 * on the loss trained ({@link Measure}): the training error under cross-entropy, the training loss
 * relative to its value at step 0 under the squared loss, whose interpolation is an exact fit of
 * the targets (Belkin et al. 2019, Fig. 3: the threshold at N = n·K, where the squared training
 * loss reaches 0, past where the training error does).
 *
 * <p>Seeds are the unit of the peak test: each point carries one value per seed, and its standard
 * error is its own seeds' standard deviation over √m (variance peaks where test error peaks, so no
 * variance is pooled across x). A point with fewer than two seeds has no standard error: it stays
 * on the curve but is neither a peak candidate nor a flank. For each interior candidate (a local
 * maximum of the points with a standard error) the flank on each side is the lowest mean there, and
 * each side's difference is a one-sided Welch t test, t = (ē_peak − ē_flank) / √(se_peak² +
 * se_flank²) with Welch–Satterthwaite degrees of freedom. The candidate's p value is the larger of
 * its two sides' (both flanks must be lower), and the candidate with the smallest p value is the
 * one tested: it is a peak when p ≤ α / C, a Bonferroni correction over the C interior points
 * examined (α = {@link #DEFAULT_ALPHA}). The class's tests measure the false-positive rate on flat
 * and falling curves with heteroscedastic noise and the power on a planted peak; docs/science.md
 * gives both.
 *
 * <p>With a single seed at every point there is no standard error; then the noise scale is the
 * median absolute second difference of the mean curve (its point-to-point roughness) and a peak is
 * an interior maximum whose prominence exceeds {@code k} times it, a cruder uncalibrated fallback.
 * A monotone curve has no interior maximum, so it never reports a peak.
 *
 * <p>Absent values (no peak, threshold not reached) are NaN, which the tables store as null.
 */
public final class DoubleDescent {
  /** Multiple of the roughness a single-seed curve's prominence must exceed. */
  public static final double DEFAULT_K = 3.0;

  /** Default training-error tolerance for the interpolation threshold. */
  public static final double DEFAULT_TOLERANCE = 0.01;

  /** Default family-wise false-positive rate of the peak test over a curve's interior points. */
  public static final double DEFAULT_ALPHA = 0.05;

  private static final NormalDistribution NORMAL = new NormalDistribution(0, 1);

  private DoubleDescent() {}

  /** Which interpolated x is the interpolation threshold. */
  public enum Threshold {
    /** The smallest x whose mean training error is at most the tolerance (model size, step). */
    SMALLEST_INTERPOLATED,
    /** The largest x whose mean training error is at most the tolerance (training-set size). */
    LARGEST_INTERPOLATED;

    /** The rule of an {@code analysis.double_descent} axis: the largest for train_size. */
    public static Threshold forAxis(String axis) {
      return "train_size".equals(axis) ? LARGEST_INTERPOLATED : SMALLEST_INTERPOLATED;
    }
  }

  /** What a point's fit of its training set is read from. */
  public enum Measure {
    /** The mean training error (the fraction misclassified): a classifier on cross-entropy. */
    TRAIN_ERROR,
    /**
     * The mean over seeds of the training loss over the same run's training loss at step 0: the
     * squared loss, which a classifier's argmax can get right long before the outputs fit.
     */
    TRAIN_LOSS;

    /** The measure for runs trained on {@code loss} ("mse" or "cross_entropy"). */
    public static Measure forLoss(String loss) {
      return "mse".equals(loss) ? TRAIN_LOSS : TRAIN_ERROR;
    }

    /** Its name in the {@code double_descent} table. */
    public String column() {
      return this == TRAIN_LOSS ? "train_loss" : "train_error";
    }
  }

  /**
   * Test errors (one per seed), the mean training error and the mean relative training loss (over
   * the same run's at step 0; NaN where not measured) at one x.
   */
  public record Point(double x, List<Double> testErrors, double trainError, double trainLoss) {
    /** A point whose fit is read from its training error. */
    public Point(double x, List<Double> testErrors, double trainError) {
      this(x, testErrors, trainError, Double.NaN);
    }

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
   * @param seeds number of seeds per x
   * @param trainError mean training error per x
   * @param trainLoss mean training loss over its value at step 0 per x (NaN where not measured)
   * @param interpolatedBy what the interpolation threshold read
   * @param detected whether a peak was found
   * @param peakX x of the peak (NaN if none)
   * @param peakValue mean test error at the peak
   * @param prominence height of the tested candidate above the higher of its two flanks, whether or
   *     not it passed as a peak (0 when there is no candidate)
   * @param noise the standard error of the tested candidate's difference on its weaker side,
   *     √(se_peak² + se_flank²) (the roughness for a single-seed curve; NaN without a candidate)
   * @param z the tested candidate's p value as a standard normal quantile (NaN without a candidate
   *     or for a single-seed curve)
   * @param zThreshold the z the candidate has to reach, Φ⁻¹(1 − α/C) (NaN for a single-seed curve)
   * @param thresholdX the interpolation threshold (NaN if the measure never reaches the tolerance)
   * @param minBefore lowest mean test error before the peak (or of the whole curve if none)
   * @param minAfter lowest mean test error after the peak (NaN if none)
   */
  public record Result(
      List<Double> x,
      List<Double> mean,
      List<Double> std,
      List<Integer> seeds,
      List<Double> trainError,
      List<Double> trainLoss,
      Measure interpolatedBy,
      boolean detected,
      double peakX,
      double peakValue,
      double prominence,
      double noise,
      double z,
      double zThreshold,
      double thresholdX,
      double minBefore,
      double minAfter) {}

  /** Analyses {@code points} (any order) with the defaults and the smallest-x threshold. */
  public static Result detect(List<Point> points) {
    return detect(points, Threshold.SMALLEST_INTERPOLATED);
  }

  /** Analyses {@code points} (any order) with the defaults and the given threshold rule. */
  public static Result detect(List<Point> points, Threshold rule) {
    return detect(points, rule, Measure.TRAIN_ERROR);
  }

  /**
   * Analyses {@code points} with the defaults, the threshold by {@code rule} on {@code measure}.
   */
  public static Result detect(List<Point> points, Threshold rule, Measure measure) {
    return detect(points, DEFAULT_ALPHA, DEFAULT_K, DEFAULT_TOLERANCE, rule, measure);
  }

  /** {@link #detect(List, double, double, double, Threshold, Measure)} on the training error. */
  public static Result detect(
      List<Point> points, double alpha, double k, double tolerance, Threshold rule) {
    return detect(points, alpha, k, tolerance, rule, Measure.TRAIN_ERROR);
  }

  /**
   * Analyses {@code points} (any order, one per x).
   *
   * @param alpha family-wise false-positive rate of the seeded peak test
   * @param k multiple of the roughness for a curve with one seed per point
   * @param tolerance training error (or relative training loss) at or below which a point is
   *     interpolated
   * @param rule which interpolated x is the threshold
   * @param measure what a point's fit is read from
   */
  public static Result detect(
      List<Point> points,
      double alpha,
      double k,
      double tolerance,
      Threshold rule,
      Measure measure) {
    if (points.isEmpty()) {
      throw new IllegalArgumentException("a double-descent curve needs at least one point");
    }
    if (!(k >= 0) || !(tolerance >= 0) || !(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException(
          "k and tolerance must be >= 0 and alpha in (0, 1), found k = "
              + k
              + ", tolerance = "
              + tolerance
              + ", alpha = "
              + alpha);
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
    double threshold = threshold(sorted, tolerance, rule, measure);
    List<Double> xs = sorted.stream().map(Point::x).toList();
    List<Double> train = sorted.stream().map(Point::trainError).toList();
    List<Double> trainLoss = sorted.stream().map(Point::trainLoss).toList();
    List<Integer> seeds = sorted.stream().map(p -> p.testErrors().size()).toList();
    boolean seeded = seeds.stream().anyMatch(m -> m > 1);
    Test test = seeded ? welch(mean, std, seeds, alpha) : roughnessTest(mean, k);
    int c = test.candidate();
    if (!test.detected()) {
      return new Result(
          xs,
          list(mean),
          list(std),
          seeds,
          train,
          trainLoss,
          measure,
          false,
          Double.NaN,
          Double.NaN,
          test.prominence(),
          test.noise(),
          test.z(),
          test.zThreshold(),
          threshold,
          mean[argmin(mean, 0, n)],
          Double.NaN);
    }
    return new Result(
        xs,
        list(mean),
        list(std),
        seeds,
        train,
        trainLoss,
        measure,
        true,
        xs.get(c),
        mean[c],
        test.prominence(),
        test.noise(),
        test.z(),
        test.zThreshold(),
        threshold,
        mean[argmin(mean, 0, c)],
        mean[argmin(mean, c + 1, n)]);
  }

  /** The interpolation threshold under {@code rule}; NaN when no x is interpolated. */
  static double threshold(List<Point> sorted, double tolerance, Threshold rule, Measure measure) {
    double threshold = Double.NaN;
    for (Point p : sorted) {
      double fit = measure == Measure.TRAIN_LOSS ? p.trainLoss() : p.trainError();
      if (fit <= tolerance) {
        threshold = p.x();
        if (rule == Threshold.SMALLEST_INTERPOLATED) {
          break;
        }
      }
    }
    return threshold;
  }

  /** The outcome of a peak test: the tested candidate (−1 if none) and its statistics. */
  private record Test(
      int candidate,
      boolean detected,
      double prominence,
      double noise,
      double z,
      double zThreshold) {}

  /**
   * The seeded test: among the points with two or more seeds, each interior local maximum against
   * the lowest point on each side by a one-sided Welch t test, Bonferroni-corrected over the C
   * interior points.
   */
  private static Test welch(double[] mean, double[] std, List<Integer> seeds, double alpha) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < mean.length; i++) {
      if (seeds.get(i) > 1) {
        idx.add(i);
      }
    }
    int interior = Math.max(idx.size() - 2, 0);
    double zThreshold =
        interior > 0 ? NORMAL.inverseCumulativeProbability(1 - alpha / interior) : Double.NaN;
    int best = -1;
    double bestP = Double.POSITIVE_INFINITY;
    double bestProminence = 0;
    double bestNoise = Double.NaN;
    for (int a = 1; a < idx.size() - 1; a++) {
      int i = idx.get(a);
      if (!(mean[i] > mean[idx.get(a - 1)] && mean[i] >= mean[idx.get(a + 1)])) {
        continue;
      }
      int left = idx.get(0);
      for (int b = 0; b < a; b++) {
        left = mean[idx.get(b)] < mean[left] ? idx.get(b) : left;
      }
      int right = idx.get(a + 1);
      for (int b = a + 1; b < idx.size(); b++) {
        right = mean[idx.get(b)] < mean[right] ? idx.get(b) : right;
      }
      double[] l = welchP(mean, std, seeds, i, left);
      double[] r = welchP(mean, std, seeds, i, right);
      double[] weaker = l[0] >= r[0] ? l : r;
      double p = weaker[0];
      if (best < 0 || p < bestP) {
        best = i;
        bestP = p;
        bestProminence = mean[i] - Math.max(mean[left], mean[right]);
        bestNoise = weaker[1];
      }
    }
    if (best < 0) {
      return new Test(-1, false, 0, Double.NaN, Double.NaN, zThreshold);
    }
    double z =
        bestP <= 0 ? Double.POSITIVE_INFINITY : NORMAL.inverseCumulativeProbability(1 - bestP);
    return new Test(best, bestP <= alpha / interior, bestProminence, bestNoise, z, zThreshold);
  }

  /**
   * One-sided p value of "point i is above point j" by Welch's t test, and the standard error of
   * the difference. Zero spread at both points makes any positive difference certain.
   */
  private static double[] welchP(double[] mean, double[] std, List<Integer> seeds, int i, int j) {
    double vi = std[i] * std[i] / seeds.get(i);
    double vj = std[j] * std[j] / seeds.get(j);
    double se = Math.sqrt(vi + vj);
    double d = mean[i] - mean[j];
    if (se == 0) {
      return new double[] {d > 0 ? 0 : 1, 0};
    }
    double dof =
        (vi + vj) * (vi + vj) / (vi * vi / (seeds.get(i) - 1) + vj * vj / (seeds.get(j) - 1));
    // The upper tail as the lower tail of −t keeps small p values exact.
    return new double[] {new TDistribution(dof).cumulativeProbability(-d / se), se};
  }

  /**
   * The single-seed fallback: the most prominent interior maximum against k times the roughness.
   */
  private static Test roughnessTest(double[] mean, double k) {
    int n = mean.length;
    double noise = roughness(mean);
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
    boolean detected = candidate >= 0 && candidateProminence > k * noise;
    return new Test(candidate, detected, candidateProminence, noise, Double.NaN, Double.NaN);
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

  private static List<Double> list(double[] v) {
    List<Double> out = new ArrayList<>();
    for (double x : v) {
      out.add(x);
    }
    return out;
  }
}
