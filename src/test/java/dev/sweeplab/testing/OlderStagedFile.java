package dev.sweeplab.testing;

import dev.sweeplab.store.AvroRows;
import dev.sweeplab.store.ParquetRows;
import dev.sweeplab.store.RunSchema;
import dev.sweeplab.store.Staging;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroup;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * A staged run file as a sweeplab without the {@code numerics} column writes it: the row without
 * that column (so it reads as numerics 1), under a name of the test's choosing, in the format the
 * name says (a Parquet file for {@code .parquet}, as such a sweeplab wrote, else Avro). For a run
 * whose maths is now another version, that is the file an older sweeplab left, or an executor still
 * running one wrote.
 */
public final class OlderStagedFile {
  /** The staged row's schema without {@code numerics}. */
  public static final MessageType SCHEMA =
      new MessageType(
          RunSchema.MESSAGE.getName(),
          RunSchema.MESSAGE.getFields().stream()
              .filter(f -> !f.getName().equals("numerics"))
              .toList());

  private OlderStagedFile() {}

  /**
   * Rewrites the staged run {@code file} as such a file named {@code name} in the same directory;
   * {@code file} itself is gone afterwards unless it has that name. Returns the new file.
   */
  public static Path rewrite(Configuration conf, Path file, String name) throws IOException {
    List<Group> rows = new ArrayList<>();
    Staging.read(conf, file, rows::add);
    FileSystem fs = file.getFileSystem(conf);
    Path temp = new Path(file.getParent(), ".older-" + name + ".tmp");
    if (name.endsWith(".parquet")) {
      writeParquet(conf, temp, SCHEMA, rows);
    } else {
      AvroRows.write(
          fs.create(temp, true), SCHEMA, rows.stream().map(OlderStagedFile::older).toList());
    }
    Path target = new Path(file.getParent(), name);
    fs.delete(file, false);
    fs.delete(target, false);
    if (!fs.rename(temp, target)) {
      throw new IOException("could not rename " + temp + " to " + target);
    }
    return target;
  }

  /** {@code row} copied into {@link #SCHEMA}. */
  private static Group older(Group row) {
    Group o = new SimpleGroup(SCHEMA);
    ParquetRows.copy(row, o);
    return o;
  }

  /**
   * Writes {@code rows}, each copied by column name into {@code type} (a column {@code type} lacks
   * is left out), as a Parquet file at {@code file}: a staged run as earlier versions wrote it.
   */
  public static void writeParquet(Configuration conf, Path file, MessageType type, List<Group> rows)
      throws IOException {
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(HadoopOutputFile.fromPath(file, conf))
            .withType(type)
            .withConf(conf)
            .build()) {
      for (Group row : rows) {
        Group copy = new SimpleGroup(type);
        ParquetRows.copy(row, copy);
        w.write(copy);
      }
    }
  }
}
