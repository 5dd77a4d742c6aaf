package dev.sweeplab.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The exponent β of a per-run quantity q in width n, q ≈ c·n^β, with a bootstrap interval over
 * seeds: how lazy (β &lt; 0: the quantity vanishes as the net widens, the kernel regime of Jacot et
 * al. 2018 and Chizat, Oyallon &amp; Bach 2019) or rich (β ≈ 0: it stays of order one, the feature
 * learning of Yang &amp; Hu 2021) training is, measured as the slope of a log–log line.
 *
 * <p>The estimate is the ordinary least-squares slope of the per-width mean of ln q against ln n,
 * each width weighing the same whatever its number of seeds (the mean of ln q is the log of the
 * geometric mean over seeds). With the same seeds at every width it equals the slope fitted to all
 * (width, seed) points.
 *
 * <p>The interval is a percentile bootstrap stratified by width (Efron &amp; Tibshirani 1993, ch. 8
 * and 13): each replicate redraws every width's seeds with replacement, re-averages ln q per width
 * and refits the slope; the interval is the 2.5–97.5 percentile range of the replicates. The seed
 * (repeat) is the resampled unit. With few seeds per width the interval is too narrow (the
 * bootstrap cannot see variance the seeds did not show): trust it from about five seeds up. A width
 * with one seed adds no spread; with no width holding two seeds there is no interval. Where the
 * widths are paired by repeat ({@code dataset.data_seed: per_repeat}: repeat r trains every width
 * on one sample), each replicate redraws the repeats instead, the same draw at every width, so that
 * what a sample does to every width alike is not taken for noise in the slope.
 *
 * <p>Points that are not finite or not positive have no logarithm and are dropped before the fit.
 */
public final class WidthExponent {
  /** Bootstrap replicates per fit. */
  public static final int REPLICATES = 2000;

  private WidthExponent() {}

  /**
   * One fitted exponent.
   *
   * @param exponent the OLS slope of mean ln q per width on ln n
   * @param low 2.5th percentile of the bootstrap slopes (NaN when no width has two seeds)
   * @param high 97.5th percentile (NaN likewise)
   * @param widths the widths fitted, ascending
   * @param geometricMeans exp(mean ln q) at each of {@code widths}
   * @param seeds the fewest seeds at any fitted width
   * @param points the (width, seed) values fitted
   * @param replicates bootstrap replicates drawn (0 when there is no interval)
   */
  public record Result(
      double exponent,
      double low,
      double high,
      List<Double> widths,
      List<Double> geometricMeans,
      int seeds,
      int points,
      int replicates) {
    public Result {
      widths = List.copyOf(widths);
      geometricMeans = List.copyOf(geometricMeans);
    }
  }

  /**
   * Fits β to {@code byWidth} (width → the quantity of each seed, in a fixed seed order), drawing
   * {@code replicates} bootstrap replicates from a generator seeded with {@code seed}. Values that
   * are null, not finite or not positive are dropped; empty when fewer than two widths keep a
   * value.
   */
  public static Optional<Result> fit(
      Map<? extends Number, ? extends List<Double>> byWidth, int replicates, long seed) {
    return fit(byWidth, null, replicates, seed);
  }

  /**
   * {@link #fit(Map, int, long)} with the widths paired by repeat: {@code repeats} gives the repeat
   * of each value of {@code byWidth}, in its order, and each replicate redraws repeats, the same
   * draw at every width (null: the seeds of each width are redrawn on their own).
   */
  public static Optional<Result> fit(
      Map<? extends Number, ? extends List<Double>> byWidth,
      Map<? extends Number, ? extends List<Integer>> repeats,
      int replicates,
      long seed) {
    if (replicates < 0) {
      throw new IllegalArgumentException("replicates must be >= 0, found " + replicates);
    }
    SortedMap<Double, double[]> logs = new TreeMap<>();
    SortedMap<Double, int[]> labels = new TreeMap<>();
    byWidth.forEach(
        (width, values) -> {
          double n = width.doubleValue();
          if (!(n > 0) || !Double.isFinite(n)) {
            throw new IllegalArgumentException("width must be > 0, found " + width);
          }
          List<Integer> of = repeats == null ? null : repeats.get(width);
          if (of != null && of.size() != values.size()) {
            throw new IllegalArgumentException(
                "width "
                    + width
                    + " has "
                    + values.size()
                    + " values and "
                    + of.size()
                    + " repeats");
          }
          List<Double> kept = new ArrayList<>();
          List<Integer> keptRepeats = new ArrayList<>();
          for (int j = 0; j < values.size(); j++) {
            Double v = values.get(j);
            if (v != null && Double.isFinite(v) && v > 0) {
              kept.add(Math.log(v));
              keptRepeats.add(of == null ? -1 : of.get(j));
            }
          }
          if (!kept.isEmpty()) {
            logs.merge(n, kept.stream().mapToDouble(d -> d).toArray(), WidthExponent::concat);
            labels.merge(
                n,
                keptRepeats.stream().mapToInt(r -> r).toArray(),
                (a, b) -> IntStream.concat(Arrays.stream(a), Arrays.stream(b)).toArray());
          }
        });
    if (logs.size() < 2) {
      return Optional.empty();
    }
    int k = logs.size();
    double[] x = new double[k];
    double[][] y = new double[k][];
    double[] means = new double[k];
    int i = 0;
    for (Map.Entry<Double, double[]> e : logs.entrySet()) {
      x[i] = Math.log(e.getKey());
      y[i] = e.getValue();
      means[i] = mean(y[i]);
      i++;
    }
    double exponent = slope(x, means);
    int fewest = Arrays.stream(y).mapToInt(v -> v.length).min().orElseThrow();
    int most = Arrays.stream(y).mapToInt(v -> v.length).max().orElseThrow();
    int points = Arrays.stream(y).mapToInt(v -> v.length).sum();
    double low = Double.NaN;
    double high = Double.NaN;
    int drawn = 0;
    int[] paired =
        repeats == null
            ? new int[0]
            : labels.values().stream().flatMapToInt(Arrays::stream).distinct().sorted().toArray();
    if (paired.length >= 2 && replicates > 0) {
      // each value's repeat as its position in paired, the units UnitDraw counts
      int[][] r =
          labels.values().stream()
              .map(of -> Arrays.stream(of).map(rep -> Arrays.binarySearch(paired, rep)).toArray())
              .toArray(int[][]::new);
      double[] slopes =
          pairedSlopes(x, y, r, paired.length, replicates, new SplittableRandom(seed));
      if (slopes.length > 0) {
        low = percentile(slopes, 0.025);
        high = percentile(slopes, 0.975);
        drawn = slopes.length;
      }
    } else if (most >= 2 && replicates > 0) {
      SplittableRandom rng = new SplittableRandom(seed);
      double[] slopes = new double[replicates];
      double[] resampled = new double[k];
      for (int b = 0; b < replicates; b++) {
        for (int w = 0; w < k; w++) {
          double sum = 0;
          for (int s = 0; s < y[w].length; s++) {
            sum += y[w][rng.nextInt(y[w].length)];
          }
          resampled[w] = sum / y[w].length;
        }
        slopes[b] = slope(x, resampled);
      }
      Arrays.sort(slopes);
      low = percentile(slopes, 0.025);
      high = percentile(slopes, 0.975);
      drawn = replicates;
    }
    List<Double> widths = new ArrayList<>(logs.keySet());
    List<Double> geometric = Arrays.stream(means).map(Math::exp).boxed().toList();
    return Optional.of(new Result(exponent, low, high, widths, geometric, fewest, points, drawn));
  }

  /**
   * A generator seed for one fitted row: 64 bits of SHA-256 of {@code sweepSeed:key}, so a re-run
   * of the analysis draws the same replicates and writes identical rows.
   */
  public static long seed(long sweepSeed, String key) {
    return ReplicateSeed.of("width_exponents", sweepSeed, key);
  }

  /**
   * The sorted slopes of {@code replicates} replicates that each redraw the {@code repeats} with
   * replacement and average, at every width, the values of the drawn repeats ({@code labels}[w][s]
   * the position of {@code y}[w][s]'s repeat); a width no drawn repeat reaches sits that replicate
   * out, and a replicate left with fewer than two widths is not counted.
   */
  private static double[] pairedSlopes(
      double[] x, double[][] y, int[][] labels, int repeats, int replicates, SplittableRandom rng) {
    double[] slopes = new double[replicates];
    int kept = 0;
    for (int b = 0; b < replicates; b++) {
      int[] drawn = UnitDraw.counts(repeats, rng);
      double[] xs = new double[x.length];
      double[] means = new double[x.length];
      int widths = 0;
      for (int w = 0; w < x.length; w++) {
        double sum = 0;
        int count = 0;
        for (int s = 0; s < y[w].length; s++) {
          int times = drawn[labels[w][s]];
          sum += times * y[w][s];
          count += times;
        }
        if (count > 0) {
          xs[widths] = x[w];
          means[widths++] = sum / count;
        }
      }
      if (widths >= 2) {
        slopes[kept++] = slope(Arrays.copyOf(xs, widths), Arrays.copyOf(means, widths));
      }
    }
    double[] out = Arrays.copyOf(slopes, kept);
    Arrays.sort(out);
    return out;
  }

  /** The least-squares slope of y on x (x not all equal). */
  static double slope(double[] x, double[] y) {
    double mx = mean(x);
    double my = mean(y);
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxy / sxx;
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d;
    }
    return s / v.length;
  }

  private static double[] concat(double[] a, double[] b) {
    double[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static double percentile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
