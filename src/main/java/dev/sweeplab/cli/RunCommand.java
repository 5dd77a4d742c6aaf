package dev.sweeplab.cli;

import dev.sweeplab.engine.Analyses;
import dev.sweeplab.engine.Sessions;
import dev.sweeplab.engine.SweepOutcome;
import dev.sweeplab.engine.SweepRunner;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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

  @Mixin ReportOption report;

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
          "sweep %s: %d runs planned, %d trained now, %d reused; %d ok, %d diverged, %d failed,"
              + " %d timeout; %.1f s%n",
          sweep.name(),
          o.planned(),
          o.trained(),
          o.reused(),
          o.ok(),
          o.diverged(),
          o.failed(),
          o.timeout(),
          o.wallMs() / 1000.0);
      System.out.println("tables in " + where.warehouse + ": runs, curves, sweeps");
      Analyses.run(spark, where.resolve(), sweep)
          .forEach(line -> System.out.println("wrote " + line));
      report.write(spark, where.resolve(), sweep);
    }
    return 0;
  }
}
