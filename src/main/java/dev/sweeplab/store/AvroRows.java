package dev.sweeplab.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
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

  /** Parquet types parsed from files read so far, by their text. */
  private static final Map<String, MessageType> READ = new ConcurrentHashMap<>();

  private static final int CACHED_TYPES = 64;

  private AvroRows() {}

  /** Writes {@code rows}, all of {@code type}, as one container file to {@code out}, closing it. */
  public static void write(OutputStream out, MessageType type, List<Group> rows)
      throws IOException {
    Schema schema = type == RunSchema.MESSAGE ? STAGED : schema(type);
    try (OutputStream stream = out;
        DataFileWriter<GenericRecord> writer =
            new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
      writer.setMeta(PARQUET_SCHEMA, type.toString());
      writer.setMeta(ROWS, rows.size());
      writer.create(schema, stream);
      for (Group row : rows) {
        if (!row.getType().equals(type)) {
          throw new IllegalArgumentException("a row of another type than " + type.getName());
        }
        writer.append(record(row, schema));
      }
    }
  }

  /**
   * Hands every row of the container file in {@code in} to {@code row}, with the Parquet type it
   * was written with; closes {@code in}. {@code source} names the file in errors.
   */
  public static void read(InputStream in, String source, Consumer<Group> row) throws IOException {
    try (DataFileStream<GenericRecord> records =
        new DataFileStream<>(in, new GenericDatumReader<GenericRecord>())) {
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
      long expected = records.getMetaLong(ROWS);
      MessageType type = READ.get(text);
      if (type == null) {
        type = MessageTypeParser.parseMessageType(text);
        if (READ.size() >= CACHED_TYPES) {
          READ.clear(); // a bound, never reached by one sweeplab version's files
        }
        READ.put(text, type);
      }
      GenericRecord record = null;
      long read = 0;
      while (records.hasNext()) {
        record = records.next(record);
        Group g = new SimpleGroup(type);
        fill(g, record, source);
        row.accept(g);
        read++;
      }
      if (read != expected) {
        throw new IOException(
            source + " holds " + read + " of its " + expected + " rows: it is cut short");
      }
    } catch (EOFException e) {
      throw new IOException(source + " ends inside its header or a block: it is cut short", e);
    }
  }

  /** The Avro record schema of rows of {@code type}. */
  static Schema schema(GroupType type) {
    return record(type, type.getName());
  }

  private static Schema record(GroupType type, String name) {
    List<Schema.Field> fields = new ArrayList<>(type.getFieldCount());
    for (Type field : type.getFields()) {
      Schema s = avro(field, name + "_" + field.getName());
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

  private static Schema avro(Type field, String name) {
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
      return record(group, name);
    }
    Type element = element(group);
    Schema s = avro(element, name + "_element");
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
            instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation)
        || group.getFieldCount() != 1
        || !group.getType(0).isRepetition(Type.Repetition.REPEATED)
        || group.getType(0).isPrimitive()
        || group.getType(0).asGroupType().getFieldCount() != 1) {
      if (group.getLogicalTypeAnnotation()
          instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
        throw new IllegalArgumentException(
            "LIST column " + group.getName() + " is not in the three-level form");
      }
      return false;
    }
    return true;
  }

  private static Type element(GroupType list) {
    return list.getType(0).asGroupType().getType(0);
  }

  private static GenericData.Record record(Group row, Schema schema) {
    GenericData.Record r = new GenericData.Record(schema);
    GroupType type = row.getType();
    for (int i = 0; i < type.getFieldCount(); i++) {
      if (row.getFieldRepetitionCount(i) > 0) {
        r.put(i, value(row, i, type.getType(i), nonNull(schema.getFields().get(i).schema())));
      }
    }
    return r;
  }

  private static Object value(Group row, int i, Type field, Schema schema) {
    if (field.isPrimitive()) {
      return switch (field.asPrimitiveType().getPrimitiveTypeName()) {
        case INT32 -> row.getInteger(i, 0);
        case INT64 -> row.getLong(i, 0);
        case DOUBLE -> row.getDouble(i, 0);
        case FLOAT -> row.getFloat(i, 0);
        case BOOLEAN -> row.getBoolean(i, 0);
        default -> row.getString(i, 0); // BINARY (STRING): the only other kind schema() admits
      };
    }
    Group inner = row.getGroup(i, 0);
    if (schema.getType() != Schema.Type.ARRAY) {
      return record(inner, schema);
    }
    Type element = element(field.asGroupType());
    Schema elementSchema = nonNull(schema.getElementType());
    int n = inner.getFieldRepetitionCount(0);
    List<Object> values = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      Group item = inner.getGroup(0, k);
      values.add(
          item.getFieldRepetitionCount(0) == 0 ? null : value(item, 0, element, elementSchema));
    }
    return values;
  }

  private static Schema nonNull(Schema s) {
    return s.getType() == Schema.Type.UNION ? s.getTypes().get(1) : s;
  }

  private static void fill(Group row, GenericRecord record, String source) throws IOException {
    GroupType type = row.getType();
    if (record.getSchema().getFields().size() != type.getFieldCount()) {
      throw new IOException(
          source + ": its Avro schema and its Parquet type disagree on " + type.getName());
    }
    for (int i = 0; i < type.getFieldCount(); i++) {
      Type field = type.getType(i);
      Object v = record.get(i);
      if (v == null) {
        if (field.isRepetition(Type.Repetition.REQUIRED)) {
          throw new IOException(source + ": required column " + field.getName() + " is null");
        }
        continue;
      }
      add(row, i, field, v, source);
    }
  }

  private static void add(Group row, int i, Type field, Object v, String source)
      throws IOException {
    if (field.isPrimitive()) {
      switch (field.asPrimitiveType().getPrimitiveTypeName()) {
        case INT32 -> row.add(i, (Integer) v);
        case INT64 -> row.add(i, (Long) v);
        case DOUBLE -> row.add(i, (Double) v);
        case FLOAT -> row.add(i, (Float) v);
        case BOOLEAN -> row.add(i, (Boolean) v);
        default -> row.add(i, v.toString()); // Avro's Utf8
      }
      return;
    }
    Group inner = row.addGroup(i);
    GroupType group = field.asGroupType();
    if (!isList(group)) {
      fill(inner, (GenericRecord) v, source);
      return;
    }
    Type element = element(group);
    for (Object e : (List<?>) v) {
      Group item = inner.addGroup(0);
      if (e != null) {
        add(item, 0, element, e, source);
      }
    }
  }
}
