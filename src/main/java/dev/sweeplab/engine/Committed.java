package dev.sweeplab.engine;

import dev.sweeplab.report.Table;
import dev.sweeplab.store.Pins;
import dev.sweeplab.store.TableStore;
import dev.sweeplab.store.Warehouse;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.SparkSession;

/**
 * One committed state of a warehouse's tables, read without Spark: the snapshots {@link
 * Tables#register} would pin its views to (the current ones, or those of {@link Tables#AS_OF}), and
 * a sweep's rows of a table read at them with Iceberg's Java API ({@link Pins#rows}). The summary
 * and the report read through it: their rows need no Spark job, and a command that has run no Spark
 * SQL does not pay the seconds its first query costs. Each table's rows of a sweep are read once;
 * the summary, the plots and the page take the columns they need from them. Driver-only.
 */
public final class Committed {
  private final TableStore store;
  private final Pins pins;
  private final Map<String, Table> read = new HashMap<>();

  Committed(TableStore store, Pins pins) {
    this.store = store;
    this.pins = pins;
  }

  /** The state {@code spark}'s registrations of {@code warehouse} read. */
  public static Committed of(SparkSession spark, Warehouse warehouse) {
    TableStore store = Tables.store(spark, warehouse);
    return new Committed(store, Tables.pins(spark, store));
  }

  /** The tables that exist in this state, in {@link Tables#ALL}'s order. */
  public List<String> present() {
    return Tables.ALL.stream().filter(pins.snapshots()::containsKey).toList();
  }

  /**
   * Sweep {@code sweep}'s rows of {@code table} with its columns {@code columns} that the table has
   * (null: all, in the order of the schema the snapshot was written with), as {@code SELECT ...
   * FROM table WHERE sweep = ...} returns them on the views: at the snapshot the view reads ({@link
   * Pins#snapshotFor}), in file order, lists as Java lists, timestamps as {@link Timestamp}s. Empty
   * when the table does not exist in this state or holds no rows of the sweep.
   */
  public Table rows(String table, String sweep, List<String> columns) {
    Table all = read.computeIfAbsent(table + "/" + sweep, k -> readAll(table, sweep));
    return columns == null ? all : all.select(columns);
  }

  private Table readAll(String table, String sweep) {
    Long snapshot = pins.snapshotFor(table, sweep);
    Optional<org.apache.iceberg.Table> loaded =
        snapshot == null ? Optional.empty() : store.load(table);
    if (loaded.isEmpty()) {
      return new Table(List.of(), List.of());
    }
    org.apache.iceberg.Table t = loaded.get();
    List<String> names =
        Pins.schemaAt(t, snapshot).columns().stream().map(Types.NestedField::name).toList();
    List<List<Object>> out = new ArrayList<>();
    for (Record r : Pins.rows(t, snapshot, sweep)) {
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
      // sweeplab writes its timestamps in UTC (Pins.millis reads them so too).
      return Timestamp.from(t.toInstant(ZoneOffset.UTC));
    }
    if (v instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(e -> copy.add(sparkValue(e)));
      return copy;
    }
    return v;
  }
}
