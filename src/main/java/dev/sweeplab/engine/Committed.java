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
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.SparkSession;

/**
 * One committed state of a warehouse's tables, read without Spark: the snapshots {@link
 * Tables#register} would pin its views to (the current ones, or those of {@link Tables#AS_OF}), and
 * a sweep's rows of a table read at them by Iceberg's generic reader. The summary and the report
 * read through it: their few rows need no Spark job, and a command that has run no Spark SQL does
 * not pay the seconds its first query costs. Driver-only.
 */
public record Committed(TableStore store, Pins pins) {
  /** The state {@code spark}'s registrations of {@code warehouse} read. */
  public static Committed of(SparkSession spark, Warehouse warehouse) {
    return new Committed(Tables.store(spark, warehouse), Tables.pins(spark, warehouse));
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
    Long snapshot = pins.snapshotFor(table, sweep);
    Optional<org.apache.iceberg.Table> loaded =
        snapshot == null ? Optional.empty() : store.load(table);
    if (loaded.isEmpty()) {
      return new Table(columns == null ? List.of() : columns, List.of());
    }
    org.apache.iceberg.Table t = loaded.get();
    Snapshot at = t.snapshot(snapshot);
    if (at == null) {
      throw new IllegalStateException(
          "snapshot " + snapshot + " of table " + table + " is gone (expired); read it again");
    }
    Integer schemaId = at.schemaId();
    Schema schema = schemaId == null ? t.schema() : t.schemas().get(schemaId);
    List<String> has = schema.columns().stream().map(Types.NestedField::name).toList();
    List<String> names =
        columns == null ? has : columns.stream().distinct().filter(has::contains).toList();
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
