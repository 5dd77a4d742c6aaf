package dev.sweeplab.store;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.MetricsModes;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionData;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.Tasks;
import org.apache.iceberg.util.ThreadPools;

/**
 * Replaces one sweep's partition of an Iceberg table with a list of existing Parquet files in one
 * snapshot: readers see the sweep's earlier files or these, never a mix, and earlier snapshots keep
 * the earlier files ({@code VERSION AS OF}). The files are added where they lie, not copied; each
 * one's row count and column statistics come from its footer, its columns are matched to the
 * table's by the table's name mapping (files written without Iceberg field ids). Driver-only.
 */
public final class PartitionCommit {
  private PartitionCommit() {}

  /** Snapshot summary keys every commit sets. */
  public static final String SWEEP = "sweeplab.sweep";

  /**
   * Snapshot summary key naming a sweep's commit: its {@code runs}, {@code curves} and {@code
   * sweeps} snapshots share it ({@link Pins} reads only these snapshots as pending commits).
   */
  public static final String COMMIT = "sweeplab.commit";

  public static final String FILES = "sweeplab.files";
  public static final String ROWS = "sweeplab.rows";

  /**
   * Makes {@code files} (Parquet, readable through the table's file IO) the whole of sweep {@code
   * sweep}'s partition of {@code table}, with {@code summary} added to the snapshot's summary next
   * to {@link #SWEEP}, {@link #FILES} and {@link #ROWS}; no files empties the partition. Returns
   * the snapshot's id. A file whose {@code sweep} column holds another sweep is refused before
   * anything is committed; a file without the column takes the sweep from the partition.
   */
  public static long replace(
      Table table, String sweep, List<String> files, Map<String, String> summary) {
    if (!IcebergTables.partitionedBySweep(table)) {
      throw new IllegalArgumentException(
          "table " + table.name() + " is not partitioned by identity(sweep): " + table.spec());
    }
    return commit(table, sweep, dataFiles(table, sweep, files), summary);
  }

  /** Commits {@code dataFiles} as sweep {@code sweep}'s partition; see {@link #replace}. */
  static long commit(
      Table table, String sweep, List<DataFile> dataFiles, Map<String, String> summary) {
    long rows = dataFiles.stream().mapToLong(DataFile::recordCount).sum();
    OverwriteFiles overwrite =
        table
            .newOverwrite()
            .overwriteByRowFilter(Expressions.equal(IcebergTables.PARTITION, sweep));
    dataFiles.forEach(overwrite::addFile);
    summary.forEach(overwrite::set);
    overwrite.set(SWEEP, sweep);
    overwrite.set(FILES, Integer.toString(dataFiles.size()));
    overwrite.set(ROWS, Long.toString(rows));
    overwrite.commit();
    return table.currentSnapshot().snapshotId();
  }

  /**
   * One {@link DataFile} per file, in sweep {@code sweep}'s partition, from the footers, read on
   * Iceberg's worker threads (a footer on a remote file system is a round trip or two).
   */
  static List<DataFile> dataFiles(Table table, String sweep, List<String> files) {
    MetricsConfig metrics = MetricsConfig.forTable(table);
    NameMapping mapping = mapping(table);
    PartitionData partition = new PartitionData(table.spec().partitionType());
    partition.set(0, sweep);
    int sweepId = table.schema().findField(IcebergTables.PARTITION).fieldId();
    // Truncated bounds (a table made elsewhere) would be prefixes of the sweep: only whole values
    // are compared.
    boolean whole = metrics.columnMode(IcebergTables.PARTITION) instanceof MetricsModes.Full;
    Footers footers = Footers.of(table);
    DataFile[] out = new DataFile[files.size()];
    Tasks.range(out.length)
        .stopOnFailure()
        .throwFailureWhenFinished()
        .executeWith(ThreadPools.getWorkerPool())
        .run(
            i -> {
              String file = files.get(i);
              Footers.Footer footer = footers.read(file, metrics, mapping);
              if (whole) {
                checkSweep(file, sweep, footer.metrics(), sweepId);
              }
              out[i] =
                  DataFiles.builder(table.spec())
                      .withPath(file)
                      .withFileSizeInBytes(footer.length())
                      .withFormat(FileFormat.PARQUET)
                      .withPartition(partition)
                      .withMetrics(footer.metrics())
                      .build();
            });
    return List.of(out);
  }

  /** Fails when the file's sweep column, if it has one, holds a value other than {@code sweep}. */
  private static void checkSweep(String file, String sweep, Metrics m, int sweepId) {
    Map<Integer, ByteBuffer> lower = m.lowerBounds();
    Map<Integer, ByteBuffer> upper = m.upperBounds();
    if (lower == null || upper == null || !lower.containsKey(sweepId)) {
      return;
    }
    String low = Conversions.fromByteBuffer(Types.StringType.get(), lower.get(sweepId)).toString();
    String high = Conversions.fromByteBuffer(Types.StringType.get(), upper.get(sweepId)).toString();
    if (!low.equals(sweep) || !high.equals(sweep)) {
      throw new IllegalArgumentException(
          "file "
              + file
              + " holds rows of sweep '"
              + (low.equals(high) ? low : low + "' to '" + high)
              + "', not of sweep '"
              + sweep
              + "' whose partition it was to join");
    }
  }

  /**
   * The table's name mapping, which its files (Parquet without field ids) are read through; one
   * made from its schema if it has none.
   */
  static NameMapping mapping(Table table) {
    String json = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
    return json == null ? MappingUtil.create(table.schema()) : NameMappingParser.fromJson(json);
  }
}
