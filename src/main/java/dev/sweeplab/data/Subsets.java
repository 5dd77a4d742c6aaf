package dev.sweeplab.data;

import dev.sweeplab.spec.UserError;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * Which samples a run uses, in which order. {@code prefix}: a seeded permutation. {@code balanced}:
 * classes taken round-robin (0, 1, ..., K-1, 0, 1, ...), each from its own seeded order. Either way
 * the order is fixed by the seed alone and a run takes its first {@code train_size} entries, so
 * under one seed a smaller subset is always a prefix of a larger one.
 */
final class Subsets {
  private Subsets() {}

  /** The first {@code n} entries of a seeded permutation of 0..size-1. */
  static int[] prefix(int size, int n, long seed) {
    return Arrays.copyOf(permutation(size, seed), n);
  }

  /**
   * The first {@code n} entries of the class-balanced order of a finite file: round r takes the
   * r-th sample of each class (in the seeded permutation), classes in order, skipping a class once
   * it is used up. Class counts differ by at most one until a class runs out.
   */
  static int[] balanced(int[] labels, int classes, int n, long seed) {
    if (n > labels.length) {
      throw new IllegalArgumentException(n + " samples asked of " + labels.length);
    }
    return roundRobin(byClass(labels, classes, seed), n);
  }

  /**
   * The first {@code n} entries of the class-balanced order over an unbounded generated stream
   * whose sample i has class {@code labelAt(i)}: the k-th entry is the (k / K)-th sample of class k
   * mod K in stream order, so class counts differ by at most one. Fails, naming the class, when the
   * first {@code limit} samples do not hold enough of some class.
   */
  static int[] balanced(IntUnaryOperator labelAt, int classes, int n, int limit) {
    int[][] byClass = new int[classes][];
    int[] filled = new int[classes];
    int missing = 0;
    for (int c = 0; c < classes; c++) {
      byClass[c] = new int[n / classes + (c < n % classes ? 1 : 0)];
      missing += byClass[c].length;
    }
    for (int i = 0; missing > 0; i++) {
      if (i >= limit) {
        int c = 0;
        while (filled[c] == byClass[c].length) {
          c++;
        }
        throw UserError.of(
            "dataset.subset = balanced needs "
                + byClass[c].length
                + " samples of class "
                + c
                + " for train_size = "
                + n
                + ", but the first "
                + limit
                + " generated samples hold only "
                + filled[c]
                + " (the teacher rarely picks it): use dataset.subset = prefix, or another"
                + " seed or teacher");
      }
      int y = labelAt.applyAsInt(i);
      if (filled[y] < byClass[y].length) {
        byClass[y][filled[y]++] = i;
        missing--;
      }
    }
    return roundRobin(byClass, n);
  }

  /**
   * The last {@code n} entries of the seeded permutation {@link #prefix} takes its subsets from:
   * apart from {@code prefix(size, m, seed)} for every m ≤ size − n.
   */
  static int[] tail(int size, int n, long seed) {
    if (n > size) {
      throw new IllegalArgumentException(n + " samples asked of " + size);
    }
    return Arrays.copyOfRange(permutation(size, seed), size - n, size);
  }

  /**
   * The first {@code n} entries of the class-balanced order taken from the other end: round r takes
   * the r-th last sample of each class in the seeded permutation {@link #balanced} reads from the
   * front. Apart from {@code balanced(labels, classes, m, seed)} as long as no class is reached
   * from both ends, which {@link #balancedRoom} measures.
   */
  static int[] balancedTail(int[] labels, int classes, int n, long seed) {
    int[][] byClass = byClass(labels, classes, seed);
    for (int[] members : byClass) {
      for (int i = 0, j = members.length - 1; i < j; i++, j--) {
        int t = members[i];
        members[i] = members[j];
        members[j] = t;
      }
    }
    if (n > labels.length) {
      throw new IllegalArgumentException(n + " samples asked of " + labels.length);
    }
    return roundRobin(byClass, n);
  }

  /**
   * The most samples {@link #balancedTail} gives that share no sample with {@code balanced(labels,
   * classes, m, seed)}: the round robin from the back stops at the first class whose samples the
   * one from the front has used up.
   */
  static int balancedRoom(int[] labels, int classes, int m) {
    int[] perClass = new int[classes];
    for (int y : labels) {
      perClass[y]++;
    }
    int[] used = new int[classes];
    int k = 0;
    for (int round = 0; k < m; round++) {
      for (int c = 0; c < classes && k < m; c++) {
        if (round < perClass[c]) {
          used[c]++;
          k++;
        }
      }
    }
    int room = 0;
    for (int round = 0; ; round++) {
      boolean any = false;
      for (int c = 0; c < classes; c++) {
        if (round < perClass[c]) {
          if (round + 1 > perClass[c] - used[c]) {
            return room;
          }
          room++;
          any = true;
        }
      }
      if (!any) {
        return room;
      }
    }
  }

  /** Each class's samples in the order of the seeded permutation. */
  private static int[][] byClass(int[] labels, int classes, long seed) {
    int[] perClass = new int[classes];
    for (int y : labels) {
      perClass[y]++;
    }
    int[][] byClass = new int[classes][];
    for (int c = 0; c < classes; c++) {
      byClass[c] = new int[perClass[c]];
    }
    int[] filled = new int[classes];
    for (int i : permutation(labels.length, seed)) {
      int y = labels[i];
      byClass[y][filled[y]++] = i;
    }
    return byClass;
  }

  /** A seeded Fisher–Yates permutation of 0..size-1. */
  static int[] permutation(int size, long seed) {
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

  private static int[] roundRobin(int[][] byClass, int n) {
    int[] out = new int[n];
    int k = 0;
    for (int round = 0; k < n; round++) {
      for (int c = 0; c < byClass.length && k < n; c++) {
        if (round < byClass[c].length) {
          out[k++] = byClass[c][round];
        }
      }
    }
    return out;
  }
}
