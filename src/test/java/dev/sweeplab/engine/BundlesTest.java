package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.RunConfig;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** How the runs of a sweep are grouped into Spark tasks: on cost estimates alone, no Spark. */
class BundlesTest {
  @Test
  void tenThousandTinyRunsOnTwoCoresBecomeAFewDozenTasksEndingInSingleRuns() {
    List<RunConfig> runs = SweepBench.tinyRuns("tiny", 10_000).expand();
    List<List<RunConfig>> tasks = Bundles.of(runs, 2, Bundles.TASKS_PER_CORE);
    assertEachRunOnce(runs, tasks);
    // 7/8 of the cost in 2 x 16 tasks of 312 runs, the last eighth in tasks that shrink with it.
    int slots = 2 * Bundles.TASKS_PER_CORE;
    assertTrue(tasks.size() >= slots && tasks.size() <= 2.4 * slots, tasks.size() + " tasks");
    assertEquals(10_000 / slots, tasks.get(0).size());
    assertEquals(1, tasks.get(tasks.size() - 1).size(), "the last task is one run");
    int[] sizes = Bundles.runs(tasks);
    for (int i = 1; i < sizes.length; i++) {
      assertTrue(sizes[i] <= sizes[i - 1], "tasks shrink: " + Arrays.toString(sizes));
    }
  }

  @Test
  void runsAboveACoresShareOverTasksPerCoreKeepATaskOfTheirOwn() {
    List<RunConfig> runs = SweepBench.heterogeneous(8).expand();
    List<List<RunConfig>> tasks = Bundles.of(runs, 2, Bundles.TASKS_PER_CORE);
    assertEachRunOnce(runs, tasks);
    double total = runs.stream().mapToDouble(RunConfig::cost).sum();
    double budget = total / (2 * Bundles.TASKS_PER_CORE);
    double[] cost = Bundles.cost(tasks);
    for (int i = 0; i < tasks.size(); i++) {
      List<RunConfig> task = tasks.get(i);
      assertTrue(
          task.size() == 1 || cost[i] <= budget * (1 + 1e-9),
          "task " + i + " of " + task.size() + " runs costs " + cost[i] + " > " + budget);
      if (task.get(0).cost() > budget) {
        assertEquals(1, task.size(), "a run above the budget is alone: task " + i);
      }
    }
    // Longest first: the first task is the costliest run.
    double max = runs.stream().mapToDouble(RunConfig::cost).max().orElseThrow();
    assertEquals(List.of(max), tasks.get(0).stream().map(RunConfig::cost).toList());
    assertTrue(tasks.size() < runs.size(), tasks.size() + " tasks for " + runs.size() + " runs");
    assertTrue(tasks.stream().anyMatch(t -> t.size() > 1), "the tiny runs share tasks");
  }

  @Test
  void bundlingKeepsTheCoresAsEvenlyLoadedAsOneRunPerTask() {
    // Greedy list scheduling (each task to the first free core, in order), as Spark does, on the
    // cost estimates: the bundled sweep ends within 1 % of the one-run-per-task schedule.
    List<RunConfig> runs = SweepBench.heterogeneous(8).expand();
    double total = runs.stream().mapToDouble(RunConfig::cost).sum();
    for (int cores : new int[] {2, 4, 16}) {
      double bundled =
          makespan(Bundles.cost(Bundles.of(runs, cores, Bundles.TASKS_PER_CORE)), cores);
      double single = makespan(Bundles.cost(Bundles.of(runs, cores, Integer.MAX_VALUE)), cores);
      assertTrue(
          bundled <= single * 1.01 || bundled <= total / cores * 1.01,
          cores + " cores: bundled " + bundled + ", one run per task " + single);
    }
  }

  @Test
  void oneTaskPerCoreSplitsEqualRunsEvenly() {
    List<RunConfig> runs = SweepBench.tinyRuns("tiny", 12).expand();
    List<List<RunConfig>> tasks = Bundles.of(runs, 2, 1);
    assertEachRunOnce(runs, tasks);
    assertEquals(List.of(6, 6), tasks.stream().map(List::size).toList());
  }

  @Test
  void noRunsNoTasksAndNonsenseIsRefused() {
    assertEquals(List.of(), Bundles.of(List.of(), 2, 32));
    List<RunConfig> runs = SweepBench.tinyRuns("tiny", 3).expand();
    assertThrows(IllegalArgumentException.class, () -> Bundles.of(runs, 0, 32));
    assertThrows(IllegalArgumentException.class, () -> Bundles.of(runs, 2, 0));
  }

  private static void assertEachRunOnce(List<RunConfig> runs, List<List<RunConfig>> tasks) {
    List<String> inTasks =
        tasks.stream().flatMap(List::stream).map(RunConfig::runId).sorted().toList();
    List<String> planned = runs.stream().map(RunConfig::runId).sorted().toList();
    assertEquals(planned, inTasks);
    assertEquals(
        runs.size(), inTasks.stream().collect(Collectors.toSet()).size(), "no run in two tasks");
    assertTrue(tasks.stream().noneMatch(List::isEmpty), "no empty task");
  }

  /** When the last core finishes, tasks taken in order by whichever core is free first. */
  static double makespan(double[] taskCost, int cores) {
    PriorityQueue<Double> free = new PriorityQueue<>();
    for (int c = 0; c < cores; c++) {
      free.add(0.0);
    }
    double end = 0;
    for (double cost : taskCost) {
      double finish = free.poll() + cost;
      end = Math.max(end, finish);
      free.add(finish);
    }
    return end;
  }
}
