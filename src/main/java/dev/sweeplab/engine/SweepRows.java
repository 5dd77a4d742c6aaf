package dev.sweeplab.engine;

import dev.sweeplab.engine.SweepStatus.Counts;
import dev.sweeplab.engine.SweepStatus.Execution;
import dev.sweeplab.store.ParquetRows;
import dev.sweeplab.store.Warehouse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;

/**
 * A sweep's committed {@code sweeps} rows read with parquet-hadoop, without Spark, so that {@code
 * sweeplab status} starts in a second. Isolated from commits like {@link Tables#read}: it waits
 * while a commit swaps partitions and reads again when one finished meanwhile.
 */
final class SweepRows {
  private SweepRows() {}

  /** The sweep's executions, oldest first (none if it was never committed). */
  static List<Execution> read(Configuration conf, Warehouse warehouse, String sweep)
      throws IOException {
    Path commits = Commit.commits(warehouse);
    FileSystem fs = commits.getFileSystem(conf);
    for (int attempt = 0; attempt < 50; attempt++) {
      List<String> before = commitState(fs, commits);
      if (before == null) {
        Tables.sleep(
            20); // a commit is swapping partitions right now (a stale one is not waited on)
        attempt--;
        continue;
      }
      List<Execution> rows;
      try {
        rows = readPartition(conf, warehouse.partition(Warehouse.SWEEPS, sweep));
      } catch (IOException e) {
        if (!before.equals(commitState(fs, commits))) {
          continue; // renamed away under the read
        }
        throw e;
      }
      if (before.equals(commitState(fs, commits))) {
        rows.sort(java.util.Comparator.comparingLong(Execution::finished));
        return rows;
      }
    }
    throw new IOException("the warehouse " + warehouse.root() + " changed under 50 reads");
  }

  private static List<Execution> readPartition(Configuration conf, Path dir) throws IOException {
    List<Execution> rows = new ArrayList<>();
    ParquetRows.readDirectory(
        conf,
        dir,
        g ->
            rows.add(
                new Execution(
                    text(g, "spec"),
                    text(g, "spark_app_id"),
                    millis(g, "started"),
                    millis(g, "finished"),
                    count(g, "runs_planned"),
                    count(g, "runs_reused"),
                    count(g, "runs_trained"),
                    new Counts(
                        count(g, "runs_ok"),
                        count(g, "runs_diverged"),
                        count(g, "runs_failed"),
                        count(g, "runs_timeout")))));
    return rows;
  }

  private static boolean has(Group g, String field) {
    return g.getType().containsField(field) && g.getFieldRepetitionCount(field) > 0;
  }

  private static String text(Group g, String field) {
    return has(g, field) ? g.getString(field, 0) : "";
  }

  /** A count; 0 where the row predates the column (runs_timeout). */
  private static long count(Group g, String field) {
    return has(g, field) ? g.getLong(field, 0) : 0;
  }

  /** A timestamp as epoch ms (INT96 as Spark writes by default, or INT64 in any unit). */
  static long millis(Group g, String field) {
    return has(g, field) ? Math.floorDiv(ParquetRows.epochMicros(g, field, 0), 1_000L) : 0;
  }

  /** Names in {@code _commits}, sorted; null while a commit younger than the stale limit pends. */
  private static List<String> commitState(FileSystem fs, Path commits) throws IOException {
    List<String> names = new ArrayList<>();
    for (FileStatus f : Warehouse.list(fs, commits)) {
      String name = f.getPath().getName();
      if (name.endsWith(Commit.PENDING)
          && System.currentTimeMillis() - f.getModificationTime() < Commit.STALE_MS) {
        return null;
      }
      names.add(name);
    }
    names.sort(null);
    return names;
  }
}
