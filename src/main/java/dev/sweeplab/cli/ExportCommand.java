package dev.sweeplab.cli;

import dev.sweeplab.engine.Export;
import dev.sweeplab.engine.Sessions;
import dev.sweeplab.spec.UserError;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sweeplab export SWEEP --to DIR}: a sweep's rows as plain files for other tools. */
@Command(
    name = "export",
    description =
        "Write a sweep's rows of every table as plain Parquet or CSV files, DIR/<table>/, for"
            + " pandas, DuckDB or a spreadsheet: one committed state, nothing else in them.")
final class ExportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SWEEP", description = "sweep name")
  String sweep;

  @Option(names = "--to", required = true, paramLabel = "DIR", description = "a new directory")
  String to;

  @Option(
      names = "--format",
      defaultValue = "parquet",
      description = "parquet or csv (lists as JSON text) (default ${DEFAULT-VALUE})")
  String format;

  @Mixin AsOfOption asOf;

  @Mixin WarehouseOption where;

  @Override
  public Integer call() {
    where.check();
    Export.Format f = Export.Format.parse(format);
    try (SparkSession spark = Sessions.open("sweeplab export", where.master)) {
      asOf.apply(spark, where.resolve());
      Map<String, Long> rows = Export.write(spark, where.resolve(), sweep, to, f);
      if (rows.values().stream().allMatch(n -> n == 0)) {
        throw UserError.of(
            "sweep '" + sweep + "' has no rows in warehouse '" + where.warehouse + "'");
      }
      rows.forEach((t, n) -> System.out.println(t + ": " + n + " rows"));
      System.out.println("exported to " + to);
    }
    return 0;
  }
}
