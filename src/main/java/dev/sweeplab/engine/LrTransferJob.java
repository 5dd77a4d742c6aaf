package dev.sweeplab.engine;

import dev.sweeplab.analysis.LrTransfer;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.train.RunResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Learning-rate transfer across widths (Tensor Programs V, Fig. 1): Spark gathers each run's {@code
 * best_val_loss}, the {@code ok} runs' values and the {@code diverged} runs as such, and {@link
 * LrTransfer} finds per group, parameterization and width the learning rate of least mean loss,
 * with a bootstrap interval over seeds, and its shift across widths in grid steps. Writes {@code
 * lr_transfer}. Driver-only.
 */
final class LrTransferJob {
  /** Axes that are a row's own columns (or its curve) rather than part of its group. */
  static final Set<String> NOT_GROUPS = Set.of("width", "learning_rate", "parameterization");

  /** The {@code runs} column compared across learning rates. */
  static final String METRIC = "best_val_loss";

  private LrTransferJob() {}

  /** One row's curve: its group's index, parameterization and width. */
  private record Cell(int group, String parameterization, int width) {}

  /** Replaces the sweep's partition of {@code lr_transfer}; returns the rows written. */
  static List<Row> write(SparkSession spark, Warehouse warehouse, SweepSpec spec) {
    Tables.register(spark, warehouse);
    List<String> groups = Groups.columns(spec, NOT_GROUPS);
    String order = Groups.select(groups, "") + "parameterization, width, learning_rate, `repeat`";
    // Ok runs as every analysis takes them, and diverged runs, trained the same way, to count.
    String query =
        "SELECT "
            + order
            + ", status, "
            + METRIC
            + " FROM runs WHERE sweep = '"
            + spec.name().replace("'", "''")
            + "' AND ("
            + RunFilter.where(spark, spec, "")
            + " OR (status = '"
            + RunResult.DIVERGED
            + "' AND "
            + RunFilter.trainedByCondition(spark, spec, "")
            + ")) ORDER BY "
            + order;
    List<Row> runs = spark.sql(query).collectAsList();
    StructType schema = schema(groups, spark.table(Warehouse.RUNS).schema());

    TreeSet<Double> rates = new TreeSet<>();
    for (Object v : spec.values().get(SpecKeys.LEARNING_RATE)) {
      rates.add(((Number) v).doubleValue());
    }
    Groups.Index index = new Groups.Index(groups);
    // cell -> learning rate -> repeat -> loss (LrTransfer.DIVERGED for a diverged run)
    Map<Cell, Map<Double, Map<Integer, Double>>> cells = new LinkedHashMap<>();
    for (Row row : runs) {
      int group = index.of(row);
      Cell cell =
          new Cell(group, row.getAs("parameterization"), ((Number) row.getAs("width")).intValue());
      double rate = ((Number) row.getAs("learning_rate")).doubleValue();
      rates.add(rate);
      Map<Integer, Double> seeds =
          cells
              .computeIfAbsent(cell, c -> new TreeMap<>())
              .computeIfAbsent(rate, r -> new TreeMap<>());
      boolean diverged = RunResult.DIVERGED.equals(row.getAs("status"));
      Object loss = row.getAs(METRIC);
      if (diverged || loss != null) {
        // An ok run without the metric (no validation split) has nothing to compare.
        seeds.put(
            ((Number) row.getAs("repeat")).intValue(),
            diverged ? LrTransfer.DIVERGED : ((Number) loss).doubleValue());
      }
    }
    List<Double> grid = new ArrayList<>(rates);
    int replicates = Integer.parseInt(spec.analysis(SpecKeys.BOOTSTRAP));

    // Rows come out in the order of the query: group, parameterization, width.
    Map<List<Object>, SortedMap<Integer, LrTransfer.Optimum>> curves = new LinkedHashMap<>();
    cells.forEach(
        (cell, losses) -> {
          String key =
              String.join("|", index.name(cell.group()), cell.parameterization())
                  + "|"
                  + cell.width();
          curves
              .computeIfAbsent(List.of(cell.group(), cell.parameterization()), k -> new TreeMap<>())
              .put(
                  cell.width(),
                  LrTransfer.optimum(grid, losses, replicates, LrTransfer.seed(spec.seed(), key)));
        });
    List<Row> out = new ArrayList<>();
    curves.forEach(
        (key, byWidth) -> {
          int group = (Integer) key.get(0);
          SortedMap<Integer, Double> optima = new TreeMap<>();
          byWidth.forEach((width, o) -> optima.put(width, o.lr()));
          LrTransfer.Transfer transfer = LrTransfer.across(grid, optima);
          byWidth.forEach(
              (width, o) -> {
                List<Object> v = new ArrayList<>();
                v.add(spec.name());
                v.add(index.name(group));
                v.addAll(index.values(group));
                v.add(key.get(1));
                v.add(width);
                v.add(METRIC);
                v.add(o.learningRates());
                v.add(o.meanLosses());
                v.add(o.seeds());
                v.add(o.diverged());
                boolean found = !Double.isNaN(o.lr());
                v.add(DoubleDescentJob.nullIfNaN(o.lr()));
                v.add(DoubleDescentJob.nullIfNaN(o.loss()));
                v.add(DoubleDescentJob.nullIfNaN(o.lossSd()));
                v.add(DoubleDescentJob.nullIfNaN(o.low()));
                v.add(DoubleDescentJob.nullIfNaN(o.high()));
                v.add(DoubleDescentJob.nullIfNaN(o.share()));
                v.add(o.replicates());
                v.add(DoubleDescentJob.nullIfNaN(transfer.shiftSteps().get(width)));
                v.add(DoubleDescentJob.nullIfNaN(transfer.spreadSteps()));
                v.add(found ? o.atEdge() : null);
                v.add(RunFilter.trainedBy(spec));
                out.add(new GenericRowWithSchema(v.toArray(), schema));
              });
        });
    Commit.replace(
        spark, warehouse, spec.name(), Warehouse.LR_TRANSFER, spark.createDataFrame(out, schema));
    return out;
  }

  /**
   * The summary line of one group and parameterization: "lr_transfer [group] mup: optimal log2 lr
   * -9,-9,-10 over widths 64..256 (spread 1 step)", from rows as {@link #write} returns them.
   */
  static List<String> describe(List<Row> rows) {
    Map<String, List<Row>> byCurve = new LinkedHashMap<>();
    for (Row r : rows) {
      String group = r.getAs("group");
      String name =
          (group.isEmpty() ? "" : "[" + group + "] ") + r.<String>getAs("parameterization");
      byCurve.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
    }
    List<String> lines = new ArrayList<>();
    byCurve.forEach(
        (name, curve) -> {
          List<String> optima = new ArrayList<>();
          for (Row r : curve) {
            Double lr = r.getAs("optimal_lr");
            optima.add(lr == null ? "none" : number(Math.log(lr) / Math.log(2)));
          }
          Double spread = curve.get(0).getAs("spread_steps");
          lines.add(
              Warehouse.LR_TRANSFER
                  + " "
                  + name
                  + ": optimal log2 lr "
                  + String.join(",", optima)
                  + " over widths "
                  + curve.get(0).<Integer>getAs("width")
                  + ".."
                  + curve.get(curve.size() - 1).<Integer>getAs("width")
                  + " (spread "
                  + (spread == null
                      ? "none"
                      : number(spread) + (Math.abs(spread - 1) < 0.005 ? " step" : " steps"))
                  + ")");
        });
    return lines;
  }

  /** An integer as such, any other number to two decimals. */
  private static String number(double v) {
    return Math.abs(v - Math.rint(v)) < 0.005
        ? Long.toString(Math.round(v))
        : String.format(Locale.ROOT, "%.2f", v);
  }

  private static StructType schema(List<String> groups, StructType runs) {
    return Groups.schemaHead(groups, runs)
        .add("parameterization", DataTypes.StringType, false)
        .add("width", DataTypes.IntegerType, false)
        .add("metric", DataTypes.StringType, false)
        .add("learning_rates", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
        .add("mean_losses", DataTypes.createArrayType(DataTypes.DoubleType, true), false)
        .add("seeds", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
        .add("diverged", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
        .add("optimal_lr", DataTypes.DoubleType, true)
        .add("optimal_loss", DataTypes.DoubleType, true)
        .add("optimal_loss_sd", DataTypes.DoubleType, true)
        .add("optimal_lr_low", DataTypes.DoubleType, true)
        .add("optimal_lr_high", DataTypes.DoubleType, true)
        .add("optimal_share", DataTypes.DoubleType, true)
        .add("replicates", DataTypes.IntegerType, false)
        .add("shift_steps", DataTypes.DoubleType, true)
        .add("spread_steps", DataTypes.DoubleType, true)
        .add("at_edge", DataTypes.BooleanType, true)
        .add("trained_by", DataTypes.StringType, true);
  }
}
