package dev.sweeplab.cli;

import dev.sweeplab.engine.Analyses;
import dev.sweeplab.engine.Sessions;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sweeplab report SWEEP}: the summary and plots of a committed sweep, from its tables. */
@Command(name = "report", description = "Print a committed sweep's summary and write its plots.")
final class ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SWEEP", description = "sweep name")
  String sweep;

  @Mixin WarehouseOption where;

  @Mixin ReportOption report;

  @Mixin AsOfOption asOf;

  @Option(
      names = "--html",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "write the interactive page index.html too (one self-contained file: summary,"
              + " learning curves, analyses, parallel coordinates, runs table), as run does;"
              + " on by default, --no-html for the summary and plots alone")
  boolean html;

  @Override
  public Integer call() {
    where.check();
    try (SparkSession spark = Sessions.open("sweeplab report " + sweep, where.master)) {
      asOf.apply(spark, where.resolve());
      report.write(
          spark, where.resolve(), Analyses.recordedSpec(spark, where.resolve(), sweep), html);
    }
    return 0;
  }
}
