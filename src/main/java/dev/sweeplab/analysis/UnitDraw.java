package dev.sweeplab.analysis;

import java.util.SplittableRandom;

/**
 * One bootstrap replicate of whole units (runs, repeats): what several points share is redrawn
 * together, so each unit's values enter every point it reaches as often as the unit was drawn
 * (resampling the top level of hierarchical data, Davison &amp; Hinkley 1997, sec. 3.8).
 */
final class UnitDraw {
  private UnitDraw() {}

  /** How many times each of {@code n} units is drawn in {@code n} draws with replacement. */
  static int[] counts(int n, SplittableRandom rng) {
    int[] counts = new int[n];
    for (int i = 0; i < n; i++) {
      counts[rng.nextInt(n)]++;
    }
    return counts;
  }
}
