package dev.sweeplab.engine;

import dev.sweeplab.analysis.LawFit;
import dev.sweeplab.analysis.ScalingAnalysis;
import dev.sweeplab.analysis.SeedPoint;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scaling-law fits over a committed sweep: Spark gathers each configuration's seed values of the
 * metric; {@link ScalingAnalysis} fits E + A·x^−α per group (and Hoffmann's L(N, D) when asked)
 * with bootstrap intervals over seeds ({@code analysis.bootstrap} replicates, both forms) and an
 * extrapolation check, over the runs {@link RunFilter} picks. Writes {@code scaling_fits}.
 * Driver-only.
 */
final class ScalingJob {
  static final List<String> PARAMETERS = List.of("E", "A", "alpha", "B", "beta");

  static final StructType SCHEMA = schema();

  private ScalingJob() {}

  private static StructType schema() {
    StructType s =
        new StructType()
            .add("sweep", DataTypes.StringType, false)
            .add("group", DataTypes.StringType, false)
            .add("form", DataTypes.StringType, false)
            .add("x", DataTypes.StringType, false)
            .add("x2", DataTypes.StringType, true)
            .add("y", DataTypes.StringType, false);
    for (String p : PARAMETERS) {
      s = s.add(p, DataTypes.DoubleType, true);
      s = s.add(p + "_low", DataTypes.DoubleType, true);
      s = s.add(p + "_high", DataTypes.DoubleType, true);
    }
    for (String p : List.of("n_opt_exponent", "d_opt_exponent")) {
      s = s.add(p, DataTypes.DoubleType, true);
      s = s.add(p + "_low", DataTypes.DoubleType, true);
      s = s.add(p + "_high", DataTypes.DoubleType, true);
    }
    return s.add("points", DataTypes.IntegerType, false)
        .add("rms_log_residual", DataTypes.DoubleType, false)
        .add("extrapolation_error", DataTypes.DoubleType, true)
        .add("held_out", DataTypes.IntegerType, false)
        .add("replicates", DataTypes.IntegerType, false)
        .add("xs", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
        .add("x2s", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
        .add("ys", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
        .add("replicates_pinned", DataTypes.IntegerType, true)
        .add("trained_by", DataTypes.StringType, true);
  }

  /** Replaces the sweep's partition of {@code scaling_fits}; returns the rows written. */
  static List<Row> write(SparkSession spark, Warehouse warehouse, SweepSpec spec) {
    String x = spec.analysis(SpecKeys.SCALING_X);
    String x2 = spec.analysis(SpecKeys.SCALING_X2);
    String metric = spec.analysis(SpecKeys.SCALING_Y);
    List<Row> out = new ArrayList<>();
    out.addAll(fit(spark, warehouse, spec, x, "", metric));
    if (!x2.isEmpty()) {
      out.addAll(fit(spark, warehouse, spec, x, x2, metric));
    }
    Commit.replace(
        spark, warehouse, spec.name(), Warehouse.SCALING_FITS, spark.createDataFrame(out, SCHEMA));
    return out;
  }

  private static List<Row> fit(
      SparkSession spark, Warehouse warehouse, SweepSpec spec, String x, String x2, String metric) {
    boolean joint = !x2.isEmpty();
    List<String> groups = Groups.columns(spec, joint ? Set.of(x, x2) : Set.of(x));
    Tables.register(spark, warehouse);
    String sweep = spec.name().replace("'", "''");
    String query;
    if (x.equals("step")) {
      String y = curveColumn(metric);
      query =
          "SELECT "
              + Groups.select(groups, "r.")
              + "r.run_id, r.run_id AS unit, CAST(c.step AS DOUBLE) AS x,"
              + " CAST(NULL AS DOUBLE) AS x2, c."
              + y
              + " AS y FROM curves c JOIN runs r ON"
              + " c.sweep = r.sweep AND c.run_id = r.run_id WHERE r.sweep = '"
              + sweep
              + "' AND "
              + RunFilter.where(spark, spec, "r.")
              + " AND c.step > 0 ORDER BY x, r.run_id";
    } else {
      // Under dataset.data_seed: per_repeat repeat r trains every configuration on one sample, so
      // the repeat, not the run, is what the bootstrap redraws (the configurations are paired).
      boolean paired = spec.values().get(SpecKeys.DATA_SEED).contains("per_repeat");
      query =
          "SELECT "
              + Groups.select(groups, "")
              + (paired ? "concat('repeat ', CAST(repeat AS STRING))" : "CAST(NULL AS STRING)")
              + " AS unit, CAST("
              + x
              + " AS DOUBLE) AS x, "
              + (joint ? "CAST(" + x2 + " AS DOUBLE)" : "CAST(NULL AS DOUBLE)")
              + " AS x2, "
              + metric
              + " AS y FROM runs WHERE sweep = '"
              + sweep
              + "' AND "
              + RunFilter.where(spark, spec, "")
              + " ORDER BY x, x2, run_id";
    }
    // Ordered, so that each configuration's values reach the bootstrap in one order and analyze
    // rewrites identical rows.
    // On the step axis each run gives a point per step, and under per_repeat each repeat a point
    // per configuration: that unit goes with each value, so that the bootstrap redraws whole
    // curves or whole repeats (ScalingAnalysis).
    Map<String, Map<List<Double>, List<Double>>> byGroup = new LinkedHashMap<>();
    Map<String, Map<List<Double>, List<String>>> unitsByGroup = new LinkedHashMap<>();
    for (Row row : spark.sql(query).collectAsList()) {
      // Null for a run without a finite validation loss (test_*_at_best) or an older row.
      if (row.getAs("y") == null) {
        continue;
      }
      double y = ((Number) row.getAs("y")).doubleValue();
      if (!(y > 0) || !Double.isFinite(y)) {
        continue;
      }
      Double second = row.getAs("x2");
      String group = Groups.name(row, groups);
      List<Double> point =
          List.of(((Number) row.getAs("x")).doubleValue(), second == null ? Double.NaN : second);
      byGroup
          .computeIfAbsent(group, g -> new LinkedHashMap<>())
          .computeIfAbsent(point, k -> new ArrayList<>())
          .add(y);
      String unit = row.getAs("unit");
      if (unit != null) {
        unitsByGroup
            .computeIfAbsent(group, g -> new LinkedHashMap<>())
            .computeIfAbsent(point, k -> new ArrayList<>())
            .add(unit);
      }
    }
    List<Row> rows = new ArrayList<>();
    int replicates = Integer.parseInt(spec.analysis(SpecKeys.BOOTSTRAP));
    byGroup.forEach(
        (group, points) -> {
          List<SeedPoint> seeds = new ArrayList<>();
          Map<List<Double>, List<String>> units = unitsByGroup.getOrDefault(group, Map.of());
          points.forEach(
              (k, v) ->
                  seeds.add(
                      new SeedPoint(k.get(0), k.get(1), v, units.getOrDefault(k, List.of()))));
          int needed = joint ? 6 : 4;
          if (seeds.size() < needed) {
            return;
          }
          ScalingAnalysis.Result r = ScalingAnalysis.analyse(seeds, joint, replicates, spec.seed());
          rows.add(row(spec, group, x, x2, metric, seeds, r));
        });
    return rows;
  }

  /**
   * The {@code curves} column that holds {@code metric} at every step: the step axis takes the
   * curve's value at each step, so a choice of step (final, or least validation loss) falls away.
   */
  static String curveColumn(String metric) {
    return switch (metric) {
      case "best_val_loss" -> "val_loss";
      case "test_loss_at_best" -> "test_loss";
      case "test_error_at_best" -> "test_error";
      default -> metric.replaceFirst("^(final|best)_", "");
    };
  }

  private static Row row(
      SweepSpec spec,
      String group,
      String x,
      String x2,
      String metric,
      List<SeedPoint> seeds,
      ScalingAnalysis.Result r) {
    LawFit f = r.fit();
    List<Object> v = new ArrayList<>();
    v.add(spec.name());
    v.add(group);
    v.add(f.form());
    v.add(x);
    v.add(x2.isEmpty() ? null : x2);
    v.add(metric);
    List<String> names = ScalingAnalysis.names(!x2.isEmpty());
    double[] estimate = {f.floor(), f.coefficient(0), f.alpha().get(0), Double.NaN, Double.NaN};
    if (!x2.isEmpty()) {
      estimate[3] = f.coefficient(1);
      estimate[4] = f.alpha().get(1);
    }
    for (int k = 0; k < PARAMETERS.size(); k++) {
      boolean present = k < names.size();
      v.add(present ? estimate[k] : null);
      v.add(present ? DoubleDescentJob.nullIfNaN(r.intervals().get(k).low()) : null);
      v.add(present ? DoubleDescentJob.nullIfNaN(r.intervals().get(k).high()) : null);
    }
    double[] ab =
        x2.isEmpty() ? null : ScalingAnalysis.allocation(f.alpha().get(0), f.alpha().get(1));
    for (int k = 0; k < 2; k++) {
      v.add(ab == null ? null : ab[k]);
      v.add(ab == null ? null : DoubleDescentJob.nullIfNaN(r.allocation().get(k).low()));
      v.add(ab == null ? null : DoubleDescentJob.nullIfNaN(r.allocation().get(k).high()));
    }
    v.add(f.points());
    v.add(f.rmsLogResidual());
    v.add(DoubleDescentJob.nullIfNaN(r.extrapolationError()));
    v.add(r.heldOut());
    v.add(r.replicates());
    v.add(seeds.stream().map(SeedPoint::x).toList());
    v.add(x2.isEmpty() ? null : seeds.stream().map(SeedPoint::x2).toList());
    v.add(seeds.stream().map(SeedPoint::mean).toList());
    v.add(r.replicatesPinned());
    v.add(RunFilter.trainedBy(spec));
    return new GenericRowWithSchema(v.toArray(), SCHEMA);
  }
}
