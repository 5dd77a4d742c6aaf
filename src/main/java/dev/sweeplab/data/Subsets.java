package dev.sweeplab.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which samples of a file a run uses, in which order: a seeded permutation, or a class-balanced
 * interleaving of per-class permutations (one of each class in turn). Either way the order does not
 * depend on how many samples are taken, so a smaller subset is a prefix of a larger one.
 */
public final class Subsets {
  private Subsets() {}

  /** The first {@code n} indices of a seeded permutation of 0..size-1. */
  public static int[] prefix(int size, int n, long seed) {
    int[] order = permutation(size, seed);
    return java.util.Arrays.copyOf(order, n);
  }

  /**
   * The first {@code n} indices of a class-balanced order: round r takes the r-th sample of each
   * class's seeded permutation, classes in order, skipping classes already used up.
   */
  public static int[] balanced(int[] labels, int classes, int n, long seed) {
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i : permutation(labels.length, seed)) {
      byClass.get(labels[i]).add(i);
    }
    int[] out = new int[n];
    int k = 0;
    for (int round = 0; k < n; round++) {
      boolean any = false;
      for (int c = 0; c < classes && k < n; c++) {
        if (round < byClass.get(c).size()) {
          out[k++] = byClass.get(c).get(round);
          any = true;
        }
      }
      if (!any) {
        throw new IllegalArgumentException("asked for " + n + " samples of " + labels.length);
      }
    }
    return out;
  }

  private static int[] permutation(int size, long seed) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = size - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
