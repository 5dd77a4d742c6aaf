package dev.sweeplab.engine;

import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Provenance;
import java.util.Arrays;
import org.apache.spark.sql.SparkSession;

/**
 * Which runs of a sweep an analysis uses: those with {@code status = 'ok'} (a failed, diverged or
 * timed-out run has no final numbers to trust) whose {@code trained_by} matches {@code
 * analysis.trained_by}. Runs trained in one task and runs trained by parameter averaging follow
 * different optimisations (averaging every few minibatches changes the trajectory), and with {@code
 * limits.distributed_above} the averaged ones are exactly the largest: mixing them in one fit
 * confounds the method with scale. So the default is {@code task}; {@code any} mixes them when
 * asked. Each analysis table records the choice in its {@code trained_by} column. Driver-only: the
 * conditions are Spark SQL over the {@code runs} view ({@link Tables#register}).
 */
final class RunFilter {
  private RunFilter() {}

  /** {@code analysis.trained_by} of {@code spec}: what the analysis tables record. */
  static String trainedBy(SweepSpec spec) {
    return spec.analysis(SpecKeys.TRAINED_BY);
  }

  /**
   * The SQL condition on a {@code runs} row whose columns carry {@code prefix} ({@code "r."} or
   * {@code ""}): status ok and the trained_by choice. A warehouse whose runs predate {@code
   * trained_by} reads as trained in a task, as every run then was.
   */
  static String where(SparkSession spark, SweepSpec spec, String prefix) {
    return prefix + "status = 'ok' AND " + trainedByCondition(spark, spec, prefix);
  }

  /** The trained_by half of {@link #where} alone. */
  static String trainedByCondition(SparkSession spark, SweepSpec spec, String prefix) {
    String column =
        Arrays.asList(spark.table("runs").columns()).contains("trained_by")
            ? "coalesce(" + prefix + "trained_by, '" + Provenance.TASK + "')"
            : "'" + Provenance.TASK + "'";
    return switch (trainedBy(spec)) {
      case "task" -> column + " = '" + Provenance.TASK + "'";
      case "parameter_averaging" -> column + " LIKE 'parameter_averaging%'";
      case "any" -> "TRUE";
      default ->
          throw new IllegalArgumentException(
              SpecKeys.TRAINED_BY.path() + " = '" + trainedBy(spec) + "' is not handled");
    };
  }

  /** The sweep's ok runs that {@link #where} leaves out, by how they were trained. */
  static long leftOut(SparkSession spark, SweepSpec spec) {
    return spark
        .sql(
            "SELECT count(*) FROM runs WHERE sweep = '"
                + spec.name().replace("'", "''")
                + "' AND status = 'ok' AND NOT ("
                + trainedByCondition(spark, spec, "")
                + ")")
        .collectAsList()
        .get(0)
        .getLong(0);
  }
}
