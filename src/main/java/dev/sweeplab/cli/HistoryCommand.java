package dev.sweeplab.cli;

import dev.sweeplab.engine.Tables;
import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.History;
import dev.sweeplab.store.SweepCounts;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code sweeplab history SWEEP}: the sweep's commits, one per line, from the {@code sweeps}
 * table's snapshots. Starts no Spark.
 */
@Command(
    name = "history",
    description =
        "List a sweep's commits (the sweeps table's snapshots): when, the snapshot id that"
            + " --as-of takes, the runs by status, and the runs the commit added and replaced.")
final class HistoryCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SWEEP", description = "sweep name")
  String sweep;

  @Mixin WarehousePathOption where;

  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  @Override
  public Integer call() {
    List<History.Commit> commits = History.of(where.tables(), sweep);
    if (commits.isEmpty()) {
      throw UserError.of(
          "sweep '"
              + sweep
              + "' has no commit in warehouse '"
              + where.warehouse
              + "' (bin/sweeplab status lists the sweeps there)");
    }
    System.out.print(render(commits));
    return 0;
  }

  /** The commits as a Markdown table, oldest first. */
  static String render(List<History.Commit> commits) {
    StringBuilder out =
        new StringBuilder(
            "| committed (UTC) | snapshot | planned | ok | diverged | failed | timeout | runs"
                + " added | runs replaced |\n|---|---|---|---|---|---|---|---|---|\n");
    for (History.Commit c : commits) {
      out.append("| ")
          .append(TIME.format(Instant.ofEpochMilli(c.committedMs())))
          .append(" | ")
          .append(c.snapshot());
      SweepCounts n = c.counts();
      for (long v : new long[] {n.planned(), n.ok(), n.diverged(), n.failed(), n.timeout()}) {
        out.append(" | ").append(v);
      }
      out.append(" | ")
          .append(c.runsAdded() < 0 ? "" : c.runsAdded())
          .append(" | ")
          .append(c.runsRemoved() < 0 ? "" : c.runsRemoved())
          .append(" |\n");
    }
    return out.toString();
  }

  /** The tables whose snapshot ids {@code --as-of} takes. */
  static final List<String> TABLES = Tables.ALL;
}
