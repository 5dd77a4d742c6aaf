package dev.sweeplab.engine;

import dev.sweeplab.analysis.WidthExponent;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Lazy versus rich training measured as exponents in width: Spark gathers each {@code ok} run's
 * per-layer weight change, feature change and kernel change, and {@link WidthExponent} fits the
 * slope of log quantity on log width per group, parameterization, optimizer, quantity and layer,
 * with a bootstrap interval over seeds. A quantity whose column the {@code runs} table lacks (an
 * older warehouse) is left out. Writes {@code width_exponents}. Driver-only.
 */
final class WidthExponentsJob {
  /** Axes that are a row's own columns rather than part of its group. */
  static final Set<String> NOT_GROUPS = Set.of("width", "parameterization", "optimizer");

  /**
   * A fitted quantity: its name in the table, the {@code runs} column it is read from (one value
   * per layer, input side first) and whether its layers are weight matrices (input, hidden...,
   * output) or hidden layers only.
   */
  record Quantity(String name, String column, boolean weights) {}

  static final List<Quantity> QUANTITIES =
      List.of(
          new Quantity("weight_change_frobenius", "weight_change_layers", true),
          new Quantity("weight_change_spectral", "weight_change_spectral", true),
          new Quantity("feature_change", "feature_change", false),
          new Quantity("kernel_change", "kernel_change", false));

  private WidthExponentsJob() {}

  /** One fitted row's key: the index of its group, and the rest of its key columns. */
  private record Cell(
      int group, String parameterization, String optimizer, int quantity, int layer) {}

  /** Replaces the sweep's partition of {@code width_exponents}; returns the rows written. */
  static List<Row> write(SparkSession spark, Warehouse warehouse, SweepSpec spec) {
    Tables.register(spark, warehouse);
    Set<String> columns = new HashSet<>(Arrays.asList(spark.table(Warehouse.RUNS).columns()));
    List<Quantity> present = QUANTITIES.stream().filter(q -> columns.contains(q.column())).toList();
    List<String> groups = Groups.columns(spec, NOT_GROUPS);
    StringBuilder query = new StringBuilder("SELECT ");
    query.append(Groups.select(groups, ""));
    query.append("parameterization, optimizer, width, `repeat`");
    for (Quantity q : present) {
      query.append(", ").append(q.column());
    }
    query
        .append(" FROM runs WHERE sweep = '")
        .append(spec.name().replace("'", "''"))
        .append("' AND ")
        .append(RunFilter.where(spark, spec, ""))
        .append(" ORDER BY ")
        .append(Groups.select(groups, ""))
        .append("parameterization, optimizer, width, `repeat`");
    Dataset<Row> runs = spark.sql(query.toString());
    StructType schema = schema(groups, runs.schema());

    Groups.Index index = new Groups.Index(groups);
    // cell -> width -> the value of each seed, in repeat order
    Map<Cell, Map<Integer, List<Double>>> cells = new LinkedHashMap<>();
    // cell -> width -> the repeat of each value: under dataset.data_seed: per_repeat repeat r
    // trains every width on one sample, and the bootstrap redraws repeats across the widths
    Map<Cell, Map<Integer, List<Integer>>> repeats = new LinkedHashMap<>();
    boolean paired = spec.values().get(SpecKeys.DATA_SEED).contains("per_repeat");
    Map<Cell, Integer> layerCounts = new LinkedHashMap<>();
    for (Row row : runs.collectAsList()) {
      int group = index.of(row);
      int width = ((Number) row.getAs("width")).intValue();
      for (int q = 0; q < present.size(); q++) {
        int at = row.fieldIndex(present.get(q).column());
        if (row.isNullAt(at)) {
          continue; // a run written before the column existed
        }
        List<Double> layers = row.getList(at);
        for (int layer = 0; layer < layers.size(); layer++) {
          Cell cell =
              new Cell(
                  group,
                  row.getAs("parameterization"),
                  row.getAs("optimizer"),
                  QUANTITIES.indexOf(present.get(q)),
                  layer);
          layerCounts.merge(cell, layers.size(), Math::max);
          cells
              .computeIfAbsent(cell, c -> new TreeMap<>())
              .computeIfAbsent(width, w -> new ArrayList<>())
              .add(layers.get(layer));
          repeats
              .computeIfAbsent(cell, c -> new TreeMap<>())
              .computeIfAbsent(width, w -> new ArrayList<>())
              .add(((Number) row.getAs("repeat")).intValue());
        }
      }
    }
    List<Cell> order = new ArrayList<>(cells.keySet());
    order.sort(
        Comparator.comparingInt(Cell::group)
            .thenComparing(Cell::parameterization)
            .thenComparing(Cell::optimizer)
            .thenComparingInt(Cell::quantity)
            .thenComparingInt(Cell::layer));
    List<Row> out = new ArrayList<>();
    for (Cell cell : order) {
      Quantity q = QUANTITIES.get(cell.quantity());
      String group = index.name(cell.group());
      String key =
          String.join(
              "|",
              group,
              cell.parameterization(),
              cell.optimizer(),
              q.name(),
              Integer.toString(cell.layer()));
      WidthExponent.fit(
              cells.get(cell),
              paired ? repeats.get(cell) : null,
              WidthExponent.REPLICATES,
              WidthExponent.seed(spec.seed(), key))
          .ifPresent(
              r -> {
                List<Object> v = new ArrayList<>();
                v.add(spec.name());
                v.add(group);
                v.addAll(index.values(cell.group()));
                v.add(cell.parameterization());
                v.add(cell.optimizer());
                v.add(q.name());
                v.add(cell.layer());
                v.add(layerKind(q, cell.layer(), layerCounts.get(cell)));
                v.add(r.exponent());
                v.add(DoubleDescentJob.nullIfNaN(r.low()));
                v.add(DoubleDescentJob.nullIfNaN(r.high()));
                v.add(r.widths().size());
                v.add(r.seeds());
                v.add(r.points());
                v.add(r.replicates());
                v.add(r.widths());
                v.add(r.geometricMeans());
                v.add(RunFilter.trainedBy(spec));
                out.add(new GenericRowWithSchema(v.toArray(), schema));
              });
    }
    Commit.replace(
        spark,
        warehouse,
        spec.name(),
        Warehouse.WIDTH_EXPONENTS,
        spark.createDataFrame(out, schema));
    return out;
  }

  /**
   * {@code input} for a weight quantity's first matrix, {@code output} for its last, {@code hidden}
   * between; {@code hidden} for a per-hidden-layer quantity.
   */
  static String layerKind(Quantity q, int layer, int layers) {
    if (!q.weights()) {
      return "hidden";
    }
    return layer == 0 ? "input" : layer == layers - 1 ? "output" : "hidden";
  }

  private static StructType schema(List<String> groups, StructType runs) {
    return Groups.schemaHead(groups, runs)
        .add("parameterization", DataTypes.StringType, false)
        .add("optimizer", DataTypes.StringType, false)
        .add("quantity", DataTypes.StringType, false)
        .add("layer", DataTypes.IntegerType, false)
        .add("layer_kind", DataTypes.StringType, false)
        .add("exponent", DataTypes.DoubleType, false)
        .add("exponent_low", DataTypes.DoubleType, true)
        .add("exponent_high", DataTypes.DoubleType, true)
        .add("widths", DataTypes.IntegerType, false)
        .add("seeds", DataTypes.IntegerType, false)
        .add("points", DataTypes.IntegerType, false)
        .add("replicates", DataTypes.IntegerType, false)
        .add("xs", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
        .add("ys", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
        .add("trained_by", DataTypes.StringType, true);
  }
}
