package dev.sweeplab.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroup;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;

class AvroRowsTest {
  /** Every kind of column the staged run uses, and a few it may come to use. */
  static final MessageType TYPE =
      MessageTypeParser.parseMessageType(
          "message run {"
              + " required binary name (STRING);"
              + " required int32 width;"
              + " required int64 seed;"
              + " required double loss;"
              + " required float scale;"
              + " required boolean noisy;"
              + " optional double best;"
              + " optional int64 best_step;"
              + " required int64 finished_at (TIMESTAMP(MILLIS,true));"
              + " required group layers (LIST) { repeated group list { required double element; } }"
              + " required group maybe (LIST) { repeated group list { optional int32 element; } }"
              + " required group curve (LIST) { repeated group list { required group element {"
              + "   required int64 step;"
              + "   optional double val_loss;"
              + "   required group activations (LIST) {"
              + "     repeated group list { required double element; } } } } }"
              + " optional group note { required binary text (STRING); }"
              + "}");

  static Group row(String name, boolean full) {
    Group g = new SimpleGroup(TYPE);
    g.add("name", name);
    g.add("width", 64);
    g.add("seed", -7L);
    g.add("loss", Double.NaN);
    g.add("scale", 0.5f);
    g.add("noisy", true);
    if (full) {
      g.add("best", -0.0);
      g.add("best_step", Long.MAX_VALUE);
    }
    g.add("finished_at", 1_767_225_600_000L);
    Group layers = g.addGroup("layers");
    for (double v : full ? new double[] {1.5, Double.POSITIVE_INFINITY, 1e-300} : new double[0]) {
      layers.addGroup("list").add("element", v);
    }
    Group maybe = g.addGroup("maybe");
    maybe.addGroup("list").add("element", 3);
    maybe.addGroup("list"); // a null element
    Group curve = g.addGroup("curve");
    for (int i = 0; i < (full ? 3 : 0); i++) {
      Group e = curve.addGroup("list").addGroup("element");
      e.add("step", (long) i * 10);
      if (i > 0) {
        e.add("val_loss", 1.0 / i);
      }
      Group acts = e.addGroup("activations");
      for (int k = 0; k < i; k++) {
        acts.addGroup("list").add("element", k + 0.25);
      }
    }
    if (full) {
      g.addGroup("note").add("text", "héllo, wörld ✓");
    }
    return g;
  }

  static List<Group> roundTrip(MessageType type, List<Group> rows) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AvroRows.write(bytes, type, rows);
    List<Group> read = new ArrayList<>();
    AvroRows.read(new ByteArrayInputStream(bytes.toByteArray()), "test file", read::add);
    return read;
  }

  @Test
  void rowsReadBackWithTheirTypeAndEveryValueToTheBit() throws IOException {
    List<Group> rows = List.of(row("a", true), row("b", false), row("c", true));
    List<Group> read = roundTrip(TYPE, rows);

    assertEquals(3, read.size());
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(TYPE, read.get(i).getType(), "the written Parquet type, annotations included");
      assertEquals(rows.get(i).toString(), read.get(i).toString(), "row " + i);
    }
    Group a = read.get(0);
    assertEquals(
        Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(a.getDouble("best", 0)));
    assertTrue(Double.isNaN(a.getDouble("loss", 0)));
    assertEquals(Long.MAX_VALUE, a.getLong("best_step", 0));
    assertEquals("héllo, wörld ✓", a.getGroup("note", 0).getString("text", 0));
    assertEquals(0, a.getGroup("maybe", 0).getGroup("list", 1).getFieldRepetitionCount(0));
    Group b = read.get(1);
    assertEquals(0, b.getFieldRepetitionCount("best"), "an unset optional column stays unset");
    assertEquals(0, b.getFieldRepetitionCount("note"));
    assertEquals(0, b.getGroup("curve", 0).getFieldRepetitionCount("list"), "an empty list");
  }

  @Test
  void theFileIsPlainAvroThatAvrosOwnGenericReaderReads() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AvroRows.write(bytes, TYPE, List.of(row("a", true), row("b", false)));
    List<GenericRecord> records = new ArrayList<>();
    try (DataFileStream<GenericRecord> in =
        new DataFileStream<>(
            new ByteArrayInputStream(bytes.toByteArray()), new GenericDatumReader<>())) {
      assertEquals(AvroRows.schema(TYPE), in.getSchema());
      in.forEach(records::add);
    }
    assertEquals(2, records.size());
    GenericRecord a = records.get(0);
    assertEquals("a", a.get("name").toString());
    assertEquals(64, a.get("width"));
    assertEquals(-7L, a.get("seed"));
    assertEquals(0.5f, a.get("scale"));
    assertEquals(true, a.get("noisy"));
    assertEquals(Long.MAX_VALUE, a.get("best_step"));
    assertEquals(List.of(1.5, Double.POSITIVE_INFINITY, 1e-300), a.get("layers"));
    assertEquals(Arrays.asList(3, null), a.get("maybe"));
    List<?> curve = (List<?>) a.get("curve");
    assertEquals(3, curve.size());
    GenericRecord third = (GenericRecord) curve.get(2);
    assertEquals(20L, third.get("step"));
    assertEquals(0.5, third.get("val_loss"));
    assertEquals(List.of(0.25, 1.25), third.get("activations"));
    assertEquals(null, ((GenericRecord) curve.get(0)).get("val_loss"));
    assertEquals("héllo, wörld ✓", ((GenericRecord) a.get("note")).get("text").toString());
    GenericRecord b = records.get(1);
    assertEquals(null, b.get("best"));
    assertEquals(null, b.get("note"));
    assertEquals(List.of(), b.get("layers"));
  }

  @Test
  void aStagedRunsTypeHasAnAvroFormAndTheRowsOfAnOlderTypeReadAsThatType() throws IOException {
    Schema staged = AvroRows.schema(RunSchema.MESSAGE);
    assertEquals(RunSchema.MESSAGE.getFieldCount(), staged.getFields().size());

    MessageType older =
        new MessageType(
            "run",
            TYPE.getFields().stream().filter(f -> !f.getName().equals("best_step")).toList());
    Group g = new SimpleGroup(older);
    ParquetRows.copy(row("old", true), g);
    Group read = roundTrip(older, List.of(g)).get(0);
    assertEquals(older, read.getType());
    assertTrue(!read.getType().containsField("best_step"), "no column the writer did not have");
    assertEquals(g.toString(), read.toString());
  }

  /** An Avro file of one record {@code {width: 3}}, with {@code meta} in its metadata. */
  static ByteArrayOutputStream plainAvro(Map<String, String> meta) throws IOException {
    Schema plain = SchemaBuilder.record("r").fields().requiredInt("width").endRecord();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataFileWriter<GenericRecord> w =
        new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(plain))) {
      meta.forEach(w::setMeta);
      w.create(plain, bytes);
      GenericRecord r = new GenericData.Record(plain);
      r.put("width", 3);
      w.append(r);
    }
    return bytes;
  }

  /** A stream over {@code bytes} that says whether it was closed. */
  static final class Tracked extends ByteArrayInputStream {
    boolean closed;

    Tracked(byte[] bytes) {
      super(bytes);
    }

    @Override
    public void close() throws IOException {
      closed = true;
      super.close();
    }
  }

  @Test
  void theStreamIsClosedWhetherTheFileReadsOrNot() throws IOException {
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    AvroRows.write(whole, TYPE, List.of(row("a", true)));
    byte[] bytes = whole.toByteArray();
    for (byte[] input :
        List.of(bytes, "not avro".getBytes(), Arrays.copyOf(bytes, 40), new byte[0])) {
      Tracked in = new Tracked(input);
      try {
        AvroRows.read(in, "t.avro", g -> {});
      } catch (IOException e) {
        assertTrue(e.getMessage().contains("t.avro"), e.getMessage());
      }
      assertTrue(in.closed, "closed after " + input.length + " bytes");
    }
  }

  @Test
  void aDamagedBlockIsAnIoErrorNamingTheFile() throws IOException {
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    AvroRows.write(whole, TYPE, List.of(row("a", true)));
    byte[] bytes = whole.toByteArray();
    bytes[bytes.length - 1] ^= 1; // the block's closing sync marker
    IOException e =
        assertThrows(
            IOException.class,
            () -> AvroRows.read(new ByteArrayInputStream(bytes), "bad.avro", g -> {}));
    assertTrue(e.getMessage().contains("bad.avro"), e.getMessage());
  }

  @Test
  void nestedRecordsWhosePathsJoinToOneNameGetDistinctNames() throws IOException {
    MessageType clash =
        MessageTypeParser.parseMessageType(
            "message m { required group a { required group b { required int32 x; } }"
                + " required group a_b { required int32 y; }"
                + " required group l (LIST) { repeated group list { required group element {"
                + "   required int32 z; } } }"
                + " required group l_element { required int32 w; } }");
    Schema schema = AvroRows.schema(clash);
    assertEquals(4, schema.getFields().size());
    Group g = new SimpleGroup(clash);
    g.addGroup("a").addGroup("b").add("x", 1);
    g.addGroup("a_b").add("y", 2);
    g.addGroup("l").addGroup("list").addGroup("element").add("z", 3);
    g.addGroup("l_element").add("w", 4);
    assertEquals(g.toString(), roundTrip(clash, List.of(g)).get(0).toString());
  }

  @Test
  void aRowOfAnotherTypeIsRefused() {
    MessageType other = MessageTypeParser.parseMessageType("message run { required int32 width; }");
    Group g = new SimpleGroup(other);
    g.add("width", 1);
    assertThrows(
        IllegalArgumentException.class,
        () -> AvroRows.write(new ByteArrayOutputStream(), TYPE, List.of(g)));
  }

  @Test
  void columnsWithoutAnAvroFormAreRefusedByName() {
    for (String column :
        List.of(
            "repeated int32 bare;",
            "required int96 legacy_time;",
            "required binary raw;",
            "required fixed_len_byte_array(4) four;",
            "required group two_level (LIST) { repeated int32 element; }")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  AvroRows.schema(
                      MessageTypeParser.parseMessageType("message m { " + column + " }")),
              column);
      String name = column.replaceAll(".* ([a-z_0-9]+)( \\(LIST\\).*|;)$", "$1");
      assertTrue(e.getMessage().contains(name), e.getMessage() + " names " + name);
    }
  }

  @Test
  void aFileThatIsNotOneOfThemSaysWhy() throws IOException {
    IOException notAvro =
        assertThrows(
            IOException.class,
            () ->
                AvroRows.read(
                    new ByteArrayInputStream("PAR1 not avro".getBytes()), "x.avro", g -> {}));
    assertTrue(notAvro.getMessage().contains("Not an Avro data file"), notAvro.getMessage());
    assertTrue(notAvro.getMessage().contains("x.avro"), notAvro.getMessage());

    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    AvroRows.write(whole, TYPE, List.of(row("a", true)));
    byte[] cut = Arrays.copyOf(whole.toByteArray(), whole.size() - 40);
    IOException shortened =
        assertThrows(
            IOException.class,
            () -> AvroRows.read(new ByteArrayInputStream(cut), "cut.avro", g -> {}));
    assertTrue(shortened.getMessage().contains("cut.avro"), shortened.getMessage());
    assertTrue(shortened.getMessage().contains("cut short"), shortened.getMessage());

    // An Avro file some other program wrote: no Parquet type in its metadata.
    ByteArrayOutputStream foreign = plainAvro(Map.of());
    IOException noType =
        assertThrows(
            IOException.class,
            () ->
                AvroRows.read(
                    new ByteArrayInputStream(foreign.toByteArray()), "other.avro", g -> {}));
    assertTrue(noType.getMessage().contains("other.avro"), noType.getMessage());
    assertTrue(noType.getMessage().contains(AvroRows.PARQUET_SCHEMA), noType.getMessage());

    // The metadata of a row of TYPE over a record of another schema.
    ByteArrayOutputStream mismatched =
        plainAvro(Map.of(AvroRows.PARQUET_SCHEMA, TYPE.toString(), AvroRows.ROWS, "1"));
    IOException disagree =
        assertThrows(
            IOException.class,
            () ->
                AvroRows.read(
                    new ByteArrayInputStream(mismatched.toByteArray()), "odd.avro", g -> {}));
    assertTrue(disagree.getMessage().contains("odd.avro"), disagree.getMessage());
    assertTrue(disagree.getMessage().contains("Avro schema"), disagree.getMessage());
  }
}
