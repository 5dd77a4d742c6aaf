package dev.sweeplab.engine;

import dev.sweeplab.analysis.DoubleDescent;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Double-descent detection over a committed sweep: Spark gathers, per group and x, each seed's
 * final test error and the mean training error (from {@code runs}, or from {@code curves} along the
 * training step), and {@link DoubleDescent} finds the peak and the interpolation threshold. Writes
 * the {@code double_descent} table. Driver-only.
 */
final class DoubleDescentJob {
  static final StructType SCHEMA =
      new StructType()
          .add("sweep", DataTypes.StringType, false)
          .add("group", DataTypes.StringType, false)
          .add("axis", DataTypes.StringType, false)
          .add("x", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("test_error", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("test_error_sd", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("train_error", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("detected", DataTypes.BooleanType, false)
          .add("peak_x", DataTypes.DoubleType, true)
          .add("peak_test_error", DataTypes.DoubleType, true)
          .add("prominence", DataTypes.DoubleType, false)
          .add("noise", DataTypes.DoubleType, false)
          .add("interpolation_threshold", DataTypes.DoubleType, true)
          .add("min_before_peak", DataTypes.DoubleType, true)
          .add("min_after_peak", DataTypes.DoubleType, true);

  private DoubleDescentJob() {}

  /** Replaces the sweep's partition of {@code double_descent}; returns one result per group. */
  static Map<String, DoubleDescent.Result> write(
      SparkSession spark, Warehouse warehouse, SweepSpec spec) {
    String axis = spec.analysis(SpecKeys.DOUBLE_DESCENT_X);
    List<String> groups = Groups.columns(spec, Set.of(axis));
    Tables.register(spark, warehouse);
    String sweep = spec.name().replace("'", "''");
    String query =
        axis.equals("step")
            ? "SELECT "
                + Groups.select(groups, "r.")
                + "c.step AS x, c.test_error, c.train_error FROM curves c JOIN runs r ON"
                + " c.sweep = r.sweep AND c.run_id = r.run_id WHERE r.sweep = '"
                + sweep
                + "' AND r.status = 'ok'"
            : "SELECT "
                + Groups.select(groups, "")
                + "CAST("
                + axis
                + " AS DOUBLE) AS x, final_test_error AS test_error, final_train_error AS"
                + " train_error FROM runs WHERE sweep = '"
                + sweep
                + "' AND status = 'ok'";
    Map<String, Map<Double, List<double[]>>> byGroup = new LinkedHashMap<>();
    for (Row row : spark.sql(query).collectAsList()) {
      byGroup
          .computeIfAbsent(Groups.name(row, groups), g -> new LinkedHashMap<>())
          .computeIfAbsent(((Number) row.getAs("x")).doubleValue(), x -> new ArrayList<>())
          .add(new double[] {row.getAs("test_error"), row.getAs("train_error")});
    }
    Map<String, DoubleDescent.Result> results = new LinkedHashMap<>();
    List<Row> out = new ArrayList<>();
    byGroup.forEach(
        (group, byX) -> {
          List<DoubleDescent.Point> points = new ArrayList<>();
          byX.forEach(
              (x, seeds) ->
                  points.add(
                      new DoubleDescent.Point(
                          x,
                          seeds.stream().map(s -> s[0]).toList(),
                          seeds.stream().mapToDouble(s -> s[1]).average().orElse(Double.NaN))));
          DoubleDescent.Result r = DoubleDescent.detect(points);
          results.put(group, r);
          out.add(
              RowFactory.create(
                  spec.name(),
                  group,
                  axis,
                  r.x(),
                  r.mean(),
                  r.std(),
                  r.trainError(),
                  r.detected(),
                  nullIfNaN(r.peakX()),
                  nullIfNaN(r.peakValue()),
                  r.prominence(),
                  r.noise(),
                  nullIfNaN(r.thresholdX()),
                  nullIfNaN(r.minBefore()),
                  nullIfNaN(r.minAfter())));
        });
    Commit.overwritePartition(
        spark.createDataFrame(out, SCHEMA), warehouse.table(Warehouse.DOUBLE_DESCENT).toString());
    return results;
  }

  static Double nullIfNaN(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
