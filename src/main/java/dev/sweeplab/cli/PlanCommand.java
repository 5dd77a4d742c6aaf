package dev.sweeplab.cli;

import dev.sweeplab.engine.MemoryCheck;
import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.MemoryEstimate;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sweeplab plan SPEC}: what a sweep would run; trains and writes nothing. */
@Command(name = "plan", description = "Show the runs a sweep expands to; trains nothing.")
final class PlanCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC", description = "sweep definition (YAML)")
  Path spec;

  @Option(
      names = "--show",
      defaultValue = "8",
      description = "runs to list (default ${DEFAULT-VALUE})")
  int show;

  @Mixin ConfigsOption configs;

  @Override
  public Integer call() {
    if (show < 0) {
      throw UserError.badValue("--show", show, "must be >= 0 (the runs to list)");
    }
    SweepSpec sweep = configs.parse(spec);
    List<RunConfig> runs = sweep.expand();
    if (!"false".equals(System.getProperty(MemoryCheck.ENABLED))) {
      MemoryCheck.thisJvm().check(runs.stream().filter(r -> !sweep.distributed(r)).toList());
    }
    double cost = runs.stream().mapToDouble(RunConfig::cost).sum();
    System.out.printf(
        "sweep %s: %d runs (%d configurations x %d repeats)%n",
        sweep.name(), runs.size(), runs.size() / sweep.repeats(), sweep.repeats());
    for (Key axis : sweep.axes()) {
      if (!sweep.search().keys().contains(axis)) {
        System.out.printf("  axis %-24s %s%n", axis.path(), sweep.values().get(axis));
      }
    }
    if (!sweep.search().grid()) {
      System.out.printf("  search %s%n", sweep.search().describe());
    }
    System.out.printf(
        "  estimated cost %.3g FLOP-equivalents (training, evaluation and fixed costs per step and"
            + " per run, summed);"
            + " largest run %.3g%n",
        cost, runs.stream().mapToDouble(RunConfig::cost).max().orElse(0));
    RunConfig biggest =
        runs.stream()
            .max(java.util.Comparator.comparingLong(r -> MemoryEstimate.of(r).nativeBytes()))
            .orElseThrow();
    System.out.printf("  largest run in memory needs about %s%n", MemoryEstimate.of(biggest));
    System.out.printf("first %d runs:%n", Math.min(show, runs.size()));
    for (RunConfig run : runs.subList(0, Math.min(show, runs.size()))) {
      System.out.printf("  %s  %s%n", run.runId(), run.canonicalJson());
    }
    return 0;
  }
}
