package dev.sweeplab.engine;

import dev.sweeplab.store.TableStore;
import dev.sweeplab.store.Warehouse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.DeleteOrphanFiles;
import org.apache.iceberg.actions.ExpireSnapshots;
import org.apache.iceberg.actions.RewriteDataFiles;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.SparkSession;

/**
 * Upkeep of a warehouse's Iceberg tables with Iceberg's Spark actions: snapshots older than the
 * retention expired (the newest is always kept) and the data files only they held deleted; files in
 * a table's directory that no snapshot holds, left by a commit whose driver died, removed once
 * older than {@link #ORPHAN_AGE_MS}; and each partition's small files compacted into fewer ones.
 * Driver-side.
 */
public final class Maintain {
  /**
   * Age past which an unreferenced file is an orphan: far longer than any commit takes from writing
   * its files to committing them (Iceberg's own default).
   */
  public static final long ORPHAN_AGE_MS = TimeUnit.DAYS.toMillis(3);

  private Maintain() {}

  /** What was done to one table. */
  public record Done(
      String table,
      long snapshotsExpired,
      long dataFilesDeleted,
      long orphansRemoved,
      long filesRewritten,
      long filesAdded) {
    @Override
    public String toString() {
      return table
          + ": "
          + snapshotsExpired
          + " snapshots expired ("
          + dataFilesDeleted
          + " data files deleted), "
          + orphansRemoved
          + " orphan files removed, "
          + filesRewritten
          + " small files compacted into "
          + filesAdded;
    }
  }

  /**
   * Maintains every table of {@code warehouse}: snapshots older than {@code retainMs} expired,
   * orphans removed, and (with {@code compact}) small files compacted.
   */
  public static List<Done> run(
      SparkSession spark, Warehouse warehouse, long retainMs, boolean compact) {
    TableStore store = Tables.store(spark, warehouse);
    SparkActions actions = SparkActions.get(spark);
    long now = System.currentTimeMillis();
    List<Done> out = new ArrayList<>();
    for (String name : Tables.ALL) {
      Optional<Table> loaded = store.load(name);
      if (loaded.isEmpty()) {
        continue;
      }
      Table table = loaded.get();
      long rewritten = 0;
      long added = 0;
      if (compact && table.currentSnapshot() != null) {
        RewriteDataFiles.Result r =
            actions.rewriteDataFiles(table).option("min-input-files", "2").execute();
        rewritten = r.rewrittenDataFilesCount();
        added = r.addedDataFilesCount();
        table.refresh();
      }
      ExpireSnapshots.Result e =
          actions.expireSnapshots(table).expireOlderThan(now - retainMs).retainLast(1).execute();
      table.refresh();
      DeleteOrphanFiles.Result o =
          actions.deleteOrphanFiles(table).olderThan(now - ORPHAN_AGE_MS).execute();
      // Every snapshot has its own manifest list: one deleted per snapshot expired.
      out.add(
          new Done(
              name,
              e.deletedManifestListsCount(),
              e.deletedDataFilesCount(),
              StreamSupport.stream(o.orphanFileLocations().spliterator(), false).count(),
              rewritten,
              added));
    }
    return out;
  }
}
