package dev.sweeplab.data;

import java.util.SplittableRandom;

/**
 * Label noise as in Nakkiran et al. (2019, "Deep Double Descent"): each training label is, with
 * probability p, replaced by a class drawn uniformly from the K - 1 <em>other</em> classes. Sample
 * i (its position in the training order) draws one uniform u_i and one replacement class from a
 * generator seeded by (data seed, i) only. So the noise is the same for every run of a sweep that
 * shares the data seed, does not depend on {@code train_size} (a smaller training set carries
 * exactly the noise of a larger one's prefix), and is monotone in p: the labels flipped at p are
 * flipped, to the same classes, at any q > p.
 */
final class LabelNoise {
  private LabelNoise() {}

  /** Flips labels in place; returns how many were changed. */
  static int apply(int[] labels, int classes, double p, long seed) {
    if (p <= 0) {
      return 0;
    }
    if (classes < 2) {
      throw new IllegalArgumentException("label noise needs at least 2 classes, found " + classes);
    }
    int flipped = 0;
    for (int i = 0; i < labels.length; i++) {
      SplittableRandom rng = Seeds.rng(seed, Seeds.LABEL_NOISE, i);
      double u = rng.nextDouble();
      int shift = 1 + rng.nextInt(classes - 1);
      if (u < p) {
        labels[i] = (labels[i] + shift) % classes;
        flipped++;
      }
    }
    return flipped;
  }
}
