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

/** {@code sweeplab analyze SWEEP}: (re)writes the analysis tables of a committed sweep. */
@Command(
    name = "analyze",
    description =
        "Write the analysis tables (scaling_fits, double_descent, coord_check, width_exponents,"
            + " lr_transfer) that a committed sweep's analysis section asks for.")
final class AnalyzeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SWEEP", description = "sweep name")
  String sweep;

  @Mixin WarehouseOption where;

  @Override
  public Integer call() {
    where.check();
    try (SparkSession spark = Sessions.open("sweeplab analyze " + sweep, where.master)) {
      SweepSpec spec = Analyses.recordedSpec(spark, where.resolve(), sweep);
      List<String> written = Analyses.run(spark, where.resolve(), spec);
      if (written.isEmpty()) {
        System.out.println(
            "sweep " + sweep + " asks for no analysis (its spec has no analysis section)");
      }
      written.forEach(line -> System.out.println(Analyses.describe(line)));
    }
    return 0;
  }
}
