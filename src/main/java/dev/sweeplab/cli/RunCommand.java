package dev.sweeplab.cli;

import dev.sweeplab.engine.Analyses;
import dev.sweeplab.engine.Sessions;
import dev.sweeplab.engine.Summary;
import dev.sweeplab.engine.SweepOutcome;
import dev.sweeplab.engine.SweepRunner;
import dev.sweeplab.report.SweepReport;
import dev.sweeplab.report.Table;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sweeplab run SPEC}: trains a sweep and commits its tables. */
@Command(name = "run", description = "Run a sweep and write its tables.")
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC", description = "sweep definition (YAML)")
  Path spec;

  @Mixin WarehouseOption where;

  @Option(
      names = "--reports",
      defaultValue = "reports",
      description =
          "local directory for summaries and plots, one folder per sweep (default ./${DEFAULT-VALUE})")
  Path reports;

  @Option(
      names = "--fresh",
      description = "discard this sweep's earlier results and train every run again")
  boolean fresh;

  @Override
  public Integer call() {
    SweepSpec sweep = SpecParser.parse(spec);
    try (SparkSession spark = Sessions.open("sweeplab " + sweep.name(), where.master)) {
      SweepOutcome o = new SweepRunner(spark, where.resolve()).run(sweep, fresh);
      System.out.printf(
          "sweep %s: %d runs planned, %d trained now, %d reused; %d ok, %d diverged, %d failed;"
              + " %.1f s%n",
          sweep.name(),
          o.planned(),
          o.trained(),
          o.reused(),
          o.ok(),
          o.diverged(),
          o.failed(),
          o.wallMs() / 1000.0);
      System.out.println("tables in " + where.warehouse + ": runs, curves, sweeps");
      Analyses.run(spark, where.resolve(), sweep)
          .forEach(line -> System.out.println("wrote " + line));
      Table summary = Summary.of(spark, where.resolve(), sweep);
      System.out.println("mean over " + sweep.repeats() + " seed(s) per configuration:");
      System.out.print(summary.markdown());
      Path dir = reports.resolve(sweep.name());
      try {
        List<Path> files = SweepReport.write(dir, sweep.name(), summary);
        System.out.println(
            "report: " + files.stream().map(Path::toString).collect(Collectors.joining(", ")));
      } catch (IOException e) {
        throw UserError.io("write the report into", dir.toString(), e);
      }
    }
    return 0;
  }
}
