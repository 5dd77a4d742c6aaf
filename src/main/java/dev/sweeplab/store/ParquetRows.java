package dev.sweeplab.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Parquet rows as parquet-hadoop's example {@link Group}s, read and written without Spark: every
 * row of a file, a copy of one row into another schema by column name, and timestamps in whichever
 * physical form a writer chose.
 */
public final class ParquetRows {
  private ParquetRows() {}

  /**
   * Hands every row of {@code file} to {@code row}, with the file's own schema. Through the
   * low-level reader, with {@code conf}: {@code ParquetReader.builder(readSupport, path)} parses a
   * new Hadoop configuration for every file, three quarters of the time of reading a small one.
   */
  public static void read(Configuration conf, Path file, Consumer<Group> row) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
      for (PageReadStore pages = reader.readNextRowGroup();
          pages != null;
          pages = reader.readNextRowGroup()) {
        RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++) {
          row.accept(records.read());
        }
      }
    }
  }

  /**
   * Hands every row of every data file in directory {@code dir} (names starting with {@code _} or
   * {@code .} are Spark's and the commit's markers and temporary files) to {@code row}; a missing
   * directory has none.
   */
  public static void readDirectory(Configuration conf, Path dir, Consumer<Group> row)
      throws IOException {
    for (FileStatus f : Warehouse.list(dir.getFileSystem(conf), dir)) {
      String name = f.getPath().getName();
      if (f.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
        read(conf, f.getPath(), row);
      }
    }
  }

  /**
   * Copies the columns of {@code from} that {@code to}'s schema also has, by name and recursively
   * into groups (lists, structs); columns {@code to} has and {@code from} lacks stay unset (null).
   * Values keep their type, except timestamps, which are converted to the target column's form
   * (Spark writes INT96 by default).
   */
  public static void copy(Group from, Group to) {
    GroupType source = from.getType();
    for (Type field : to.getType().getFields()) {
      String name = field.getName();
      if (!source.containsField(name)) {
        continue;
      }
      int n = from.getFieldRepetitionCount(name);
      for (int i = 0; i < n; i++) {
        if (field.isPrimitive()) {
          copyValue(from, to, name, i, field.asPrimitiveType());
        } else {
          copy(from.getGroup(name, i), to.addGroup(name));
        }
      }
    }
  }

  private static void copyValue(Group from, Group to, String name, int i, PrimitiveType target) {
    PrimitiveType source = from.getType().getType(name).asPrimitiveType();
    if (isTimestamp(target) && isTimestamp(source)) {
      long micros = epochMicros(from, name, i);
      to.add(
          name,
          switch (unit(target)) {
            case MILLIS -> Math.floorDiv(micros, 1_000L);
            case MICROS -> micros;
            case NANOS -> micros * 1_000L;
          });
      return;
    }
    if (source.getPrimitiveTypeName() != target.getPrimitiveTypeName()) {
      throw new IllegalArgumentException(
          "column " + name + " is " + source + " in the file but " + target + " in the table");
    }
    switch (source.getPrimitiveTypeName()) {
      case INT32 -> to.add(name, from.getInteger(name, i));
      case INT64 -> to.add(name, from.getLong(name, i));
      case DOUBLE -> to.add(name, from.getDouble(name, i));
      case FLOAT -> to.add(name, from.getFloat(name, i));
      case BOOLEAN -> to.add(name, from.getBoolean(name, i));
      case INT96 -> to.add(name, from.getInt96(name, i));
      case BINARY, FIXED_LEN_BYTE_ARRAY -> to.add(name, from.getBinary(name, i));
    }
  }

  /** Whether a column holds timestamps: INT96, or INT64 annotated as one. */
  static boolean isTimestamp(PrimitiveType type) {
    return type.getPrimitiveTypeName() == PrimitiveTypeName.INT96
        || type.getLogicalTypeAnnotation() instanceof TimestampLogicalTypeAnnotation;
  }

  private static LogicalTypeAnnotation.TimeUnit unit(PrimitiveType type) {
    return type.getLogicalTypeAnnotation() instanceof TimestampLogicalTypeAnnotation ts
        ? ts.getUnit()
        : LogicalTypeAnnotation.TimeUnit.NANOS; // INT96 carries nanoseconds
  }

  /**
   * The {@code i}-th value of timestamp column {@code field} as microseconds since the epoch: INT96
   * (Spark's default: nanoseconds of the day and a Julian day) or INT64 in the column's unit.
   */
  public static long epochMicros(Group g, String field, int i) {
    PrimitiveType type = g.getType().getType(field).asPrimitiveType();
    if (type.getPrimitiveTypeName() == PrimitiveTypeName.INT96) {
      ByteBuffer b = g.getInt96(field, i).toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      long nanosOfDay = b.getLong();
      long julianDay = Integer.toUnsignedLong(b.getInt());
      return (julianDay - 2_440_588L) * 86_400_000_000L + nanosOfDay / 1_000L;
    }
    long value = g.getLong(field, i);
    return switch (unit(type)) {
      case MILLIS -> value * 1_000L;
      case MICROS -> value;
      case NANOS -> value / 1_000L;
    };
  }

  /**
   * A writer of a new file {@code target}, written under a hidden temporary name and renamed into
   * place when {@link Output#close} is called, so readers see the whole file or none. If {@code
   * target} appeared meanwhile (a retried or speculative twin of the task wrote it: the same rows),
   * it is kept and this one discarded.
   */
  public static Output create(Configuration conf, Path target, MessageType schema)
      throws IOException {
    return new Output(conf, target, schema);
  }

  /** See {@link #create}. */
  public static final class Output implements AutoCloseable {
    private final FileSystem fs;
    private final Path target;
    private final Path temp;
    private final ParquetWriter<Group> writer;
    private final MessageType schema;

    private Output(Configuration conf, Path target, MessageType schema) throws IOException {
      this.fs = target.getFileSystem(conf);
      this.target = target;
      this.schema = schema;
      this.temp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID());
      this.writer =
          ExampleParquetWriter.builder(HadoopOutputFile.fromPath(temp, conf))
              .withType(schema)
              .withConf(conf)
              .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
              .withCompressionCodec(CompressionCodecName.SNAPPY)
              .build();
    }

    /** A new empty row of this file's schema. */
    public Group row() {
      return new org.apache.parquet.example.data.simple.SimpleGroup(schema);
    }

    public void write(Group row) throws IOException {
      writer.write(row);
    }

    /** Finishes the file and renames it into place. */
    @Override
    public void close() throws IOException {
      writer.close();
      if (fs.exists(target)) {
        fs.delete(temp, false);
      } else if (!fs.rename(temp, target) && !fs.exists(target)) {
        throw new IOException("could not rename " + temp + " to " + target);
      }
    }

    /** Removes the temporary file of a write that failed. */
    public void discard() {
      try {
        writer.close();
      } catch (IOException | RuntimeException e) {
        // the write already failed; its error is the one that matters
      }
      try {
        fs.delete(temp, false);
      } catch (IOException e) {
        // a hidden file; the pending directory it is in is removed with the failed commit
      }
    }
  }
}
