package dev.sweeplab.engine;

import dev.sweeplab.analysis.DoubleDescent;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
 * final test error and test loss and training error (from {@code runs}, or from {@code curves}
 * along the training step: one value per run and step, so the per-x statistics are over seeds, not
 * over the correlated points of one run's curve), and {@link DoubleDescent} finds the peak and the
 * interpolation threshold of each metric's curve (the largest interpolated x along {@code
 * train_size}, the smallest otherwise; read from the training error of cross-entropy runs and from
 * the training loss relative to step 0 of squared-loss runs, {@link DoubleDescent.Measure}). Runs
 * that are not {@code ok} (failed, diverged, timed out) are left out of the curve and counted per x
 * in {@code runs_not_ok}. Test error is the quantity of Nakkiran et al.; test loss is analysed too
 * because its peak at the threshold is far larger (a memorising network is confidently wrong on
 * noisy examples) and shows where the error peak is too small to separate from seed noise. Writes
 * the {@code double_descent} table, one row per group and metric. Driver-only.
 */
final class DoubleDescentJob {
  /** The metrics whose curves are analysed, as columns of the gathered rows. */
  static final List<String> METRICS = List.of("test_error", "test_loss");

  static final StructType SCHEMA =
      new StructType()
          .add("sweep", DataTypes.StringType, false)
          .add("group", DataTypes.StringType, false)
          .add("axis", DataTypes.StringType, false)
          .add("metric", DataTypes.StringType, false)
          .add("x", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("value", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("value_sd", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("train_error", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("train_loss", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
          .add("seeds", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
          .add("runs_not_ok", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
          .add("runs_not_ok_total", DataTypes.IntegerType, false)
          .add("detected", DataTypes.BooleanType, false)
          .add("peak_x", DataTypes.DoubleType, true)
          .add("peak_value", DataTypes.DoubleType, true)
          .add("prominence", DataTypes.DoubleType, false)
          .add("noise", DataTypes.DoubleType, true)
          .add("z", DataTypes.DoubleType, true)
          .add("z_threshold", DataTypes.DoubleType, true)
          .add("interpolation_threshold", DataTypes.DoubleType, true)
          .add("interpolated_by", DataTypes.StringType, true)
          .add("min_before_peak", DataTypes.DoubleType, true)
          .add("min_after_peak", DataTypes.DoubleType, true)
          .add("trained_by", DataTypes.StringType, true);

  private DoubleDescentJob() {}

  /** One analysed curve: a group's metric along the axis. */
  record Detection(String group, String metric, DoubleDescent.Result result) {}

  /** Replaces the sweep's partition of {@code double_descent}; returns one detection per row. */
  static List<Detection> write(SparkSession spark, Warehouse warehouse, SweepSpec spec) {
    String axis = spec.analysis(SpecKeys.DOUBLE_DESCENT_X);
    List<String> groups = Groups.columns(spec, Set.of(axis));
    List<String> present = Tables.register(spark, warehouse);
    String sweep = spec.name().replace("'", "''");
    // Each run's training loss at step 0, against which a squared-loss fit is measured. Tables
    // written before these columns (or without curves) read null there, and a group with no
    // measured ratio is read by its training error.
    boolean startKnown = has(spark, present, "curves", "train_loss");
    String start =
        startKnown
            ? " LEFT JOIN (SELECT sweep, run_id, train_loss AS loss0 FROM curves WHERE step = 0) c0"
                + " ON c0.sweep = r.sweep AND c0.run_id = r.run_id"
            : "";
    String loss0 = startKnown ? "c0.loss0" : "CAST(NULL AS DOUBLE) AS loss0";
    String loss = has(spark, present, "runs", "loss") ? "r.loss" : "CAST(NULL AS STRING) AS loss";
    String query =
        axis.equals("step")
            ? "SELECT "
                + Groups.select(groups, "r.")
                + "r.run_id, "
                + loss
                + ", c.step AS x, c.test_error, c.test_loss, c.train_error, "
                + (startKnown ? "c.train_loss" : "CAST(NULL AS DOUBLE) AS train_loss")
                + ", "
                + loss0
                + " FROM curves c JOIN runs r ON c.sweep = r.sweep AND c.run_id = r.run_id"
                + start
                + " WHERE r.sweep = '"
                + sweep
                + "' AND "
                + RunFilter.where(spark, spec, "r.")
            : "SELECT "
                + Groups.select(groups, "r.")
                + "r.run_id, "
                + loss
                + ", CAST(r."
                + axis
                + " AS DOUBLE) AS x, r.final_test_error AS test_error, r.final_test_loss AS"
                + " test_loss, r.final_train_error AS train_error, "
                + (has(spark, present, "runs", "final_train_loss")
                    ? "r.final_train_loss"
                    : "CAST(NULL AS DOUBLE)")
                + " AS train_loss, "
                + loss0
                + " FROM runs r"
                + start
                + " WHERE r.sweep = '"
                + sweep
                + "' AND "
                + RunFilter.where(spark, spec, "r.");
    // group -> x -> run -> {test_error, test_loss, train_error, train loss / loss at step 0}: one
    // value per seed at each x
    Map<String, Map<Double, Map<String, double[]>>> byGroup = new LinkedHashMap<>();
    Map<String, Set<String>> lossesByGroup = new LinkedHashMap<>();
    for (Row row : spark.sql(query).collectAsList()) {
      String group = Groups.name(row, groups);
      lossesByGroup.computeIfAbsent(group, g -> new LinkedHashSet<>()).add(row.getAs("loss"));
      byGroup
          .computeIfAbsent(group, g -> new LinkedHashMap<>())
          .computeIfAbsent(((Number) row.getAs("x")).doubleValue(), x -> new LinkedHashMap<>())
          .put(
              row.getAs("run_id"),
              new double[] {
                row.getAs("test_error"),
                row.getAs("test_loss"),
                row.getAs("train_error"),
                relative(row.getAs("train_loss"), row.getAs("loss0"))
              });
    }
    // Runs that are not ok, per group and x; along the step axis such a run is missing at every x.
    String notOk =
        "SELECT "
            + Groups.select(groups, "")
            + (axis.equals("step") ? "" : "CAST(" + axis + " AS DOUBLE) AS x, ")
            + "run_id FROM runs WHERE sweep = '"
            + sweep
            + "' AND coalesce(status, '') <> 'ok' AND "
            + RunFilter.trainedByCondition(spark, spec, "");
    Map<String, Map<Double, Integer>> notOkByX = new LinkedHashMap<>();
    Map<String, Integer> notOkTotal = new LinkedHashMap<>();
    for (Row row : spark.sql(notOk).collectAsList()) {
      String group = Groups.name(row, groups);
      notOkTotal.merge(group, 1, Integer::sum);
      if (!axis.equals("step")) {
        notOkByX
            .computeIfAbsent(group, g -> new LinkedHashMap<>())
            .merge(((Number) row.getAs("x")).doubleValue(), 1, Integer::sum);
      }
    }
    DoubleDescent.Threshold rule = DoubleDescent.Threshold.forAxis(axis);
    List<Detection> detections = new ArrayList<>();
    List<Row> out = new ArrayList<>();
    byGroup.forEach(
        (group, byX) -> {
          for (int m = 0; m < METRICS.size(); m++) {
            int metric = m;
            List<DoubleDescent.Point> points = new ArrayList<>();
            byX.forEach(
                (x, runs) -> {
                  List<double[]> seeds = List.copyOf(runs.values());
                  List<Double> values =
                      seeds.stream()
                          .map(s -> s[metric])
                          .filter(v -> Double.isFinite(v) && v >= 0)
                          .toList();
                  if (!values.isEmpty()) {
                    double train =
                        seeds.stream().mapToDouble(s -> s[2]).average().orElse(Double.NaN);
                    double trainLoss =
                        seeds.stream()
                            .mapToDouble(s -> s[3])
                            .filter(Double::isFinite)
                            .average()
                            .orElse(Double.NaN);
                    points.add(new DoubleDescent.Point(x, values, train, trainLoss));
                  }
                });
            if (points.size() < 3) {
              continue; // e.g. test_error of a regression task: there is none
            }
            Set<String> losses = lossesByGroup.get(group);
            boolean measured = points.stream().anyMatch(p -> Double.isFinite(p.trainLoss()));
            DoubleDescent.Measure measure =
                measured && losses.size() == 1
                    ? DoubleDescent.Measure.forLoss(losses.iterator().next())
                    : DoubleDescent.Measure.TRAIN_ERROR;
            DoubleDescent.Result r = DoubleDescent.detect(points, rule, measure);
            int total = notOkTotal.getOrDefault(group, 0);
            Map<Double, Integer> perX = notOkByX.getOrDefault(group, Map.of());
            List<Integer> notOkAtX =
                r.x().stream()
                    .map(x -> axis.equals("step") ? total : perX.getOrDefault(x, 0))
                    .toList();
            detections.add(new Detection(group, METRICS.get(metric), r));
            out.add(
                RowFactory.create(
                    spec.name(),
                    group,
                    axis,
                    METRICS.get(metric),
                    r.x(),
                    r.mean(),
                    r.std(),
                    r.trainError(),
                    r.trainLoss(),
                    r.seeds(),
                    notOkAtX,
                    total,
                    r.detected(),
                    nullIfNaN(r.peakX()),
                    nullIfNaN(r.peakValue()),
                    r.prominence(),
                    nullIfNaN(r.noise()),
                    nullIfNaN(r.z()),
                    nullIfNaN(r.zThreshold()),
                    nullIfNaN(r.thresholdX()),
                    r.interpolatedBy().column(),
                    nullIfNaN(r.minBefore()),
                    nullIfNaN(r.minAfter()),
                    RunFilter.trainedBy(spec)));
          }
        });
    Commit.replace(
        spark,
        warehouse,
        spec.name(),
        Warehouse.DOUBLE_DESCENT,
        spark.createDataFrame(out, SCHEMA));
    return detections;
  }

  /** Whether {@code table} is among the {@code present} tables and has {@code column}. */
  private static boolean has(
      SparkSession spark, List<String> present, String table, String column) {
    return present.contains(table) && Arrays.asList(spark.table(table).columns()).contains(column);
  }

  /** {@code loss} over {@code start}, NaN where either is missing or the start is not positive. */
  private static double relative(Double loss, Double start) {
    return loss == null || start == null || !(start > 0) ? Double.NaN : loss / start;
  }

  static Double nullIfNaN(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
