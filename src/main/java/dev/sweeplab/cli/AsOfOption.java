package dev.sweeplab.cli;

import dev.sweeplab.engine.Tables;
import dev.sweeplab.store.History;
import dev.sweeplab.store.Warehouse;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The {@code --as-of} option of the commands that read the tables through Spark. */
final class AsOfOption {
  @Option(
      names = "--as-of",
      paramLabel = "TIME|SNAPSHOT",
      description =
          "read the tables as they were then: a snapshot id (bin/sweeplab history SWEEP lists"
              + " them), a time such as 2026-12-01T06:00:00Z (UTC without an offset) or a date"
              + " (its end, UTC)")
  String asOf;

  /**
   * Makes every read of {@code spark} take the tables as of the time the option names ({@link
   * Tables#AS_OF}); nothing when the option is not given. A value that names no time or snapshot is
   * a user error (see {@link History#asOfMillis}).
   */
  void apply(SparkSession spark, Warehouse warehouse) {
    if (asOf != null) {
      long ms = History.asOfMillis(Tables.store(spark, warehouse), Tables.ALL, asOf);
      spark.conf().set(Tables.AS_OF, Long.toString(ms));
    }
  }

  boolean given() {
    return asOf != null;
  }
}
