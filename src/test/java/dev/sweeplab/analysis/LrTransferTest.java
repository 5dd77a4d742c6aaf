package dev.sweeplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link LrTransfer} on synthetic losses whose optimum is known: a parabola in log2 of the rate
 * whose vertex moves one grid step per doubling of width, a tie, a rate where every seed diverged,
 * one where a seed diverged, and optima on the grid's edges.
 */
class LrTransferTest {
  /** 2^-12 .. 2^-4: nine rates one log2 step apart. */
  static final List<Double> GRID =
      List.of(0x1p-12, 0x1p-11, 0x1p-10, 0x1p-9, 0x1p-8, 0x1p-7, 0x1p-6, 0x1p-5, 0x1p-4);

  /** A seed's deviation at each rate: fixed numbers, so the test is the same on every run. */
  static final double[][] NOISE = {
    {0.004, -0.003, 0.002, 0.001, -0.004, 0.003, -0.002, 0.000, 0.001},
    {-0.002, 0.004, -0.001, -0.003, 0.002, -0.004, 0.001, 0.003, -0.001},
    {0.001, -0.002, 0.003, 0.002, 0.001, 0.002, -0.003, -0.001, 0.002},
    {-0.003, 0.001, -0.004, 0.000, 0.003, -0.001, 0.004, -0.002, 0.000}
  };

  static final double CURVATURE = 0.003;

  /** Loss 0.5 + 0.003 (log2 lr − vertex)² plus the seed's deviation, for repeats 0..3. */
  static Map<Double, Map<Integer, Double>> parabola(double vertex) {
    Map<Double, Map<Integer, Double>> losses = new LinkedHashMap<>();
    for (int i = 0; i < GRID.size(); i++) {
      double x = LrTransfer.log2(GRID.get(i));
      Map<Integer, Double> seeds = new TreeMap<>();
      for (int r = 0; r < NOISE.length; r++) {
        seeds.put(r, 0.5 + CURVATURE * (x - vertex) * (x - vertex) + NOISE[r][i]);
      }
      losses.put(GRID.get(i), seeds);
    }
    return losses;
  }

  @Test
  void theVertexOfAParabolaIsTheOptimumAndItsShiftIsCountedInGridSteps() {
    // Standard parameterization as Tensor Programs V, Fig. 1 shows it: the optimum halves as the
    // width doubles. Widths 64, 128, 256: vertices at log2 lr -6, -7, -8.
    SortedMap<Integer, Double> optimal = new TreeMap<>();
    int[] widths = {64, 128, 256};
    for (int w = 0; w < widths.length; w++) {
      LrTransfer.Optimum o =
          LrTransfer.optimum(GRID, parabola(-6 - w), 2000, LrTransfer.seed(7, "w" + widths[w]));
      assertEquals(0x1p-6 / (1 << w), o.lr(), 0.0, "vertex at width " + widths[w]);
      // At the vertex the curve is 0.5 plus the mean of the four seeds' deviations there.
      int at = 6 - w;
      double mean = 0.5 + (NOISE[0][at] + NOISE[1][at] + NOISE[2][at] + NOISE[3][at]) / 4;
      assertEquals(mean, o.loss(), 1e-15);
      double ss = 0;
      for (double[] seed : NOISE) {
        ss += Math.pow(0.5 + seed[at] - mean, 2);
      }
      assertEquals(Math.sqrt(ss / 3), o.lossSd(), 1e-15, "sample sd over the 4 seeds");
      assertEquals(List.of(4, 4, 4, 4, 4, 4, 4, 4, 4), o.seeds());
      assertEquals(List.of(0, 0, 0, 0, 0, 0, 0, 0, 0), o.diverged());
      if (w == 0) {
        assertEquals(0.5 + CURVATURE * 36, o.meanLosses().get(0), 1e-15, "six steps from -6");
      }
      // The seeds' deviations (up to 0.004) exceed the curvature one step away (0.003): some
      // replicates choose a neighbour, and the interval, on grid rates, contains the optimum.
      assertEquals(2000, o.replicates());
      assertTrue(o.low() < o.lr() || o.lr() < o.high(), "not a point: " + o);
      assertTrue(o.low() <= o.lr() && o.lr() <= o.high(), "interval contains the optimum: " + o);
      assertTrue(GRID.contains(o.low()) && GRID.contains(o.high()), "grid rates: " + o);
      assertTrue(o.share() > 0.5 && o.share() < 1, "most replicates agree: " + o);
      assertFalse(o.atEdge());
      optimal.put(widths[w], o.lr());
    }
    assertEquals(1.0, LrTransfer.gridStep(GRID), 1e-12);
    LrTransfer.Transfer t = LrTransfer.across(GRID, optimal);
    assertEquals(0.0, t.shiftSteps().get(64), 1e-12);
    assertEquals(-1.0, t.shiftSteps().get(128), 1e-12);
    assertEquals(-2.0, t.shiftSteps().get(256), 1e-12);
    assertEquals(2.0, t.spreadSteps(), 1e-12);

    // muP: the vertex stays; no shift, no spread.
    SortedMap<Integer, Double> stable = new TreeMap<>(Map.of(64, 0x1p-6, 128, 0x1p-6, 256, 0x1p-6));
    LrTransfer.Transfer mup = LrTransfer.across(GRID, stable);
    assertEquals(List.of(0.0, 0.0, 0.0), List.copyOf(mup.shiftSteps().values()));
    assertEquals(0.0, mup.spreadSteps());
  }

  @Test
  void theBootstrapIsDeterministicForASeedAndDiffersAcrossSeeds() {
    LrTransfer.Optimum a = LrTransfer.optimum(GRID, parabola(-8), 500, LrTransfer.seed(1, "k"));
    LrTransfer.Optimum b = LrTransfer.optimum(GRID, parabola(-8), 500, LrTransfer.seed(1, "k"));
    assertEquals(a, b);
    assertTrue(LrTransfer.seed(1, "k") != LrTransfer.seed(2, "k"));
    assertTrue(LrTransfer.seed(1, "k") != WidthExponent.seed(1, "k"), "a stream per analysis");
  }

  @Test
  void aTieGoesToTheSmallerRate() {
    List<Double> grid = List.of(0.001, 0.01, 0.1, 1.0);
    Map<Double, Map<Integer, Double>> losses =
        Map.of(
            0.001, Map.of(0, 1.0, 1, 1.2),
            0.01, Map.of(0, 0.5, 1, 0.7),
            0.1, Map.of(0, 0.7, 1, 0.5),
            1.0, Map.of(0, 2.0, 1, 2.0));
    LrTransfer.Optimum o = LrTransfer.optimum(grid, losses, 0, 0);
    assertEquals(0.01, o.lr(), "0.01 and 0.1 both average 0.6");
    assertEquals(0.6, o.loss(), 1e-15);
    assertFalse(o.atEdge());
    assertEquals(0, o.replicates(), "0 replicates: no interval");
    assertTrue(Double.isNaN(o.low()) && Double.isNaN(o.high()) && Double.isNaN(o.share()));
  }

  @Test
  void aRateWhoseSeedsAllDivergedHasNoMeanAndIsNeverTheOptimum() {
    List<Double> grid = List.of(0.001, 0.01, 0.1, 1.0);
    double d = LrTransfer.DIVERGED;
    Map<Double, Map<Integer, Double>> losses =
        Map.of(
            0.001, Map.of(0, 1.0, 1, 1.1),
            0.01, Map.of(0, 0.6, 1, 0.8),
            0.1, Map.of(0, d, 1, d),
            1.0, Map.of(0, d, 1, d));
    LrTransfer.Optimum o = LrTransfer.optimum(grid, losses, 1000, 3);
    assertEquals(Arrays.asList(1.05, 0.7, null, null), rounded(o.meanLosses()));
    assertEquals(List.of(2, 2, 0, 0), o.seeds());
    assertEquals(List.of(0, 0, 2, 2), o.diverged());
    assertEquals(0.01, o.lr());
    assertEquals(0.1414, Math.round(o.lossSd() * 1e4) / 1e4, "sd of 0.6 and 0.8");
    assertEquals(1.0, o.share(), "the diverged rates never win a replicate");
    assertEquals(0.01, o.low());
    assertEquals(0.01, o.high());

    // Every seed of every rate diverged: no optimum at all.
    LrTransfer.Optimum none =
        LrTransfer.optimum(grid, Map.of(0.1, Map.of(0, d), 1.0, Map.of(0, d, 1, d)), 1000, 3);
    assertTrue(Double.isNaN(none.lr()) && Double.isNaN(none.loss()));
    assertEquals(Arrays.asList(null, null, null, null), none.meanLosses());
    assertEquals(List.of(0, 0, 1, 2), none.diverged());
    assertEquals(0, none.replicates());
    assertFalse(none.atEdge());
  }

  @Test
  void aDivergedSeedCountsAsInfiniteLoss() {
    // At 0.1 seed 1 diverged and seed 0 reached the least loss of the grid: its mean over the
    // finished seed is the least, but the diverged seed counts as +inf, so the point estimate is
    // 0.01; only a replicate that draws seed 0 twice (1 in 4 of them) picks 0.1.
    List<Double> grid = List.of(0.001, 0.01, 0.1);
    Map<Double, Map<Integer, Double>> losses =
        Map.of(
            0.001, Map.of(0, 1.0, 1, 1.0),
            0.01, Map.of(0, 0.6, 1, 0.6),
            0.1, Map.of(0, 0.3, 1, LrTransfer.DIVERGED));
    LrTransfer.Optimum o = LrTransfer.optimum(grid, losses, 4000, 11);
    assertEquals(0.01, o.lr(), "a rate with a diverged seed is no optimum");
    assertEquals(0.6, o.loss(), 1e-12);
    assertEquals(List.of(2, 2, 1), o.seeds());
    assertEquals(List.of(0, 0, 1), o.diverged());
    assertTrue(Math.abs(o.share() - 0.75) < 0.03, "P(not both draws seed 0) = 3/4: " + o.share());
    assertEquals(0.01, o.low());
    assertEquals(0.1, o.high(), "a quarter of the replicates see only the finished seed");
    assertFalse(o.atEdge(), "0.01 is inside the grid");
    assertEquals(0.0, o.lossSd(), 1e-12);
  }

  @Test
  void anOptimumOnEitherEdgeOfTheGridIsMarked() {
    List<Double> grid = List.of(0.01, 0.02, 0.04);
    LrTransfer.Optimum smallest =
        LrTransfer.optimum(
            grid, Map.of(0.01, Map.of(0, 0.1), 0.02, Map.of(0, 0.2), 0.04, Map.of(0, 0.3)), 200, 1);
    assertEquals(0.01, smallest.lr());
    assertTrue(smallest.atEdge());
    assertEquals(0, smallest.replicates(), "one repeat index: nothing to resample");
    LrTransfer.Optimum largest =
        LrTransfer.optimum(
            grid, Map.of(0.01, Map.of(0, 0.3), 0.02, Map.of(0, 0.2), 0.04, Map.of(0, 0.1)), 200, 1);
    assertEquals(0.04, largest.lr());
    assertTrue(largest.atEdge());
    LrTransfer.Optimum middle =
        LrTransfer.optimum(
            grid, Map.of(0.01, Map.of(0, 0.3), 0.02, Map.of(0, 0.1), 0.04, Map.of(0, 0.2)), 200, 1);
    assertFalse(middle.atEdge());
  }

  @Test
  void theGridStepIsTheMedianLog2SpacingAndTheShiftStartsAtTheFirstWidthWithAnOptimum() {
    assertEquals(1.0, LrTransfer.gridStep(List.of(1.0, 2.0, 4.0, 16.0)), 1e-12, "1, 1, 2");
    assertEquals(1.5, LrTransfer.gridStep(List.of(1.0, 2.0, 8.0)), 1e-12, "1, 2");
    assertTrue(Double.isNaN(LrTransfer.gridStep(List.of(1.0))));
    // 0.001 .. 0.1 in 3 log2 points: a step of log2(10) = 3.32.
    double third = Math.sqrt(0.001 * 0.1);
    List<Double> grid = List.of(0.001, third, 0.1);
    assertEquals(Math.log(10) / Math.log(2), LrTransfer.gridStep(grid), 1e-12);

    SortedMap<Integer, Double> optimal = new TreeMap<>();
    optimal.put(8, Double.NaN);
    optimal.put(16, 0.1);
    optimal.put(32, third);
    LrTransfer.Transfer t = LrTransfer.across(grid, optimal);
    assertTrue(Double.isNaN(t.shiftSteps().get(8)));
    assertEquals(0.0, t.shiftSteps().get(16), 1e-12);
    assertEquals(-1.0, t.shiftSteps().get(32), 1e-12);
    assertEquals(1.0, t.spreadSteps(), 1e-12);
    assertTrue(
        Double.isNaN(LrTransfer.across(grid, new TreeMap<>(Map.of(8, Double.NaN))).spreadSteps()));
  }

  @Test
  void aGridThatDoesNotAscendOrMissesARateIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> LrTransfer.optimum(List.of(0.1, 0.01), Map.of(), 0, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> LrTransfer.optimum(List.of(0.01, 0.1), Map.of(0.5, Map.of(0, 1.0)), 0, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> LrTransfer.optimum(List.of(0.01, 0.1), Map.of(), -1, 0));
  }

  private static List<Double> rounded(List<Double> values) {
    return values.stream().map(v -> v == null ? null : Math.round(v * 1e9) / 1e9).toList();
  }
}
