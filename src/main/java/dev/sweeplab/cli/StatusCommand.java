package dev.sweeplab.cli;

import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.SweepStatus;
import java.io.IOException;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code sweeplab status [SWEEP]}: what a running or finished sweep has done, is doing and has
 * left, from its plan, staging and {@code sweeps} rows. Starts no Spark, so it answers in seconds,
 * from another shell while {@code run} goes on.
 */
@Command(
    name = "status",
    description =
        "Show what a running or finished sweep has done: runs staged by status, runs left, the"
            + " share of the estimated cost done, and its last commit. Without SWEEP, every sweep"
            + " in the warehouse.")
final class StatusCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SWEEP",
      description = "sweep name (default: all)")
  String sweep;

  @Mixin WarehousePathOption where;

  @Override
  public Integer call() {
    Configuration conf = where.conf();
    String warehouse = where.warehouse;
    try {
      List<String> sweeps =
          sweep == null ? SweepStatus.known(conf, where.resolve()) : List.of(sweep);
      if (sweeps.isEmpty()) {
        throw UserError.of(
            "no sweeps in warehouse '" + warehouse + "': run one first, or pass --warehouse DIR");
      }
      long now = System.currentTimeMillis();
      for (String name : sweeps) {
        System.out.print(
            StatusView.render(
                SweepStatus.of(conf, where.resolve(), name), ZoneId.systemDefault(), now));
      }
    } catch (IOException e) {
      throw UserError.io("read the sweep status in", warehouse, e);
    }
    return 0;
  }
}
