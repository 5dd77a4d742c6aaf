package dev.sweeplab.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One commit of a sweep into the {@code runs}, {@code curves} and {@code sweeps} tables: the
 * compacted files (written into {@link #runsDir} and {@link #curvesDir} by whoever compacts)
 * replace the sweep's partition of {@code runs} in one Iceberg snapshot, then of {@code curves} in
 * a second, and the sweep's {@code sweeps} row, naming those two snapshots, is added in a third.
 * Readers pin the snapshots a row names ({@link Pins}), so they see a sweep's runs and curves of
 * one commit. Each snapshot's summary carries the commit's id ({@link PartitionCommit#COMMIT}).
 * Closing it removes the data files it wrote and did not commit. Driver-only.
 */
public final class SweepPublish implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SweepPublish.class);

  /** The points between the commit's steps, in order (a test may halt a driver at each). */
  public static final List<String> POINTS = List.of("compacted", "runs", "curves");

  private final Catalog catalog;
  private final Configuration conf;
  private final String sweep;
  private final String id;
  private final Table runs;
  private final Table curves;
  private final Table sweeps;
  private final Path runsDir;
  private final Path curvesDir;
  private final Map<Table, Path> uncommitted = new LinkedHashMap<>();

  private SweepPublish(Catalog catalog, Configuration conf, String sweep) {
    this.catalog = catalog;
    this.conf = conf;
    this.sweep = sweep;
    this.id = System.currentTimeMillis() + "-" + UUID.randomUUID().toString().substring(0, 8);
    List<Table> tables = createTables(catalog);
    this.runs = tables.get(0);
    this.curves = tables.get(1);
    this.sweeps = tables.get(2);
    for (Table t : List.of(runs, curves, sweeps)) {
      uncommitted.put(t, TableStore.dataDir(t, sweep, id));
    }
    this.runsDir = uncommitted.get(runs);
    this.curvesDir = uncommitted.get(curves);
  }

  /**
   * The {@code runs}, {@code curves} and {@code sweeps} tables of {@code catalog}, created where
   * missing.
   */
  public static List<Table> createTables(Catalog catalog) {
    return List.of(
        IcebergTables.createOrLoad(catalog, Warehouse.RUNS, IcebergTables.schema(Compaction.RUNS)),
        IcebergTables.createOrLoad(
            catalog, Warehouse.CURVES, IcebergTables.schema(Compaction.CURVES)),
        IcebergTables.createOrLoad(
            catalog, Warehouse.SWEEPS, IcebergTables.schema(Compaction.SWEEPS)));
  }

  /** A commit of {@code sweep} into {@code catalog}'s tables, created where missing. */
  public static SweepPublish begin(Catalog catalog, Configuration conf, String sweep) {
    return new SweepPublish(catalog, conf, sweep);
  }

  /** The directory the compacted {@code runs} files go to. */
  public Path runsDir() {
    return runsDir;
  }

  /** The directory the compacted {@code curves} files go to. */
  public Path curvesDir() {
    return curvesDir;
  }

  /** Empties the sweep's partition of each of {@code tables} that exists, one snapshot each. */
  public void empty(List<String> tables) {
    for (String name : tables) {
      Table t;
      try {
        t = catalog.loadTable(Catalogs.table(name));
      } catch (org.apache.iceberg.exceptions.NoSuchTableException e) {
        continue;
      }
      PartitionCommit.replace(t, sweep, List.of(), summary());
    }
  }

  /**
   * Publishes {@code runsFiles} and {@code curvesFiles} (in {@link #runsDir} and {@link
   * #curvesDir}) and the sweep's new {@code sweeps} row, {@code row} with the two snapshots' ids;
   * the sweep's earlier rows are kept unless {@code fresh}. {@code reached} is told each of {@link
   * #POINTS} as the commit passes it.
   */
  public void publish(
      List<String> runsFiles,
      List<String> curvesFiles,
      Compaction.SweepsRow row,
      boolean fresh,
      Consumer<String> reached) {
    reached.accept(POINTS.get(0));
    long runsSnapshot = PartitionCommit.replace(runs, sweep, runsFiles, summary());
    uncommitted.remove(runs);
    reached.accept(POINTS.get(1));
    long curvesSnapshot = PartitionCommit.replace(curves, sweep, curvesFiles, summary());
    uncommitted.remove(curves);
    reached.accept(POINTS.get(2));
    List<Path> earlier = new ArrayList<>();
    Path file = new Path(uncommitted.get(sweeps), "part-00000.parquet");
    try {
      if (!fresh) {
        sweeps.refresh();
        try (CloseableIterable<FileScanTask> tasks =
            sweeps
                .newScan()
                .filter(Expressions.equal(IcebergTables.PARTITION, sweep))
                .planFiles()) {
          tasks.forEach(t -> earlier.add(new Path(t.file().location())));
        }
      }
      Compaction.writeSweeps(conf, earlier, file, row.withSnapshots(runsSnapshot, curvesSnapshot));
    } catch (IOException e) {
      throw new UncheckedIOException("commit " + id + " of sweep " + sweep + " failed", e);
    }
    PartitionCommit.replace(sweeps, sweep, List.of(file.toString()), summary());
    uncommitted.remove(sweeps);
  }

  /** Removes what the commit wrote and did not commit. */
  @Override
  public void close() {
    for (Path dir : uncommitted.values()) {
      try {
        dir.getFileSystem(conf).delete(dir, true);
      } catch (IOException e) {
        LOG.warn("could not remove {}, written by a commit that failed", dir, e);
      }
    }
    uncommitted.clear();
  }

  private Map<String, String> summary() {
    return Map.of(PartitionCommit.COMMIT, id);
  }
}
