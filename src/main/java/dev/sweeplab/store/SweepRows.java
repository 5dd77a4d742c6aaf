package dev.sweeplab.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * A sweep's committed {@code sweeps} rows read with Iceberg's Java API, without Spark, so that
 * {@code sweeplab status} starts in a second. The catalog settings come from the {@code spark.*}
 * Java properties ({@link TableStore#PREFIX}).
 */
public final class SweepRows {
  private SweepRows() {}

  /** One committed execution of a sweep, as its {@code sweeps} row recorded it. */
  public record Execution(
      String spec, String sparkAppId, long started, long finished, SweepCounts counts) {}

  /** The sweep's executions, oldest first (none if it was never committed). */
  public static List<Execution> read(Configuration conf, Warehouse warehouse, String sweep) {
    Optional<Table> table = TableStore.open(conf, warehouse).load(Warehouse.SWEEPS);
    if (table.isEmpty() || table.get().currentSnapshot() == null) {
      return List.of();
    }
    List<Execution> rows = new ArrayList<>();
    for (Record r : Pins.rows(table.get(), table.get().currentSnapshot().snapshotId(), sweep)) {
      rows.add(
          new Execution(
              text(r, "spec"),
              text(r, "spark_app_id"),
              Pins.millis(r, "started"),
              Pins.millis(r, "finished"),
              counts(r)));
    }
    rows.sort(Comparator.comparingLong(Execution::finished));
    return rows;
  }

  /** The sweeps with a {@code sweeps} row. */
  public static Set<String> sweeps(Configuration conf, Warehouse warehouse) {
    Optional<Table> table = TableStore.open(conf, warehouse).load(Warehouse.SWEEPS);
    Set<String> out = new TreeSet<>();
    if (table.isPresent() && table.get().currentSnapshot() != null) {
      try (CloseableIterable<FileScanTask> tasks = table.get().newScan().planFiles()) {
        tasks.forEach(t -> out.add(t.file().partition().get(0, String.class)));
      } catch (IOException e) {
        throw new UncheckedIOException("list the sweeps of " + warehouse.root(), e);
      }
    }
    return out;
  }

  /** The counts a {@code sweeps} row records. */
  static SweepCounts counts(Record r) {
    return new SweepCounts(
        count(r, "runs_planned"),
        count(r, "runs_reused"),
        count(r, "runs_trained"),
        count(r, "runs_ok"),
        count(r, "runs_diverged"),
        count(r, "runs_failed"),
        count(r, "runs_timeout"));
  }

  private static String text(Record r, String field) {
    return Pins.field(r, field) instanceof CharSequence s ? s.toString() : "";
  }

  /** A count; 0 where the row predates the column (runs_timeout). */
  private static long count(Record r, String field) {
    return Pins.field(r, field) instanceof Long v ? v : 0;
  }
}
