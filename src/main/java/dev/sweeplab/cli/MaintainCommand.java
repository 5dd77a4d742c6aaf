package dev.sweeplab.cli;

import dev.sweeplab.engine.Maintain;
import dev.sweeplab.engine.Sessions;
import dev.sweeplab.spec.UserError;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sweeplab maintain}: expire old snapshots, remove orphan files, compact small files. */
@Command(
    name = "maintain",
    description =
        "Upkeep of the warehouse's Iceberg tables: expire snapshots older than --retain (the"
            + " newest always stays), delete the files only they held, remove files no snapshot"
            + " holds (older than 3 days), and compact each sweep's small files. Run it after a"
            + " nightly sweep (run --maintain does); --as-of cannot reach past --retain"
            + " afterwards.")
final class MaintainCommand implements Callable<Integer> {
  @Option(
      names = "--retain",
      defaultValue = "30d",
      paramLabel = "TIME",
      description = "how long snapshots are kept, such as 30d or 12h (default ${DEFAULT-VALUE})")
  String retain;

  @Option(names = "--no-compact", description = "leave small files as they are")
  boolean noCompact;

  @Mixin WarehouseOption where;

  @Override
  public Integer call() {
    long retainMs = retainMs("--retain", retain);
    where.check();
    try (SparkSession spark = Sessions.open("sweeplab maintain", where.master)) {
      List<Maintain.Done> done = Maintain.run(spark, where.resolve(), retainMs, !noCompact);
      if (done.isEmpty()) {
        throw UserError.of("no tables in warehouse '" + where.warehouse + "'");
      }
      done.forEach(System.out::println);
    }
    return 0;
  }

  /** {@code value} of option {@code option} as a retention in ms; a user error if it is not one. */
  static long retainMs(String option, String value) {
    long ms;
    try {
      ms = JavaUtils.timeStringAsMs(value);
    } catch (RuntimeException e) {
      ms = -1;
    }
    if (ms < 0) {
      throw UserError.badValue(option, value, "must be a time such as 30d, 12h or 90m");
    }
    return ms;
  }
}
