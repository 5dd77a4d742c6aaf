package dev.sweeplab.engine;

import dev.sweeplab.report.HtmlReport;
import dev.sweeplab.report.Table;
import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The rows the HTML report shows, read from one committed state of the tables ({@link
 * Tables#read}): a sweep's runs (results and provenance, not the per-layer lists), its curve
 * points, its {@code sweeps} rows and its rows of each analysis table. Columns a table lacks (a
 * warehouse written by an older sweeplab) are left out. Driver-only.
 */
public final class ReportRows {
  /** The {@code runs} columns the page reads besides the swept keys, where the table has them. */
  static final List<String> RUN_COLUMNS =
      List.of(
          "run_id",
          "status",
          "reason",
          "repeat",
          "seed",
          "params",
          "final_train_loss",
          "final_train_error",
          "final_test_loss",
          "final_test_error",
          "best_val_loss",
          "test_loss_at_best",
          "test_error_at_best",
          "steps_done",
          "epochs_done",
          "wall_ms",
          "interpolation_step",
          "sweeplab_version",
          "implementation",
          "device",
          "trained_by",
          "nd4j_backend",
          "java_version",
          "os",
          "arch",
          "cpu_model",
          "host",
          "spark_app_id",
          "attempt",
          "finished_at");

  /** The {@code curves} columns the page reads, where the table has them. */
  static final List<String> CURVE_COLUMNS =
      List.of(
          "run_id",
          "step",
          "train_loss",
          "train_error",
          "val_loss",
          "val_error",
          "test_loss",
          "test_error");

  private ReportRows() {}

  /** The rows read from one registration of the base tables. */
  private record Read(Table runs, Table curves, Table executions) {}

  /**
   * The page's rows for {@code spec}'s sweep, with {@code summary} as {@code summary.md} has it.
   */
  public static HtmlReport.Sweep of(
      SparkSession spark, Warehouse warehouse, SweepSpec spec, Table summary) {
    String where = " WHERE sweep = '" + spec.name().replace("'", "''") + "'";
    List<String> axes = spec.axes().stream().map(Key::column).toList();
    List<String> present = Tables.present(spark, warehouse);
    List<String> base =
        Stream.of(Warehouse.RUNS, Warehouse.CURVES, Warehouse.SWEEPS)
            .filter(present::contains)
            .toList();
    Read read =
        Tables.read(
            spark,
            warehouse,
            base,
            () -> {
              List<String> runColumns = new ArrayList<>(RUN_COLUMNS.subList(0, 3));
              runColumns.addAll(axes);
              runColumns.addAll(RUN_COLUMNS.subList(3, RUN_COLUMNS.size()));
              Table runs =
                  select(spark, Warehouse.RUNS, runColumns, where + " ORDER BY run_id", base);
              Table curves =
                  select(
                      spark,
                      Warehouse.CURVES,
                      CURVE_COLUMNS,
                      where + " ORDER BY run_id, step",
                      base);
              Table executions =
                  base.contains(Warehouse.SWEEPS)
                      ? Summary.collect(
                          spark.sql("SELECT * FROM sweeps" + where + " ORDER BY started"))
                      : new Table(List.of(), List.of());
              return new Read(runs, curves, executions);
            });
    Table executions = read.executions();
    String recorded = null;
    int specColumn = executions.column("spec");
    if (specColumn >= 0 && !executions.rows().isEmpty()) {
      recorded = (String) executions.rows().get(executions.rows().size() - 1).get(specColumn);
    }
    Map<String, Table> analyses = new LinkedHashMap<>();
    for (String table : Tables.ANALYSES) {
      if (present.contains(table)) {
        Table rows = Summary.table(spark, warehouse, table, spec);
        if (!rows.rows().isEmpty()) {
          analyses.put(table, rows);
        }
      }
    }
    return new HtmlReport.Sweep(
        spec.name(),
        axes,
        recorded != null ? recorded : spec.canonicalJson(),
        summary,
        without(executions, "spec"),
        read.runs(),
        read.curves(),
        analyses);
  }

  /** {@code columns} of {@code table} that it has, with {@code tail} after the FROM. */
  private static Table select(
      SparkSession spark, String table, List<String> columns, String tail, List<String> present) {
    if (!present.contains(table)) {
      return new Table(columns.subList(0, 1), List.of());
    }
    List<String> has = Arrays.asList(spark.table(table).columns());
    List<String> chosen = columns.stream().distinct().filter(has::contains).toList();
    return Summary.collect(
        spark.sql("SELECT `" + String.join("`, `", chosen) + "` FROM " + table + tail));
  }

  private static Table without(Table t, String column) {
    int c = t.column(column);
    if (c < 0) {
      return t;
    }
    List<String> columns = new ArrayList<>(t.columns());
    columns.remove(c);
    List<List<Object>> rows = new ArrayList<>();
    for (List<Object> row : t.rows()) {
      List<Object> r = new ArrayList<>(row);
      r.remove(c);
      rows.add(r);
    }
    return new Table(columns, rows);
  }
}
