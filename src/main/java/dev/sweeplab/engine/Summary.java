package dev.sweeplab.engine;

import dev.sweeplab.report.Table;
import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Pins;
import dev.sweeplab.store.TableStore;
import dev.sweeplab.store.Warehouse;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

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
   * The summary of {@code spec}'s committed runs: {@link #query}'s result, computed in Java from
   * the rows that Iceberg's generic reader returns at the snapshot the {@code runs} view reads
   * ({@link Pins#snapshotFor}). A few dozen rows need no Spark job, and a command that has run no
   * Spark SQL yet does not pay the seconds its first query costs.
   */
  public static Table of(SparkSession spark, Warehouse warehouse, SweepSpec spec) {
    TableStore store = Tables.store(spark, warehouse);
    Pins pins = Tables.pins(spark, warehouse);
    List<String> axes = spec.axes().stream().map(Key::column).toList();
    List<String> columns = new ArrayList<>(axes);
    columns.addAll(MEASURES);
    Long snapshot = pins.snapshotFor(Warehouse.RUNS, spec.name());
    List<Record> rows =
        snapshot == null
            ? List.of()
            : Pins.rows(store.load(Warehouse.RUNS).orElseThrow(), snapshot, spec.name(), columns);
    return summarize(axes, rows);
  }

  /**
   * {@link #query} over {@code rows}: a row per combination of the axes' values in ascending order
   * (nulls first, as Spark orders them), with count, ok count, means over non-null values and
   * sample standard deviations (null for fewer than two values).
   */
  static Table summarize(List<String> axes, List<Record> rows) {
    Map<List<Object>, List<Record>> groups = new TreeMap<>(Summary::compareKeys);
    for (Record r : rows) {
      List<Object> key = new ArrayList<>(axes.size());
      axes.forEach(a -> key.add(r.getField(a)));
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
    }
    List<List<Object>> out = new ArrayList<>();
    for (Map.Entry<List<Object>, List<Record>> g : groups.entrySet()) {
      List<Record> group = g.getValue();
      List<Object> row = new ArrayList<>(g.getKey());
      row.add((long) group.size());
      row.add(group.stream().filter(r -> "ok".equals(r.getField("status"))).count());
      double[] test = values(group, "final_test_error");
      double[] loss = values(group, "final_test_loss");
      row.add(mean(test));
      row.add(sd(test));
      row.add(mean(values(group, "final_train_error")));
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

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareKeys(List<Object> a, List<Object> b) {
    for (int i = 0; i < a.size(); i++) {
      Object x = a.get(i);
      Object y = b.get(i);
      int c = x == null ? (y == null ? 0 : -1) : y == null ? 1 : ((Comparable) x).compareTo(y);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static double[] values(List<Record> group, String column) {
    return group.stream()
        .map(r -> r.getField(column))
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

  /** A sweep's rows of an analysis table, as a plain table for the report. */
  public static Table table(SparkSession spark, Warehouse warehouse, String table, SweepSpec spec) {
    return rows(spark, warehouse, table, spec.name(), null);
  }

  /**
   * Some columns of a sweep's rows of an analysis table, in the order they were written (each
   * partition is one file), as a plain table for the report.
   */
  public static Table table(
      SparkSession spark, Warehouse warehouse, String table, SweepSpec spec, List<String> columns) {
    return rows(spark, warehouse, table, spec.name(), columns);
  }

  /**
   * Sweep {@code sweep}'s rows of {@code table}, its columns {@code columns} (null: all, in the
   * order of the schema they were written with), as {@code SELECT ... FROM table WHERE sweep = ...}
   * returns them on the views of {@link Tables#register}: read by Iceberg's generic reader at the
   * snapshot that view reads ({@link Pins#snapshotFor}), in file order; lists as Java lists,
   * timestamps as {@link Timestamp}s. No Spark job, no Spark SQL. Empty when the table does not
   * exist in the state read or holds no rows of the sweep.
   */
  public static Table rows(
      SparkSession spark, Warehouse warehouse, String table, String sweep, List<String> columns) {
    Long snapshot = Tables.pins(spark, warehouse).snapshotFor(table, sweep);
    Optional<org.apache.iceberg.Table> loaded =
        snapshot == null ? Optional.empty() : Tables.store(spark, warehouse).load(table);
    if (loaded.isEmpty()) {
      return new Table(columns == null ? List.of() : columns, List.of());
    }
    org.apache.iceberg.Table t = loaded.get();
    Integer schemaId = t.snapshot(snapshot).schemaId();
    Schema schema = schemaId == null ? t.schema() : t.schemas().get(schemaId);
    List<String> names =
        columns != null ? columns : schema.columns().stream().map(Types.NestedField::name).toList();
    List<List<Object>> out = new ArrayList<>();
    for (Record r : Pins.rows(t, snapshot, sweep, names)) {
      List<Object> row = new ArrayList<>(names.size());
      names.forEach(n -> row.add(sparkValue(r.getField(n))));
      out.add(row);
    }
    return new Table(names, out);
  }

  /** An Iceberg generic value as Spark SQL's collect gives it (timestamps, nested lists). */
  private static Object sparkValue(Object v) {
    if (v instanceof OffsetDateTime t) {
      return Timestamp.from(t.toInstant());
    }
    if (v instanceof LocalDateTime t) {
      return Timestamp.valueOf(t);
    }
    if (v instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(e -> copy.add(sparkValue(e)));
      return copy;
    }
    return v;
  }

  private static Table collect(Dataset<Row> result) {
    List<List<Object>> rows = new ArrayList<>();
    for (Row row : result.collectAsList()) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < row.length(); i++) {
        // Arrays leave Spark as Scala sequences; the report takes plain Java lists.
        values.add(
            row.isNullAt(i) || !(row.get(i) instanceof scala.collection.Seq)
                ? row.get(i)
                : new ArrayList<>(row.getList(i)));
      }
      rows.add(values);
    }
    return new Table(Arrays.asList(result.columns()), rows);
  }
}
