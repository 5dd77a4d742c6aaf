package dev.sweeplab.store;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Parquet files as the staging writes them: parquet-hadoop, no Iceberg field ids, one file per run.
 * Values are given in the schema's column order; null leaves an optional column unset.
 */
final class RunFiles {
  private RunFiles() {}

  /** sweep, run_id, width, final_test_loss. */
  static final MessageType FIRST =
      MessageTypeParser.parseMessageType(
          "message run { required binary sweep (STRING); required binary run_id (STRING);"
              + " required int32 width; required double final_test_loss; }");

  /** As {@link #FIRST} with best_step, written between run_id and width. */
  static final MessageType SECOND =
      MessageTypeParser.parseMessageType(
          "message run { required binary sweep (STRING); required binary run_id (STRING);"
              + " optional int64 best_step; required int32 width;"
              + " required double final_test_loss; }");

  /** Writes one file of {@code rows} and returns its URI. */
  static String write(
      Configuration conf, java.nio.file.Path file, MessageType schema, Object[]... rows)
      throws IOException {
    Path target = new Path(file.toUri());
    try (ParquetRows.Output out = ParquetRows.create(conf, target, schema)) {
      for (Object[] values : rows) {
        Group row = out.row();
        for (int c = 0; c < values.length; c++) {
          String name = schema.getFieldName(c);
          Object v = values[c];
          if (v instanceof String s) {
            row.add(name, s);
          } else if (v instanceof Integer i) {
            row.add(name, i);
          } else if (v instanceof Long l) {
            row.add(name, l);
          } else if (v instanceof Double d) {
            row.add(name, d);
          } else if (v != null) {
            throw new IllegalArgumentException("no Parquet value for " + v);
          }
        }
        out.write(row);
      }
    }
    return target.toString();
  }
}
