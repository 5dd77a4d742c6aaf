package dev.sweeplab.cli;

import dev.sweeplab.engine.Analyses;
import dev.sweeplab.engine.Sessions;
import dev.sweeplab.spec.SweepSpec;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code sweeplab analyze SWEEP}: (re)writes the analysis tables of a committed sweep; with {@code
 * --as-of}, analyses the sweep as it was then and prints the results, writing nothing.
 */
@Command(
    name = "analyze",
    description =
        "Write the analysis tables (scaling_fits, double_descent, coord_check, width_exponents,"
            + " lr_transfer) that a committed sweep's analysis section asks for. With --as-of,"
            + " analyse the sweep as it was then and print the results; the tables are left"
            + " unchanged.")
final class AnalyzeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SWEEP", description = "sweep name")
  String sweep;

  @Mixin WarehouseOption where;

  @Mixin AsOfOption asOf;

  @Override
  public Integer call() {
    where.check();
    try (SparkSession spark = Sessions.open("sweeplab analyze " + sweep, where.master)) {
      asOf.apply(spark, where.resolve());
      SweepSpec spec = Analyses.recordedSpec(spark, where.resolve(), sweep);
      List<String> results = Analyses.run(spark, where.resolve(), spec);
      if (results.isEmpty()) {
        System.out.println(
            "sweep " + sweep + " asks for no analysis (its spec has no analysis section)");
      } else if (asOf.given()) {
        System.out.println(
            "sweep "
                + sweep
                + " as of "
                + asOf.asOf
                + " (nothing written: the tables keep the analysis of the current runs):");
      }
      for (String line : results) {
        System.out.println(asOf.given() ? line : Analyses.describe(line));
      }
    }
    return 0;
  }
}
