package dev.sweeplab.engine;

import dev.sweeplab.engine.SweepStatus.Counts;
import dev.sweeplab.engine.SweepStatus.Execution;
import dev.sweeplab.store.Warehouse;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

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
    FileStatus[] files;
    try {
      files = dir.getFileSystem(conf).listStatus(dir);
    } catch (FileNotFoundException e) {
      return rows;
    }
    for (FileStatus f : files) {
      String name = f.getPath().getName();
      if (!f.isFile() || name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      try (ParquetReader<Group> reader =
          ParquetReader.builder(new GroupReadSupport(), f.getPath()).withConf(conf).build()) {
        for (Group g = reader.read(); g != null; g = reader.read()) {
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
                      count(g, "runs_timeout"))));
        }
      }
    }
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

  /** A timestamp as epoch ms: Spark writes INT96 by default, INT64 with a unit if configured. */
  static long millis(Group g, String field) {
    if (!has(g, field)) {
      return 0;
    }
    PrimitiveType type = g.getType().getType(field).asPrimitiveType();
    if (type.getPrimitiveTypeName() == PrimitiveTypeName.INT96) {
      ByteBuffer b = g.getInt96(field, 0).toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      long nanosOfDay = b.getLong();
      long julianDay = Integer.toUnsignedLong(b.getInt());
      return (julianDay - 2_440_588L) * 86_400_000L + nanosOfDay / 1_000_000L;
    }
    long value = g.getLong(field, 0);
    LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
    if (logical instanceof TimestampLogicalTypeAnnotation ts) {
      return switch (ts.getUnit()) {
        case MILLIS -> value;
        case MICROS -> value / 1_000L;
        case NANOS -> value / 1_000_000L;
      };
    }
    return value;
  }

  /** Names in {@code _commits}, sorted; null while a commit younger than the stale limit pends. */
  private static List<String> commitState(FileSystem fs, Path commits) throws IOException {
    List<String> names = new ArrayList<>();
    FileStatus[] files;
    try {
      files = fs.listStatus(commits);
    } catch (FileNotFoundException e) {
      return names;
    }
    for (FileStatus f : files) {
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
