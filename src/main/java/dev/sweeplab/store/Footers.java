package dev.sweeplab.store;

import dev.sweeplab.spec.UserError;
import java.io.IOException;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopConfigurable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.shaded.org.apache.parquet.HadoopReadOptions;
import org.apache.iceberg.shaded.org.apache.parquet.ParquetReadOptions;
import org.apache.iceberg.shaded.org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.iceberg.shaded.org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Reads Parquet footers into Iceberg {@link Metrics} with Iceberg's own (relocated) Parquet, for
 * {@link PartitionCommit}. Driver-only.
 *
 * <p>Where the table's file IO is Hadoop's, the footers are read with one set of read options made
 * from its Hadoop configuration. Iceberg's {@code ParquetUtil.fileMetrics} makes default read
 * options per file, and with them a fresh Hadoop {@code Configuration} that parses Hadoop's XML
 * resources again: 194 s for the footers of 10,000 staged runs against 9 to 24 s with shared
 * options, on a loaded 2-core machine (docs/benchmarks.md).
 */
final class Footers {
  private final FileIO io;
  private final Configuration conf;
  private final ParquetReadOptions options;

  private Footers(FileIO io, Configuration conf) {
    this.io = io;
    this.conf = conf;
    this.options = conf == null ? null : HadoopReadOptions.builder(conf).build();
  }

  /** A file's length and metrics. */
  record Footer(long length, Metrics metrics) {}

  static Footers of(Table table) {
    FileIO io = table.io();
    return new Footers(io, io instanceof HadoopConfigurable h ? h.getConf() : null);
  }

  /** The length and metrics of {@code file}, its columns matched by {@code mapping}. */
  Footer read(String file, MetricsConfig metrics, NameMapping mapping) {
    try {
      if (conf == null) {
        InputFile input = io.newInputFile(file);
        return new Footer(input.getLength(), ParquetUtil.fileMetrics(input, metrics, mapping));
      }
      HadoopInputFile input = HadoopInputFile.fromPath(new Path(file), conf);
      try (ParquetFileReader reader = ParquetFileReader.open(input, options)) {
        return new Footer(
            input.getLength(),
            ParquetUtil.footerMetrics(reader.getFooter(), Stream.empty(), metrics, mapping));
      }
    } catch (IOException | RuntimeException e) {
      throw UserError.io("read the Parquet footer of", file, e);
    }
  }
}
