package dev.sweeplab.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.Encoder;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroup;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.parquet.schema.Type;

/**
 * Parquet rows ({@link Group}s) stored in an Apache Avro object container file, the format of a
 * staged run. A staged file holds one row; as a Parquet file it costs Parquet's whole per-column
 * machinery (a page, its header, statistics and indexes for each of about a hundred one-value
 * columns, then a footer describing them) and as much again to read back, several times what the
 * row itself costs to encode (docs/benchmarks.md). Avro encodes the row as one block after a
 * header.
 *
 * <p>The Avro schema is derived from the row's Parquet type: a required column is the Avro type, an
 * optional one a union with null, a three-level LIST an Avro array, a nested group a record. The
 * Parquet type itself travels in the file's metadata ({@value #PARQUET_SCHEMA}), so a reader
 * rebuilds each row with exactly the type it was written with: a file staged before a column
 * existed reads without that column, as a Parquet file's footer would, and the compaction that
 * copies rows by column name treats both the same.
 *
 * <p>Rows are encoded from and decoded into {@link Group}s directly, walking the Parquet type
 * ({@code GroupWriter}, {@code GroupReader}), with no Avro generic record between. Avro's generic
 * reader keeps a resolver for each schema it is given in a per-thread cache that the parsed schema
 * of every file read stays reachable from: 10,000 staged files kept about 65 MB of schemas alive in
 * the driver.
 */
public final class AvroRows {
  /** The file metadata key holding the rows' Parquet type, as {@link MessageType#toString}. */
  static final String PARQUET_SCHEMA = "sweeplab.parquet.schema";

  /**
   * The file metadata key holding the number of rows. Avro's reader takes a file that ends at or
   * inside a block for one without more blocks; the count in the header tells a cut file.
   */
  static final String ROWS = "sweeplab.rows";

  /** The Avro schema of a staged run, derived once. */
  private static final Schema STAGED = schema(RunSchema.MESSAGE);

  /** Parquet types parsed from files read so far, and their Avro schemas, by the types' text. */
  private static final Map<String, Written> READ = new ConcurrentHashMap<>();

  private static final int CACHED_TYPES = 64;

  private AvroRows() {}

  /** Writes {@code rows}, all of {@code type}, as one container file to {@code out}, closing it. */
  public static void write(OutputStream out, MessageType type, List<Group> rows)
      throws IOException {
    Schema schema = type == RunSchema.MESSAGE ? STAGED : schema(type);
    try (OutputStream stream = out;
        DataFileWriter<Group> writer = new DataFileWriter<>(new GroupWriter())) {
      writer.setMeta(PARQUET_SCHEMA, type.toString());
      writer.setMeta(ROWS, rows.size());
      writer.create(schema, stream);
      for (Group row : rows) {
        if (row.getType() != type && !row.getType().equals(type)) {
          throw new IllegalArgumentException("a row of another type than " + type.getName());
        }
        writer.append(row);
      }
    }
  }

  /**
   * Hands every row of the container file in {@code in} to {@code row}, with the Parquet type it
   * was written with; closes {@code in}. {@code source} names the file in errors.
   */
  public static void read(InputStream in, String source, Consumer<Group> row) throws IOException {
    GroupReader reader = new GroupReader();
    try (InputStream stream = in;
        DataFileStream<Group> records = new DataFileStream<>(stream, reader)) {
      String text = records.getMetaString(PARQUET_SCHEMA);
      if (text == null || records.getMeta(ROWS) == null) {
        throw new IOException(
            source
                + " is an Avro file without the "
                + PARQUET_SCHEMA
                + " and "
                + ROWS
                + " entries");
      }
      Written written = READ.get(text);
      if (written == null) {
        MessageType type = MessageTypeParser.parseMessageType(text);
        written = new Written(type, schema(type));
        if (READ.size() >= CACHED_TYPES) {
          READ.clear(); // a bound, never reached by one sweeplab version's files
        }
        READ.put(text, written);
      }
      if (!records.getSchema().equals(written.schema())) {
        throw new IOException(
            source
                + ": its Avro schema is not the one its Parquet type "
                + PARQUET_SCHEMA
                + " gives");
      }
      reader.type = written.type();
      long expected = records.getMetaLong(ROWS);
      long read = 0;
      while (records.hasNext()) {
        row.accept(records.next());
        read++;
      }
      if (read != expected) {
        throw new IOException(
            source + " holds " + read + " of its " + expected + " rows: it is cut short");
      }
    } catch (EOFException e) {
      throw new IOException(source + " ends inside its header or a block: it is cut short", e);
    } catch (AvroRuntimeException e) {
      // Avro's reader wraps what goes wrong inside a block (a bad sync marker, a short block).
      throw new IOException(source + " cannot be read: " + e.getMessage(), e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(source)) {
        throw e;
      }
      throw new IOException(source + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** A Parquet type read from a file, and the Avro schema it gives. */
  private record Written(MessageType type, Schema schema) {}

  /**
   * The Avro record schema of rows of {@code type}. Each nested record is named by its path, the
   * names joined by {@code _}, and numbered where two paths join to the same name ({@code a.b} and
   * {@code a_b}): Avro names must be unique within a schema.
   */
  static Schema schema(GroupType type) {
    return record(type, type.getName(), new HashSet<>());
  }

  private static Schema record(GroupType type, String path, Set<String> names) {
    String name = path;
    for (int k = 2; !names.add(name); k++) {
      name = path + "_" + k;
    }
    List<Schema.Field> fields = new ArrayList<>(type.getFieldCount());
    for (Type field : type.getFields()) {
      Schema s = avro(field, name + "_" + field.getName(), names);
      if (field.isRepetition(Type.Repetition.OPTIONAL)) {
        s = Schema.createUnion(Schema.create(Schema.Type.NULL), s);
      } else if (field.isRepetition(Type.Repetition.REPEATED)) {
        throw new IllegalArgumentException(
            "repeated column " + field.getName() + " outside a LIST: no Avro form for it here");
      }
      fields.add(new Schema.Field(field.getName(), s));
    }
    return Schema.createRecord(name, null, null, false, fields);
  }

  private static Schema avro(Type field, String name, Set<String> names) {
    if (field.isPrimitive()) {
      return switch (field.asPrimitiveType().getPrimitiveTypeName()) {
        case INT32 -> Schema.create(Schema.Type.INT);
        case INT64 -> Schema.create(Schema.Type.LONG);
        case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
        case FLOAT -> Schema.create(Schema.Type.FLOAT);
        case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
        case BINARY -> {
          if (!(field.getLogicalTypeAnnotation()
              instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation)) {
            throw new IllegalArgumentException(
                "binary column " + field.getName() + " is no string");
          }
          yield Schema.create(Schema.Type.STRING);
        }
        default ->
            throw new IllegalArgumentException(
                "column " + field.getName() + ": no Avro form for " + field.asPrimitiveType());
      };
    }
    GroupType group = field.asGroupType();
    if (!isList(group)) {
      return record(group, name, names);
    }
    Type element = element(group);
    Schema s = avro(element, name + "_element", names);
    return Schema.createArray(
        element.isRepetition(Type.Repetition.OPTIONAL)
            ? Schema.createUnion(Schema.create(Schema.Type.NULL), s)
            : s);
  }

  /**
   * Whether {@code group} is a three-level LIST: {@code group (LIST) { repeated group list {
   * element } }}.
   */
  private static boolean isList(GroupType group) {
    if (!(group.getLogicalTypeAnnotation()
        instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation)) {
      return false;
    }
    if (group.getFieldCount() != 1
        || !group.getType(0).isRepetition(Type.Repetition.REPEATED)
        || group.getType(0).isPrimitive()
        || group.getType(0).asGroupType().getFieldCount() != 1) {
      throw new IllegalArgumentException(
          "LIST column " + group.getName() + " is not in the three-level form");
    }
    return true;
  }

  private static Type element(GroupType list) {
    return list.getType(0).asGroupType().getType(0);
  }

  /**
   * Encodes a row field by field in the order and form {@link #schema} gives its Avro schema: a
   * union's branch (0 null, 1 the value), an array's items in one block, a group's fields in order.
   */
  private static final class GroupWriter implements DatumWriter<Group> {
    @Override
    public void setSchema(Schema schema) {
      // the row's own type says how to encode it
    }

    @Override
    public void write(Group row, Encoder out) throws IOException {
      GroupType type = row.getType();
      for (int i = 0; i < type.getFieldCount(); i++) {
        Type field = type.getType(i);
        boolean present = row.getFieldRepetitionCount(i) > 0;
        if (field.isRepetition(Type.Repetition.OPTIONAL)) {
          out.writeIndex(present ? 1 : 0);
          if (!present) {
            continue;
          }
        } else if (!present) {
          throw new IllegalArgumentException("required column " + field.getName() + " is unset");
        }
        value(row, i, field, out);
      }
    }

    private void value(Group row, int i, Type field, Encoder out) throws IOException {
      if (field.isPrimitive()) {
        switch (field.asPrimitiveType().getPrimitiveTypeName()) {
          case INT32 -> out.writeInt(row.getInteger(i, 0));
          case INT64 -> out.writeLong(row.getLong(i, 0));
          case DOUBLE -> out.writeDouble(row.getDouble(i, 0));
          case FLOAT -> out.writeFloat(row.getFloat(i, 0));
          case BOOLEAN -> out.writeBoolean(row.getBoolean(i, 0));
          default -> out.writeString(row.getString(i, 0)); // BINARY (STRING), as schema() admits
        }
        return;
      }
      Group inner = row.getGroup(i, 0);
      GroupType group = field.asGroupType();
      if (!isList(group)) {
        write(inner, out);
        return;
      }
      Type element = element(group);
      boolean optional = element.isRepetition(Type.Repetition.OPTIONAL);
      int n = inner.getFieldRepetitionCount(0);
      out.writeArrayStart();
      out.setItemCount(n);
      for (int k = 0; k < n; k++) {
        out.startItem();
        Group item = inner.getGroup(0, k);
        boolean present = item.getFieldRepetitionCount(0) > 0;
        if (optional) {
          out.writeIndex(present ? 1 : 0);
        } else if (!present) {
          throw new IllegalArgumentException("a null element in " + field.getName());
        }
        if (present) {
          value(item, 0, element, out);
        }
      }
      out.writeArrayEnd();
    }
  }

  /** Decodes what {@link GroupWriter} encodes into a row of {@link #type}. */
  private static final class GroupReader implements DatumReader<Group> {
    /** The rows' type, set once the file's metadata has been read. */
    MessageType type;

    @Override
    public void setSchema(Schema schema) {
      // checked against the Parquet type by read(), which sets the type
    }

    @Override
    public Group read(Group reuse, Decoder in) throws IOException {
      Group row = new SimpleGroup(type);
      fill(row, in);
      return row;
    }

    private static void fill(Group row, Decoder in) throws IOException {
      GroupType type = row.getType();
      for (int i = 0; i < type.getFieldCount(); i++) {
        Type field = type.getType(i);
        if (field.isRepetition(Type.Repetition.OPTIONAL) && in.readIndex() == 0) {
          continue;
        }
        add(row, i, field, in);
      }
    }

    private static void add(Group row, int i, Type field, Decoder in) throws IOException {
      if (field.isPrimitive()) {
        switch (field.asPrimitiveType().getPrimitiveTypeName()) {
          case INT32 -> row.add(i, in.readInt());
          case INT64 -> row.add(i, in.readLong());
          case DOUBLE -> row.add(i, in.readDouble());
          case FLOAT -> row.add(i, in.readFloat());
          case BOOLEAN -> row.add(i, in.readBoolean());
          default -> row.add(i, in.readString());
        }
        return;
      }
      Group inner = row.addGroup(i);
      GroupType group = field.asGroupType();
      if (!isList(group)) {
        fill(inner, in);
        return;
      }
      Type element = element(group);
      boolean optional = element.isRepetition(Type.Repetition.OPTIONAL);
      for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
        for (long k = 0; k < n; k++) {
          Group item = inner.addGroup(0);
          if (!optional || in.readIndex() == 1) {
            add(item, 0, element, in);
          }
        }
      }
    }
  }
}
