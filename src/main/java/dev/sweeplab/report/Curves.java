package dev.sweeplab.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The learning curves as the HTML page gets them: per run, in the order of the runs table, its
 * steps and each metric's values at them.
 *
 * <p>The page stays small for large sweeps: the curves of a sweep hold at most {@link
 * #TOTAL_POINTS} points in all, each run keeping at least {@link #MIN_POINTS}. A longer curve keeps
 * its first and last point and points evenly spaced in index between them; evaluation steps are
 * log-spaced ({@code training.eval_points}), so the kept points stay log-spaced. Values keep {@link
 * #DIGITS} significant digits, enough to draw them.
 */
final class Curves {
  /** Points kept over all runs: 120,000 points of up to 7 numbers stay under about 6 MB. */
  static final int TOTAL_POINTS = 120_000;

  /** Points a curve keeps however many runs the sweep has. */
  static final int MIN_POINTS = 12;

  /** Significant digits of the curve values. */
  static final int DIGITS = 4;

  /** The metric columns of {@code curves} the page can plot, when a run has values there. */
  static final List<String> METRICS =
      List.of("train_loss", "val_loss", "test_loss", "train_error", "val_error", "test_error");

  private Curves() {}

  /**
   * From the runs table (its {@code run_id} column orders the result) and the curves table ({@code
   * run_id}, {@code step} and any of {@link #METRICS}): {@code x} (the x column), {@code metrics}
   * (those with a value in some row), {@code maxPoints} (per run), {@code downsampled} (whether a
   * curve lost points) and {@code runs}: per run null (no curve) or [steps, metric values...].
   */
  static Map<String, Object> of(Table runs, Table curves) {
    int id = curves.column("run_id");
    int step = curves.column("step");
    List<String> metrics = new ArrayList<>();
    for (String m : METRICS) {
      int c = curves.column(m);
      if (c >= 0 && curves.rows().stream().anyMatch(r -> r.get(c) instanceof Number)) {
        metrics.add(m);
      }
    }
    Map<Object, List<List<Object>>> byRun = new HashMap<>();
    for (List<Object> row : curves.rows()) {
      byRun.computeIfAbsent(row.get(id), k -> new ArrayList<>()).add(row);
    }
    int maxPoints = Math.max(MIN_POINTS, TOTAL_POINTS / Math.max(1, byRun.size()));
    boolean downsampled = false;
    List<Object> out = new ArrayList<>();
    int runId = runs.column("run_id");
    for (List<Object> run : runs.rows()) {
      List<List<Object>> points = byRun.get(run.get(runId));
      if (points == null) {
        out.add(null);
        continue;
      }
      points = new ArrayList<>(points);
      points.sort((a, b) -> Double.compare(number(a.get(step)), number(b.get(step))));
      List<List<Object>> kept = pick(points, maxPoints);
      downsampled |= kept.size() < points.size();
      List<Object> columns = new ArrayList<>();
      columns.add(kept.stream().map(p -> p.get(step)).toList());
      for (String m : metrics) {
        int c = curves.column(m);
        columns.add(kept.stream().map(p -> HtmlReport.Rows.value(p.get(c), DIGITS)).toList());
      }
      out.add(columns);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("x", "step");
    result.put("metrics", metrics);
    result.put("maxPoints", maxPoints);
    result.put("downsampled", downsampled);
    result.put("runs", out);
    return result;
  }

  /** At most {@code k} (at least 2) of {@code points}: the first, the last, evenly between. */
  static <T> List<T> pick(List<T> points, int k) {
    int n = points.size();
    if (n <= k) {
      return points;
    }
    List<T> kept = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      kept.add(points.get((int) Math.round((double) i * (n - 1) / (k - 1))));
    }
    return kept;
  }

  private static double number(Object v) {
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
