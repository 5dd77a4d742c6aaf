package dev.sweeplab.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.data.IdentityPartitionConverters;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PartitionUtil;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * The snapshots a reader reads, chosen so that it sees each sweep's {@code runs} and {@code curves}
 * as the sweep's latest {@code sweeps} row published them. Driver-only.
 *
 * <p>A sweep's commit replaces its partition of {@code runs}, then of {@code curves}, each in one
 * snapshot, and then adds its {@code sweeps} row, which records those two snapshots' ids. A reader
 * takes the {@code sweeps} snapshot first and then each table's; walking a table's snapshots back
 * from there, the newest commit of each sweep ({@link PartitionCommit#SWEEP} in its summary) is
 * either the one the sweep's row names (the sweep reads from the table's snapshot) or a later one
 * whose row is not published yet: the sweep is then read from the snapshot its row names, or left
 * out when it has no row yet. Only snapshots of a sweep's commit ({@link PartitionCommit#COMMIT} in
 * the summary) can be pending; an imported partition ({@link Migration}), and a row written before
 * rows named snapshots, read the table's snapshot.
 *
 * @param snapshots table → the snapshot read; a table present with no snapshot maps to null
 * @param pinned table → sweep → the earlier snapshot that sweep is read from, or {@link #NONE} for
 *     a sweep left out
 */
public record Pins(Map<String, Long> snapshots, Map<String, Map<String, Long>> pinned) {
  /** A sweep left out of a table: its first commit is not published yet. */
  public static final long NONE = -1;

  /** The {@code sweeps} table's columns that name the snapshots a row published. */
  public static final String RUNS_SNAPSHOT = "runs_snapshot";

  public static final String CURVES_SNAPSHOT = "curves_snapshot";

  /** The tables whose snapshots a {@code sweeps} row names, with the column that names each. */
  static final Map<String, String> PUBLISHED =
      Map.of("runs", RUNS_SNAPSHOT, "curves", CURVES_SNAPSHOT);

  /**
   * The snapshots to read of those of {@code tables} that exist: the current ones, or with {@code
   * asOfMs} the ones current at that time (a table created later is left out).
   */
  public static Pins of(TableStore store, Collection<String> tables, Long asOfMs) {
    Map<String, Table> loaded = new LinkedHashMap<>();
    Map<String, Long> snapshots = new LinkedHashMap<>();
    // The sweeps table first: a table's snapshot taken after it holds every commit its rows name.
    List<String> order = new ArrayList<>();
    if (tables.contains("sweeps")) {
      order.add("sweeps");
    }
    tables.stream().filter(t -> !t.equals("sweeps")).forEach(order::add);
    for (String name : order) {
      Optional<Table> table = store.load(name);
      if (table.isEmpty()) {
        continue;
      }
      Table t = table.get();
      Long id;
      if (asOfMs == null) {
        id = t.currentSnapshot() == null ? null : t.currentSnapshot().snapshotId();
      } else {
        if (t.history().isEmpty() || t.history().get(0).timestampMillis() > asOfMs) {
          continue; // not yet created, or no commit yet, at that time
        }
        id = SnapshotUtil.snapshotIdAsOfTime(t, asOfMs);
      }
      loaded.put(name, t);
      snapshots.put(name, id);
    }
    Map<String, Map<String, Long>> pinned = new HashMap<>();
    Table sweeps = loaded.get("sweeps");
    Map<String, Map<String, Long>> published =
        sweeps == null ? Map.of() : published(sweeps, snapshots.get("sweeps"));
    for (Map.Entry<String, String> p : PUBLISHED.entrySet()) {
      Table t = loaded.get(p.getKey());
      Long id = snapshots.get(p.getKey());
      if (t != null && id != null) {
        Map<String, Long> named = new HashMap<>();
        published.forEach((sweep, cols) -> named.put(sweep, cols.get(p.getValue())));
        pinned.put(p.getKey(), pin(t, id, named));
      }
    }
    return new Pins(snapshots, pinned);
  }

  /**
   * Sweep → the snapshot ids its latest {@code sweeps} row names (column → id, null where the row
   * has no such column or value), as of snapshot {@code id} of the {@code sweeps} table.
   */
  static Map<String, Map<String, Long>> published(Table sweeps, Long id) {
    Map<String, Map<String, Long>> out = new HashMap<>();
    Map<String, Long> finished = new HashMap<>();
    for (Record r : rows(sweeps, id, null)) {
      String sweep = (String) r.getField("sweep");
      long at = millis(r, "finished");
      if (finished.containsKey(sweep) && finished.get(sweep) > at) {
        continue;
      }
      finished.put(sweep, at);
      Map<String, Long> cols = new HashMap<>();
      for (String col : PUBLISHED.values()) {
        cols.put(col, field(r, col) instanceof Long v ? v : null);
      }
      out.put(sweep, cols);
    }
    return out;
  }

  /**
   * Sweep → pin, for the sweeps whose newest commit in {@code table} up to {@code id} is not the
   * one {@code named} maps them to.
   */
  private static Map<String, Long> pin(Table table, long id, Map<String, Long> named) {
    Map<String, Long> out = new HashMap<>();
    Map<String, Boolean> decided = new HashMap<>();
    for (Snapshot s : SnapshotUtil.ancestorsOf(id, table::snapshot)) {
      String sweep = s.summary().get(PartitionCommit.SWEEP);
      if (sweep == null || decided.containsKey(sweep)) {
        continue;
      }
      decided.put(sweep, true);
      if (!s.summary().containsKey(PartitionCommit.COMMIT)) {
        continue; // not a sweep's commit (an import): published as it is
      }
      if (!named.containsKey(sweep)) {
        out.put(sweep, NONE);
      } else {
        Long row = named.get(sweep);
        // A named snapshot since expired (a commit left half-done longer than the retention)
        // cannot be read: the sweep reads the table's snapshot.
        if (row != null && row != s.snapshotId() && table.snapshot(row) != null) {
          out.put(sweep, row);
        }
      }
    }
    return out;
  }

  /**
   * The snapshot at which sweep {@code sweep}'s rows of {@code table} are read, as the views of
   * {@code Tables.register} read them: the sweep's pin, else the table's snapshot. Null when there
   * are none to read: the table is absent or empty, or the sweep's first commit is not published.
   */
  public Long snapshotFor(String table, String sweep) {
    if (!snapshots.containsKey(table)) {
      return null;
    }
    Long pin = pinned.getOrDefault(table, Map.of()).get(sweep);
    if (pin != null) {
      return pin == NONE ? null : pin;
    }
    return snapshots.get(table);
  }

  /**
   * The schema snapshot {@code id} of {@code table} was written with.
   *
   * @throws IllegalStateException when the snapshot is gone (expired)
   */
  public static Schema schemaAt(Table table, long id) {
    Snapshot snapshot = table.snapshot(id);
    if (snapshot == null) {
      throw new IllegalStateException(
          "snapshot " + id + " of table " + table.name() + " is gone (expired); read it again");
    }
    Integer schemaId = snapshot.schemaId();
    return schemaId == null ? table.schema() : table.schemas().get(schemaId);
  }

  /**
   * The rows of {@code table} at snapshot {@code id} (null: none, so no rows), with the columns of
   * that snapshot's schema, of sweep {@code sweep} only unless it is null; without Spark. Each data
   * file is read through the table's name mapping ({@link PartitionCommit#mapping}): sweeplab's
   * files are Parquet written without Iceberg's field ids, so their columns are matched by name, as
   * Spark's reader matches them (Iceberg's generic reader would number them by position, and a file
   * whose columns sit in another order than the table's would read the wrong ones).
   *
   * @throws IllegalStateException when snapshot {@code id} is gone (expired) or a file is not a
   *     plain Parquet data file
   */
  public static List<Record> rows(Table table, Long id, String sweep) {
    if (id == null) {
      return List.of();
    }
    Schema schema = schemaAt(table, id);
    NameMapping mapping = PartitionCommit.mapping(table);
    TableScan scan = table.newScan().useSnapshot(id);
    if (sweep != null) {
      scan = scan.filter(Expressions.equal("sweep", sweep));
    }
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = scan.planFiles()) {
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty() || task.file().format() != FileFormat.PARQUET) {
          throw new IllegalStateException(
              table.name() + ": " + task.file().location() + " is not a plain Parquet data file");
        }
        Map<Integer, ?> constants =
            PartitionUtil.constantsMap(task, IdentityPartitionConverters::convertConstant);
        Parquet.ReadBuilder read =
            Parquet.read(table.io().newInputFile(task.file().location()))
                .project(schema)
                .withNameMapping(mapping)
                .createReaderFunc(
                    file -> GenericParquetReaders.buildReader(schema, file, constants))
                .split(task.start(), task.length())
                .filter(task.residual());
        try (CloseableIterable<Record> rows = read.build()) {
          for (Record r : rows) {
            // The filter prunes files; rows of other sweeps in a file that passes are dropped here.
            if (sweep == null || sweep.equals(r.getField("sweep"))) {
              out.add(r.copy());
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("read the " + table.name() + " table", e);
    }
    return out;
  }

  /** A column's value; null where the row's schema lacks the column. */
  public static Object field(Record r, String name) {
    Types.NestedField f = r.struct().field(name);
    return f == null ? null : r.getField(name);
  }

  /** A timestamp column as epoch ms; 0 where absent. */
  public static long millis(Record r, String name) {
    Object v = field(r, name);
    if (v instanceof OffsetDateTime t) {
      return t.toInstant().toEpochMilli();
    }
    if (v instanceof java.time.LocalDateTime t) {
      return t.toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
    }
    return 0;
  }
}
