package dev.sweeplab.data;

import java.util.SplittableRandom;

/**
 * Label noise as in Nakkiran et al. (2019, "Deep Double Descent", §3): each training label is, with
 * probability p, replaced by a uniformly random <em>different</em> class. The draw for the sample
 * at position i depends only on (seed, i), so the noise is the same for every run of a sweep, a
 * smaller training set sees exactly the noise of a larger one's prefix, and for p < q the labels
 * flipped at p are flipped at q too (one uniform draw per sample).
 */
public final class LabelNoise {
  private static final long STREAM = 0x6e6f697365L;

  private LabelNoise() {}

  /** Flips labels in place; returns how many were changed. */
  public static int apply(int[] labels, int classes, double p, long seed) {
    if (p <= 0) {
      return 0;
    }
    int flipped = 0;
    for (int i = 0; i < labels.length; i++) {
      SplittableRandom rng = new SplittableRandom(mix(seed ^ STREAM, i));
      if (rng.nextDouble() < p) {
        labels[i] = (labels[i] + 1 + rng.nextInt(classes - 1)) % classes;
        flipped++;
      }
    }
    return flipped;
  }

  static long mix(long seed, long i) {
    return seed + i * 0x9E3779B97F4A7C15L;
  }
}
