package dev.sweeplab.engine;

import dev.sweeplab.analysis.DoubleDescent;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.Warehouse;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the analyses a sweep's {@code analysis:} section asks for over its committed runs and writes
 * their tables, each sweep's partition replaced as a whole. Driver-only.
 */
public final class Analyses {
  private static final Logger LOG = LoggerFactory.getLogger(Analyses.class);

  private Analyses() {}

  /** How the line that counts the ok runs {@code analysis.trained_by} left out starts. */
  static final String RUNS_LEFT_OUT = "runs: ";

  /**
   * Runs every requested analysis; returns one line per table written, after a line starting with
   * {@link #RUNS_LEFT_OUT} when {@code analysis.trained_by} left ok runs out.
   */
  public static List<String> run(SparkSession spark, Warehouse warehouse, SweepSpec spec) {
    List<String> written = new ArrayList<>();
    boolean any =
        "yes".equals(spec.analysis(SpecKeys.COORD_CHECK))
            || "yes".equals(spec.analysis(SpecKeys.WIDTH_EXPONENTS))
            || "yes".equals(spec.analysis(SpecKeys.LR_TRANSFER))
            || !spec.analysis(SpecKeys.DOUBLE_DESCENT_X).isEmpty()
            || !spec.analysis(SpecKeys.SCALING_X).isEmpty();
    if (any && Tables.register(spark, warehouse).contains(Warehouse.RUNS)) {
      long leftOut = RunFilter.leftOut(spark, spec);
      if (leftOut > 0) {
        written.add(
            RUNS_LEFT_OUT
                + leftOut
                + " ok runs left out by "
                + SpecKeys.TRAINED_BY.path()
                + " = "
                + RunFilter.trainedBy(spec)
                + " (trained otherwise; 'any' mixes them in)");
      }
    }
    if ("yes".equals(spec.analysis(SpecKeys.COORD_CHECK))) {
      long rows = CoordCheck.write(spark, warehouse, spec);
      written.add(Warehouse.COORD_CHECK + ": " + rows + " rows");
    }
    if ("yes".equals(spec.analysis(SpecKeys.WIDTH_EXPONENTS))) {
      List<Row> rows = WidthExponentsJob.write(spark, warehouse, spec);
      written.add(Warehouse.WIDTH_EXPONENTS + ": " + rows.size() + " rows");
    }
    if ("yes".equals(spec.analysis(SpecKeys.LR_TRANSFER))) {
      List<Row> rows = LrTransferJob.write(spark, warehouse, spec);
      written.addAll(
          rows.isEmpty()
              ? List.of(Warehouse.LR_TRANSFER + ": 0 rows")
              : LrTransferJob.describe(rows));
    }
    if (!spec.analysis(SpecKeys.DOUBLE_DESCENT_X).isEmpty()) {
      for (DoubleDescentJob.Detection d : DoubleDescentJob.write(spark, warehouse, spec)) {
        DoubleDescent.Result r = d.result();
        written.add(
            Warehouse.DOUBLE_DESCENT
                + " ["
                + d.group()
                + "] "
                + d.metric()
                + ": "
                + (r.detected()
                    ? "peak at "
                        + spec.analysis(SpecKeys.DOUBLE_DESCENT_X)
                        + " = "
                        + fmt(r.peakX())
                        + " ("
                        + fmt(r.peakValue())
                        + ", prominence "
                        + fmt(r.prominence())
                        + " vs noise "
                        + fmt(r.noise())
                        + zText(r)
                        + ")"
                    : "no peak (prominence "
                        + fmt(r.prominence())
                        + " vs noise "
                        + fmt(r.noise())
                        + zText(r)
                        + ")")
                + ", interpolation threshold "
                + (Double.isNaN(r.thresholdX()) ? "not reached" : fmt(r.thresholdX())));
      }
    }
    if (!spec.analysis(SpecKeys.SCALING_X).isEmpty()) {
      for (Row row : ScalingJob.write(spark, warehouse, spec)) {
        StringBuilder line =
            new StringBuilder(Warehouse.SCALING_FITS + " [" + row.getAs("group") + "] ");
        line.append(row.<String>getAs("form")).append(": ");
        for (String p : ScalingJob.PARAMETERS) {
          Double v = row.getAs(p);
          if (v != null) {
            line.append(p).append('=').append(fmt(v)).append(' ');
            Double lo = row.getAs(p + "_low");
            Double hi = row.getAs(p + "_high");
            if (lo != null && hi != null) {
              line.append('[').append(fmt(lo)).append(", ").append(fmt(hi)).append("] ");
            }
          }
        }
        Double extrapolation = row.getAs("extrapolation_error");
        if (extrapolation != null) {
          line.append("extrapolation error ").append(fmt(extrapolation)).append(' ');
        }
        line.append("replicates ")
            .append(row.<Integer>getAs("replicates"))
            .append(" (")
            .append(row.<Integer>getAs("replicates_pinned"))
            .append(" pinned)");
        written.add(line.toString().trim());
      }
    }
    written.forEach(line -> LOG.info("analysis of {}: {}", spec.name(), line));
    return written;
  }

  /** A line of {@link #run} as the command line prints it. */
  public static String describe(String line) {
    return line.startsWith(RUNS_LEFT_OUT) ? line : "wrote " + line;
  }

  /** ", z Z of T" for a seeded test, "" for a single-seed curve. */
  private static String zText(DoubleDescent.Result r) {
    return Double.isNaN(r.zThreshold()) ? "" : ", z " + fmt(r.z()) + " of " + fmt(r.zThreshold());
  }

  private static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.4g", v);
  }

  /** The spec of a sweep's latest execution, as its {@code sweeps} row recorded it. */
  public static SweepSpec recordedSpec(SparkSession spark, Warehouse warehouse, String sweep) {
    if (!Tables.register(spark, warehouse, List.of(Warehouse.SWEEPS)).contains(Warehouse.SWEEPS)) {
      throw UserError.of(
          "no sweeps table in warehouse '" + warehouse.root() + "': run the sweep first");
    }
    List<Row> rows =
        spark
            .sql(
                "SELECT spec FROM sweeps WHERE sweep = '"
                    + sweep.replace("'", "''")
                    + "' ORDER BY finished DESC LIMIT 1")
            .collectAsList();
    if (rows.isEmpty()) {
      List<String> known =
          spark.sql("SELECT DISTINCT sweep FROM sweeps ORDER BY sweep").collectAsList().stream()
              .map(r -> r.getString(0))
              .toList();
      throw UserError.unknownSweep(sweep, warehouse.root(), known);
    }
    return SpecParser.fromCanonicalJson(rows.get(0).getString(0));
  }
}
