package dev.sweeplab.engine;

import dev.sweeplab.store.DriverLease;
import dev.sweeplab.store.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a sweep's new partitions of one or more tables so that readers see all of the old ones
 * or all of the new ones. Driver-only.
 *
 * <p>The protocol, on any Hadoop FileSystem with atomic directory rename (local, HDFS):
 *
 * <ol>
 *   <li>Each table's new partition is written in full to {@code <table>/_pending/<commit>/}
 *       (readers skip names starting with an underscore).
 *   <li>A marker {@code <warehouse>/_commits/<commit>.pending} naming the sweep and the tables is
 *       created: from here on readers that go through {@link Tables#read} wait.
 *   <li>Per table, the current partition directory is renamed into {@code <table>/_trash/<commit>/}
 *       and the pending one renamed into its place: two renames per table.
 *   <li>The marker is renamed to {@code <commit>.done}; readers that started before it retry.
 * </ol>
 *
 * A reader through {@link Tables#read} compares the {@code _commits} listing before and after its
 * query and retries when it changed, so it never returns a mix of old and new partitions. A plain
 * Parquet reader (Spark SQL by path, DuckDB) that lists a table during the few renames of step 3
 * can see the sweep's partition missing, never half-written or duplicated. Replaced partitions stay
 * in {@code _trash} for {@link #TRASH_TTL_MS}, so a plain reader that listed the old files can
 * still read them; later commits delete them. A driver killed inside step 3 leaves its marker
 * pending; the next commit to the warehouse (or {@link #recover}) finishes the swap from the
 * pending data.
 */
final class Commit {
  private static final Logger LOG = LoggerFactory.getLogger(Commit.class);

  static final String COMMITS = "_commits";
  static final String PENDING = ".pending";
  static final String DONE = ".done";

  /** How long replaced partitions are kept for readers that listed them before the swap. */
  static final long TRASH_TTL_MS = 10 * 60_000L;

  /** A pending marker older than this belongs to a driver that died during its swap. */
  static final long STALE_MS = 2 * 60_000L;

  /**
   * Pending data with no marker and nothing in it written for this long belongs to a driver that
   * died while writing it (before its marker existed): far longer than any one write takes.
   */
  static final long ABANDONED_MS = 60 * 60_000L;

  private Commit() {}

  /** Replaces the sweep's partition of one table (see {@link #publish}). */
  static void replace(
      SparkSession spark, Warehouse warehouse, String sweep, String table, Dataset<Row> rows) {
    Map<String, Dataset<Row>> one = new LinkedHashMap<>();
    one.put(table, rows);
    publish(spark, warehouse, sweep, one);
  }

  /**
   * Replaces the sweep's partition of every table in {@code tables} at once; a null value removes
   * the sweep's partition of that table. Rows carry a {@code sweep} column equal to {@code sweep}
   * (it becomes the partition directory). Other sweeps' partitions are untouched.
   */
  static void publish(
      SparkSession spark, Warehouse warehouse, String sweep, Map<String, Dataset<Row>> tables) {
    publish(
        spark.sparkContext().hadoopConfiguration(),
        warehouse,
        sweep,
        tables.keySet(),
        pending -> {
          for (Map.Entry<String, Dataset<Row>> t : tables.entrySet()) {
            if (t.getValue() != null) {
              t.getValue()
                  .drop("sweep")
                  .coalesce(1)
                  .write()
                  .mode(SaveMode.Overwrite)
                  .parquet(pending.apply(t.getKey()).toString());
            }
          }
        });
  }

  /** Writes a sweep's new partitions, each into the pending directory it is given. */
  interface Writes {
    /**
     * @param pending table → the directory its new partition goes in; a table whose directory is
     *     left missing has its partition removed by the commit
     */
    void into(Function<String, Path> pending) throws IOException;
  }

  /**
   * Replaces the sweep's partition of every table in {@code tables} at once with what {@code
   * writes} puts in their pending directories. If {@code writes} throws, nothing is published and
   * the pending directories are removed.
   */
  static void publish(
      Configuration conf,
      Warehouse warehouse,
      String sweep,
      Collection<String> tables,
      Writes writes) {
    String id = System.currentTimeMillis() + "-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      FileSystem fs = new Path(warehouse.root()).getFileSystem(conf);
      recover(fs, warehouse);
      emptyTrash(fs, warehouse, tables);
      removeAbandoned(fs, warehouse, tables);
      try {
        writes.into(table -> pending(warehouse, table, id, sweep));
      } catch (Exception e) { // Spark's exceptions are checked in Java but thrown undeclared
        for (String table : tables) {
          fs.delete(new Path(new Path(warehouse.table(table), "_pending"), id), true);
        }
        throw e;
      }
      Path marker = new Path(commits(warehouse), id + PENDING);
      try (FSDataOutputStream out = fs.create(marker, false)) {
        out.write(
            (sweep + "\n" + String.join("\n", tables) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      swap(fs, warehouse, id, sweep, new ArrayList<>(tables));
      finish(fs, warehouse, id);
    } catch (IOException e) {
      throw new UncheckedIOException("commit " + id + " of sweep " + sweep + " failed", e);
    }
  }

  /** Step 3 and the clean-up of the pending directories. */
  private static void swap(
      FileSystem fs, Warehouse warehouse, String id, String sweep, List<String> tables)
      throws IOException {
    for (String table : tables) {
      Path live = warehouse.partition(table, sweep);
      Path next = pending(warehouse, table, id, sweep);
      Path old =
          new Path(new Path(new Path(warehouse.table(table), "_trash"), id), "sweep=" + sweep);
      if (fs.exists(live)) {
        fs.mkdirs(old.getParent());
        rename(fs, live, old);
      }
      if (fs.exists(next)) {
        rename(fs, next, live);
      }
      fs.delete(new Path(new Path(warehouse.table(table), "_pending"), id), true);
    }
  }

  private static void finish(FileSystem fs, Warehouse warehouse, String id) throws IOException {
    Path dir = commits(warehouse);
    rename(fs, new Path(dir, id + PENDING), new Path(dir, id + DONE));
    // Keep the newest done marker per warehouse: readers compare listings, not history.
    for (FileStatus f : fs.listStatus(dir)) {
      String name = f.getPath().getName();
      if (name.endsWith(DONE) && !name.equals(id + DONE)) {
        fs.delete(f.getPath(), false);
      }
    }
  }

  /**
   * Finishes commits whose driver died during the swap (pending markers older than {@link
   * #STALE_MS}): their new partitions were written in full before the marker, so the swap is
   * completed from them. Returns how many were finished.
   */
  static int recover(FileSystem fs, Warehouse warehouse) throws IOException {
    Path dir = commits(warehouse);
    if (!fs.exists(dir)) {
      return 0;
    }
    int finished = 0;
    for (FileStatus f : fs.listStatus(dir)) {
      String name = f.getPath().getName();
      if (!name.endsWith(PENDING)
          || System.currentTimeMillis() - f.getModificationTime() < STALE_MS) {
        continue;
      }
      String id = name.substring(0, name.length() - PENDING.length());
      List<String> lines;
      try (var in = fs.open(f.getPath())) {
        lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      }
      LOG.warn("finishing commit {} of sweep {}, left pending by a driver that stopped", id, lines);
      swap(fs, warehouse, id, lines.get(0), lines.subList(1, lines.size()));
      finish(fs, warehouse, id);
      finished++;
    }
    return finished;
  }

  private static void emptyTrash(FileSystem fs, Warehouse warehouse, Iterable<String> tables)
      throws IOException {
    for (String table : tables) {
      Path trash = new Path(warehouse.table(table), "_trash");
      if (!fs.exists(trash)) {
        continue;
      }
      for (FileStatus f : fs.listStatus(trash)) {
        if (System.currentTimeMillis() - f.getModificationTime() > TRASH_TTL_MS) {
          fs.delete(f.getPath(), true);
        }
      }
    }
  }

  /**
   * Removes the pending data of commits whose driver died before creating their marker: a {@code
   * _pending/<commit>} directory with no marker in {@code _commits} and no file written for {@link
   * #ABANDONED_MS}, unless a live driver holds the lease of its sweep (its commit may be waiting
   * for executors). Returns how many were removed.
   */
  static int removeAbandoned(FileSystem fs, Warehouse warehouse, Iterable<String> tables)
      throws IOException {
    Path markers = commits(warehouse);
    int removed = 0;
    for (String table : tables) {
      Path pending = new Path(warehouse.table(table), "_pending");
      for (FileStatus f : Warehouse.list(fs, pending)) {
        String id = f.getPath().getName();
        if (!f.isDirectory()
            || fs.exists(new Path(markers, id + PENDING))
            || System.currentTimeMillis() - newest(fs, f) < ABANDONED_MS
            || sweepRuns(fs, warehouse, f.getPath())) {
          continue;
        }
        LOG.warn(
            "removing {}, left by a commit whose driver stopped before publishing", f.getPath());
        fs.delete(f.getPath(), true);
        removed++;
      }
    }
    return removed;
  }

  /** Whether a driver that may be alive holds the lease of a sweep whose data {@code dir} holds. */
  private static boolean sweepRuns(FileSystem fs, Warehouse warehouse, Path dir)
      throws IOException {
    for (FileStatus sub : Warehouse.list(fs, dir)) {
      String name = sub.getPath().getName();
      if (name.startsWith("sweep=")
          && DriverLease.held(fs, warehouse, name.substring("sweep=".length()))) {
        return true;
      }
    }
    return false;
  }

  /** The newest modification time in the tree under {@code dir}, the directory's own included. */
  private static long newest(FileSystem fs, FileStatus dir) throws IOException {
    long newest = dir.getModificationTime();
    var files = fs.listFiles(dir.getPath(), true);
    while (files.hasNext()) {
      newest = Math.max(newest, files.next().getModificationTime());
    }
    return newest;
  }

  static Path commits(Warehouse warehouse) {
    return new Path(warehouse.root(), COMMITS);
  }

  private static Path pending(Warehouse warehouse, String table, String id, String sweep) {
    return new Path(new Path(new Path(warehouse.table(table), "_pending"), id), "sweep=" + sweep);
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("could not rename " + from + " to " + to);
    }
  }
}
