package dev.sweeplab.store;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.train.Numerics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Planned runs staged only under other numerics than their current {@link
 * dev.sweeplab.train.Numerics} version: computed by other maths, so trained again, never reused or
 * committed. Driver-only.
 *
 * @param runs the runs, in planned order
 * @param description for a person, one clause per pair of versions: {@code 12 staged runs were
 *     computed by numerics 2, now 3 (parameterization mup, ntk)}; empty when there are none
 */
public record StaleRuns(List<RunConfig> runs, String description) {
  public StaleRuns {
    runs = List.copyOf(runs);
  }

  /** The planned runs that {@code found} has superseded files of and no current one. */
  public static StaleRuns of(Staging.Found found, Collection<RunConfig> planned) {
    Map<String, Integer> was = new HashMap<>();
    for (Superseded s : found.superseded()) {
      if (!found.files().containsKey(s.runId())) {
        was.merge(s.runId(), s.numerics(), Math::max);
      }
    }
    List<RunConfig> runs = new ArrayList<>();
    // (was, now) → parameterizations, and run counts, sorted for a stable message
    Map<List<Integer>, TreeSet<String>> kinds = new TreeMap<>(StaleRuns::compare);
    Map<List<Integer>, Integer> counts = new HashMap<>();
    for (RunConfig run : planned) {
      Integer old = was.get(run.runId());
      if (old == null) {
        continue;
      }
      runs.add(run);
      List<Integer> change = List.of(old, Numerics.version(run));
      kinds.computeIfAbsent(change, k -> new TreeSet<>()).add(run.parameterization());
      counts.merge(change, 1, Integer::sum);
    }
    List<String> clauses = new ArrayList<>();
    kinds.forEach(
        (change, parameterizations) -> {
          int n = counts.get(change);
          clauses.add(
              n
                  + (n == 1 ? " staged run was" : " staged runs were")
                  + " computed by numerics "
                  + change.get(0)
                  + ", now "
                  + change.get(1)
                  + " (parameterization "
                  + String.join(", ", parameterizations)
                  + ")");
        });
    return new StaleRuns(runs, String.join("; ", clauses));
  }

  public boolean isEmpty() {
    return runs.isEmpty();
  }

  private static int compare(List<Integer> a, List<Integer> b) {
    int c = Integer.compare(a.get(0), b.get(0));
    return c != 0 ? c : Integer.compare(a.get(1), b.get(1));
  }
}
