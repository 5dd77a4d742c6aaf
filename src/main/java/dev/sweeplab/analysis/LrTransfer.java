package dev.sweeplab.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Learning-rate transfer across widths (Yang et al. 2022, Tensor Programs V, Fig. 1 and Table 3):
 * at each width, the learning rate of a grid whose runs reach the least validation loss, and how
 * far that optimum moves as the network widens, counted in steps of the grid. Under muP the optimum
 * stays put; under standard parameterization with Adam it moves towards smaller rates as width
 * grows.
 *
 * <p><b>Estimate.</b> Per rate, the mean loss over the seeds whose run finished; a rate with no
 * such seed has no mean and is no candidate. The optimum is the candidate of least mean, the
 * smaller rate on a tie.
 *
 * <p><b>Interval.</b> A percentile bootstrap over seeds (Efron &amp; Tibshirani 1993, ch. 6 and
 * 13): each replicate redraws the width's repeat indices with replacement, the same draw at every
 * rate (a seed is one repeat index), re-averages each rate's loss over the drawn seeds it has and
 * takes the argmin again. A diverged seed counts as +∞ there, so a rate where some seeds diverge
 * loses every replicate that draws one of them rather than being judged on its surviving seeds. The
 * interval is the 2.5th and 97.5th order statistics of the replicates' optimal rates (rounded
 * outwards, so both are rates of the grid); a replicate whose every rate drew a diverged seed has
 * no optimum and is left out of them. With fewer than two repeat indices there is no interval.
 */
public final class LrTransfer {
  /** The loss that marks a diverged seed in {@link #optimum}'s input. */
  public static final double DIVERGED = Double.POSITIVE_INFINITY;

  private LrTransfer() {}

  /**
   * One width's curve over the grid and its optimum.
   *
   * @param learningRates the grid, ascending
   * @param meanLosses mean loss over finished seeds per rate; null where none finished
   * @param seeds finished seeds per rate
   * @param diverged diverged seeds per rate
   * @param lr the optimal rate (NaN when no rate has a finished seed)
   * @param loss the mean loss there (NaN likewise)
   * @param lossSd the sample standard deviation over seeds there (NaN with fewer than two)
   * @param low 2.5th percentile of the replicates' optimal rate (NaN without an interval)
   * @param high 97.5th percentile (NaN likewise)
   * @param share the fraction of replicates whose optimum is {@code lr} (NaN likewise)
   * @param replicates bootstrap replicates drawn (0 without an interval)
   * @param atEdge the optimum is the grid's smallest or largest rate, so the true one may lie
   *     outside the grid (false when there is none)
   */
  public record Optimum(
      List<Double> learningRates,
      List<Double> meanLosses,
      List<Integer> seeds,
      List<Integer> diverged,
      double lr,
      double loss,
      double lossSd,
      double low,
      double high,
      double share,
      int replicates,
      boolean atEdge) {
    public Optimum {
      learningRates = List.copyOf(learningRates);
      meanLosses = Collections.unmodifiableList(new ArrayList<>(meanLosses));
      seeds = List.copyOf(seeds);
      diverged = List.copyOf(diverged);
    }
  }

  /**
   * The optimum over {@code grid} (ascending, positive) of {@code losses}: rate → repeat index →
   * the seed's loss, {@link #DIVERGED} for a diverged seed. A null, NaN or −∞ loss is dropped.
   * Draws {@code replicates} bootstrap replicates from a generator seeded with {@code seed}.
   */
  public static Optimum optimum(
      List<Double> grid,
      Map<Double, ? extends Map<Integer, Double>> losses,
      int replicates,
      long seed) {
    if (replicates < 0) {
      throw new IllegalArgumentException("replicates must be >= 0, found " + replicates);
    }
    checkGrid(grid);
    for (Double rate : losses.keySet()) {
      if (!grid.contains(rate)) {
        throw new IllegalArgumentException("learning rate " + rate + " is not in the grid " + grid);
      }
    }
    int k = grid.size();
    TreeSet<Integer> repeats = new TreeSet<>();
    List<Map<Integer, Double>> usable = new ArrayList<>();
    for (Double rate : grid) {
      Map<Integer, Double> kept = new TreeMap<>();
      Map<Integer, Double> given = losses.containsKey(rate) ? losses.get(rate) : Map.of();
      given.forEach(
          (repeat, v) -> {
            if (v != null && !Double.isNaN(v) && v != Double.NEGATIVE_INFINITY) {
              kept.put(repeat, v);
            }
          });
      repeats.addAll(kept.keySet());
      usable.add(kept);
    }
    List<Integer> index = new ArrayList<>(repeats);
    // value[i][s]: the loss at rate i of the s-th repeat index present; NaN where it has none
    double[][] value = new double[k][index.size()];
    List<Double> means = new ArrayList<>();
    List<Integer> seeds = new ArrayList<>();
    List<Integer> diverged = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      Arrays.fill(value[i], Double.NaN);
      double sum = 0;
      int n = 0;
      int d = 0;
      for (Map.Entry<Integer, Double> e : usable.get(i).entrySet()) {
        value[i][index.indexOf(e.getKey())] = e.getValue();
        if (e.getValue() == DIVERGED) {
          d++;
        } else {
          sum += e.getValue();
          n++;
        }
      }
      means.add(n == 0 ? null : sum / n);
      seeds.add(n);
      diverged.add(d);
    }
    int best = -1;
    for (int i = 0; i < k; i++) {
      // A rate at which a seed diverged is never the optimum: it counts as +infinity, as in the
      // bootstrap replicates.
      if (means.get(i) != null
          && diverged.get(i) == 0
          && (best < 0 || means.get(i) < means.get(best))) {
        best = i;
      }
    }
    if (best < 0) {
      return new Optimum(
          grid,
          means,
          seeds,
          diverged,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          0,
          false);
    }
    double mean = means.get(best);
    double sd = Double.NaN;
    if (seeds.get(best) >= 2) {
      double ss = 0;
      for (double v : value[best]) {
        if (Double.isFinite(v)) {
          ss += (v - mean) * (v - mean);
        }
      }
      sd = Math.sqrt(ss / (seeds.get(best) - 1));
    }
    double low = Double.NaN;
    double high = Double.NaN;
    double share = Double.NaN;
    int drawn = 0;
    if (replicates > 0 && index.size() >= 2) {
      SplittableRandom rng = new SplittableRandom(seed);
      int[] draw = new int[index.size()];
      double[] optima = new double[replicates];
      int defined = 0;
      int same = 0;
      for (int b = 0; b < replicates; b++) {
        for (int s = 0; s < draw.length; s++) {
          draw[s] = rng.nextInt(draw.length);
        }
        int argmin = argmin(value, draw);
        if (argmin >= 0) {
          optima[defined++] = grid.get(argmin);
          same += argmin == best ? 1 : 0;
        }
      }
      if (defined > 0) {
        double[] sorted = Arrays.copyOf(optima, defined);
        Arrays.sort(sorted);
        low = sorted[(int) Math.floor(0.025 * (defined - 1))];
        high = sorted[(int) Math.ceil(0.975 * (defined - 1))];
      }
      share = (double) same / replicates;
      drawn = replicates;
    }
    return new Optimum(
        grid,
        means,
        seeds,
        diverged,
        grid.get(best),
        mean,
        sd,
        low,
        high,
        share,
        drawn,
        best == 0 || best == k - 1);
  }

  /**
   * The rate of least mean over the drawn repeat indices, a diverged draw making its rate's mean
   * +∞; −1 when no rate has a finite mean.
   */
  private static int argmin(double[][] value, int[] draw) {
    int best = -1;
    double least = Double.POSITIVE_INFINITY;
    for (int i = 0; i < value.length; i++) {
      double sum = 0;
      int n = 0;
      for (int s : draw) {
        double v = value[i][s];
        if (!Double.isNaN(v)) {
          sum += v;
          n++;
        }
      }
      if (n > 0 && sum / n < least) {
        least = sum / n;
        best = i;
      }
    }
    return best;
  }

  /**
   * The grid's step in log2: the median of the log2 spacings of consecutive rates (the mean of the
   * middle two for an even count); NaN for a grid of one rate.
   */
  public static double gridStep(List<Double> grid) {
    checkGrid(grid);
    if (grid.size() < 2) {
      return Double.NaN;
    }
    double[] d = new double[grid.size() - 1];
    for (int i = 0; i < d.length; i++) {
      d[i] = log2(grid.get(i + 1)) - log2(grid.get(i));
    }
    Arrays.sort(d);
    int m = d.length / 2;
    return d.length % 2 == 1 ? d[m] : (d[m - 1] + d[m]) / 2;
  }

  /**
   * How far the optimum moves across widths, in grid steps.
   *
   * @param shiftSteps per width: log2(optimal rate / optimal rate at the smallest width that has
   *     one) over the grid step; NaN for a width without an optimum
   * @param spreadSteps the largest minus the least log2 optimal rate over the widths, over the grid
   *     step (NaN when no width has an optimum)
   */
  public record Transfer(Map<Integer, Double> shiftSteps, double spreadSteps) {
    public Transfer {
      shiftSteps = Collections.unmodifiableMap(new LinkedHashMap<>(shiftSteps));
    }
  }

  /**
   * The shift and spread of {@code optimalLr} (width → optimal rate, NaN for none) on {@code grid}.
   */
  public static Transfer across(List<Double> grid, SortedMap<Integer, Double> optimalLr) {
    double step = gridStep(grid);
    double reference = Double.NaN;
    double least = Double.POSITIVE_INFINITY;
    double most = Double.NEGATIVE_INFINITY;
    for (double lr : optimalLr.values()) {
      if (!Double.isNaN(lr)) {
        reference = Double.isNaN(reference) ? log2(lr) : reference;
        least = Math.min(least, log2(lr));
        most = Math.max(most, log2(lr));
      }
    }
    Map<Integer, Double> shift = new LinkedHashMap<>();
    for (Map.Entry<Integer, Double> e : optimalLr.entrySet()) {
      shift.put(e.getKey(), (log2(e.getValue()) - reference) / step);
    }
    return new Transfer(shift, Double.isNaN(reference) ? Double.NaN : (most - least) / step);
  }

  /**
   * A generator seed for one row: 64 bits of SHA-256 of the sweep seed and {@code key}, so a re-run
   * draws the same replicates and writes identical rows.
   */
  public static long seed(long sweepSeed, String key) {
    return ReplicateSeed.of("lr_transfer", sweepSeed, key);
  }

  static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }

  private static void checkGrid(List<Double> grid) {
    if (grid.isEmpty()) {
      throw new IllegalArgumentException("the learning-rate grid is empty");
    }
    for (int i = 0; i < grid.size(); i++) {
      if (!(grid.get(i) > 0) || !Double.isFinite(grid.get(i))) {
        throw new IllegalArgumentException("learning rates must be > 0, found " + grid.get(i));
      }
      if (i > 0 && !(grid.get(i) > grid.get(i - 1))) {
        throw new IllegalArgumentException("the learning-rate grid must ascend, found " + grid);
      }
    }
  }
}
