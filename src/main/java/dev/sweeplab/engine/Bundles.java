package dev.sweeplab.engine;

import dev.sweeplab.spec.RunConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Groups a sweep's runs into Spark tasks. Spark's own time per task is about as long as a tiny run
 * trains (docs/benchmarks.md), so runs well below a core's share of the sweep share a task: each
 * task holds at most {@code min(total, 8 × remaining) / (cores × tasksPerCore)} of the estimated
 * cost ({@link RunConfig#cost()}), where {@code remaining} is the cost of the runs from that task
 * on. A run above that has a task of its own. Runs and tasks go longest first, so the biggest runs
 * do not start last; over the last eighth of the cost the tasks shrink with what is left (guided
 * self-scheduling), down to one run each, so the cores finish together.
 *
 * <p>With the default {@value #TASKS_PER_CORE} tasks per core a 10,000-run sweep of equal tiny runs
 * on 2 cores becomes 54 tasks; a sweep of big runs keeps one task per run. A task that is lost
 * retrains at most {@code 1/tasksPerCore} of a core's share, less the runs it had staged (see
 * {@link RunTask}).
 */
final class Bundles {
  /** Tasks per core while at least an eighth of the cost remains. */
  static final int TASKS_PER_CORE = 16;

  private Bundles() {}

  /** {@code runs} as tasks, longest first; each run in exactly one. */
  static List<List<RunConfig>> of(List<RunConfig> runs, int cores, int tasksPerCore) {
    if (cores < 1 || tasksPerCore < 1) {
      throw new IllegalArgumentException(
          "cores and tasks per core must be positive: " + cores + ", " + tasksPerCore);
    }
    List<RunConfig> order = longestFirst(runs);
    double total = order.stream().mapToDouble(RunConfig::cost).sum();
    double remaining = total;
    double slots = (double) cores * tasksPerCore;
    List<List<RunConfig>> tasks = new ArrayList<>();
    List<RunConfig> task = new ArrayList<>();
    double taskCost = 0;
    double budget = 0;
    for (RunConfig run : order) {
      if (task.isEmpty()) {
        budget = Math.min(total, 8 * remaining) / slots; // fixed when the task opens
      } else if (taskCost + run.cost() > budget * (1 + 1e-9)) {
        tasks.add(task);
        task = new ArrayList<>();
        taskCost = 0;
        budget = Math.min(total, 8 * remaining) / slots;
      }
      task.add(run);
      taskCost += run.cost();
      remaining -= run.cost();
    }
    if (!task.isEmpty()) {
      tasks.add(task);
    }
    return tasks;
  }

  /**
   * {@code runs} longest first by estimated cost, run id breaking ties: the order runs are started
   * in. Each run's cost and id are computed once (an id is a SHA-256 of the run's canonical JSON).
   */
  static List<RunConfig> longestFirst(List<RunConfig> runs) {
    record Keyed(RunConfig run, double cost, String id) {}
    return runs.stream()
        .map(run -> new Keyed(run, run.cost(), run.runId()))
        .sorted(Comparator.comparingDouble(Keyed::cost).reversed().thenComparing(Keyed::id))
        .map(Keyed::run)
        .toList();
  }

  /** Each task's estimated cost. */
  static double[] cost(List<List<RunConfig>> tasks) {
    return tasks.stream().mapToDouble(t -> t.stream().mapToDouble(RunConfig::cost).sum()).toArray();
  }

  /** Each task's number of runs. */
  static int[] runs(List<List<RunConfig>> tasks) {
    return tasks.stream().mapToInt(List::size).toArray();
  }
}
