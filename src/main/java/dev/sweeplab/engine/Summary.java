package dev.sweeplab.engine;

import dev.sweeplab.report.Table;
import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-configuration summary of a sweep: for each combination of the swept axes, runs, how many
 * finished, and mean and standard deviation over seeds of the final errors and losses. Driver-only.
 */
public final class Summary {
  private Summary() {}

  /** The summary query for a sweep, over the {@code runs} view. */
  public static String query(SweepSpec spec) {
    List<String> axes = spec.axes().stream().map(Key::column).toList();
    String group = String.join(", ", axes);
    String select = axes.isEmpty() ? "" : group + ", ";
    return "SELECT "
        + select
        + "count(*) AS runs, sum(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) AS ok, "
        + "avg(final_test_error) AS test_error, stddev_samp(final_test_error) AS test_error_sd, "
        + "avg(final_train_error) AS train_error, "
        + "avg(final_test_loss) AS test_loss, stddev_samp(final_test_loss) AS test_loss_sd "
        + "FROM runs WHERE sweep = '"
        + spec.name()
        + "'"
        + (axes.isEmpty() ? "" : " GROUP BY " + group + " ORDER BY " + group);
  }

  /** The columns of {@code runs} that the summary aggregates. */
  static final List<String> MEASURES =
      List.of("status", "final_test_error", "final_train_error", "final_test_loss");

  /**
   * The summary of {@code spec}'s committed runs in {@code state}: {@link #query}'s result,
   * computed in Java from the rows of the {@code runs} view's snapshot ({@link Committed#rows}).
   */
  public static Table of(Committed state, SweepSpec spec) {
    List<String> axes = spec.axes().stream().map(Key::column).toList();
    List<String> columns = new ArrayList<>(axes);
    columns.addAll(MEASURES);
    return summarize(axes, state.rows(Warehouse.RUNS, spec.name(), columns));
  }

  /**
   * {@link #query} over {@code runs}: a row per combination of the axes' values in ascending order
   * (nulls first, as Spark orders them), with count, ok count, means over non-null values and
   * sample standard deviations (null for fewer than two values).
   */
  static Table summarize(List<String> axes, Table runs) {
    Map<List<Object>, List<List<Object>>> groups = new TreeMap<>(Summary::compareKeys);
    if (axes.isEmpty()) {
      // An aggregate without GROUP BY has one row, rows or none.
      groups.put(List.of(), new ArrayList<>());
    }
    for (List<Object> r : runs.rows()) {
      List<Object> key = new ArrayList<>(axes.size());
      // A column the snapshot's schema lacks reads as null, as in the views' union.
      axes.forEach(a -> key.add(runs.column(a) < 0 ? null : r.get(runs.column(a))));
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
    }
    int status = runs.column("status");
    List<List<Object>> out = new ArrayList<>();
    for (Map.Entry<List<Object>, List<List<Object>>> g : groups.entrySet()) {
      List<List<Object>> group = g.getValue();
      List<Object> row = new ArrayList<>(g.getKey());
      row.add((long) group.size());
      // SUM over no rows is null in SQL; COUNT is 0.
      row.add(
          group.isEmpty()
              ? null
              : group.stream().filter(r -> status >= 0 && "ok".equals(r.get(status))).count());
      double[] test = values(group, runs.column("final_test_error"));
      double[] loss = values(group, runs.column("final_test_loss"));
      row.add(mean(test));
      row.add(sd(test));
      row.add(mean(values(group, runs.column("final_train_error"))));
      row.add(mean(loss));
      row.add(sd(loss));
      out.add(row);
    }
    List<String> names = new ArrayList<>(axes);
    names.addAll(
        List.of(
            "runs",
            "ok",
            "test_error",
            "test_error_sd",
            "train_error",
            "test_loss",
            "test_loss_sd"));
    return new Table(names, out);
  }

  private static int compareKeys(List<Object> a, List<Object> b) {
    for (int i = 0; i < a.size(); i++) {
      int c = ascending(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** Two values of one column in Spark's ascending order: nulls first, then natural order. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static int ascending(Object x, Object y) {
    return x == null ? (y == null ? 0 : -1) : y == null ? 1 : ((Comparable) x).compareTo(y);
  }

  private static double[] values(List<List<Object>> group, int column) {
    if (column < 0) {
      return new double[0];
    }
    return group.stream()
        .map(r -> r.get(column))
        .filter(v -> v != null)
        .mapToDouble(v -> ((Number) v).doubleValue())
        .toArray();
  }

  private static Double mean(double[] v) {
    if (v.length == 0) {
      return null;
    }
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return sum / v.length;
  }

  private static Double sd(double[] v) {
    if (v.length < 2) {
      return null;
    }
    double mean = mean(v);
    double squares = 0;
    for (double x : v) {
      squares += (x - mean) * (x - mean);
    }
    return Math.sqrt(squares / (v.length - 1));
  }
}
