package dev.sweeplab.spec;

import java.util.Collection;

/** The nearest word by edit distance, for "did you mean" hints. */
final class Nearest {
  private Nearest() {}

  /** The candidate closest to {@code word}, or null when none is plausibly meant. */
  static String of(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance(word.toLowerCase(), candidate.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    int tolerance = Math.max(2, word.length() / 3);
    return bestDistance <= tolerance ? best : null;
  }

  /** " Did you mean 'nearest'?", or nothing when {@code nearest} is null. */
  static String hint(String nearest) {
    return nearest == null ? "" : " Did you mean '" + nearest + "'?";
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
