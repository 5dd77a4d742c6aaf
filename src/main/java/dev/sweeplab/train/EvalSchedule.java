package dev.sweeplab.train;

import java.util.TreeSet;

/** Steps at which a run is evaluated: 0, then log-spaced up to and including the last step. */
public final class EvalSchedule {
  private EvalSchedule() {}

  /** At most {@code points} distinct steps in [0, total], always including 0 and total. */
  public static long[] logSpaced(long total, int points) {
    TreeSet<Long> steps = new TreeSet<>();
    steps.add(0L);
    steps.add(total);
    double top = Math.log(Math.max(total, 1));
    for (int i = 0; i < points - 1 && steps.size() < points; i++) {
      steps.add(Math.min(total, Math.round(Math.exp(top * i / Math.max(1, points - 2)))));
    }
    return steps.stream().mapToLong(Long::longValue).toArray();
  }
}
