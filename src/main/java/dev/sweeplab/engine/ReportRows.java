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

/**
 * The rows the HTML report shows, read from one committed state of the tables ({@link Committed}):
 * a sweep's runs (results and provenance, not the per-layer lists), its curve points, its {@code
 * sweeps} rows and its rows of each analysis table. Columns a table lacks (a warehouse written by
 * an older sweeplab) are left out. Driver-only.
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
  public static final List<String> CURVE_COLUMNS =
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

  /**
   * The page's rows for {@code spec}'s sweep in {@code state}, with {@code summary} as {@code
   * summary.md} has it.
   */
  public static HtmlReport.Sweep of(Committed state, SweepSpec spec, Table summary) {
    String sweep = spec.name();
    List<String> axes = spec.axes().stream().map(Key::column).toList();
    List<String> runColumns = new ArrayList<>(RUN_COLUMNS.subList(0, 3));
    runColumns.addAll(axes);
    runColumns.addAll(RUN_COLUMNS.subList(3, RUN_COLUMNS.size()));
    Table runs = sorted(state.rows(Warehouse.RUNS, sweep, runColumns), "run_id");
    Table curves = sorted(state.rows(Warehouse.CURVES, sweep, CURVE_COLUMNS), "run_id", "step");
    Table executions = sorted(state.rows(Warehouse.SWEEPS, sweep, null), "started");
    String recorded = null;
    int specColumn = executions.column("spec");
    if (specColumn >= 0 && !executions.rows().isEmpty()) {
      recorded = (String) executions.rows().get(executions.rows().size() - 1).get(specColumn);
    }
    Map<String, Table> analyses = new LinkedHashMap<>();
    for (String table : Tables.ANALYSES) {
      Table rows = state.rows(table, sweep, null);
      if (!rows.rows().isEmpty()) {
        analyses.put(table, rows);
      }
    }
    return new HtmlReport.Sweep(
        sweep,
        axes,
        recorded != null ? recorded : spec.canonicalJson(),
        summary,
        executions.select(executions.columns().stream().filter(c -> !c.equals("spec")).toList()),
        runs,
        curves,
        analyses);
  }

  /** {@code t}'s rows in ascending order of {@code columns} (nulls first), as ORDER BY sorts. */
  static Table sorted(Table t, String... columns) {
    int[] at = Arrays.stream(columns).mapToInt(t::column).filter(c -> c >= 0).toArray();
    List<List<Object>> rows = new ArrayList<>(t.rows());
    rows.sort(
        (a, b) -> {
          for (int c : at) {
            int d = Summary.ascending(a.get(c), b.get(c));
            if (d != 0) {
              return d;
            }
          }
          return 0;
        });
    return new Table(t.columns(), rows);
  }
}
