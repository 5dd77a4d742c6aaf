package dev.sweeplab.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.testing.OlderStagedFile;
import dev.sweeplab.train.CurvePoint;
import dev.sweeplab.train.RunResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionTest {
  @TempDir java.nio.file.Path tmp;

  final Configuration conf = new Configuration();

  @BeforeAll
  static void trainOnce() {
    StagingTest.trainOnce();
  }

  Path path(String name) {
    return new Path(tmp.resolve(name).toUri());
  }

  /** The rows of a staged run file (Avro or Parquet) or of a table file (Parquet). */
  List<Group> rows(Path file) throws IOException {
    List<Group> rows = new ArrayList<>();
    if (file.getName().endsWith(".avro")) {
      Staging.read(conf, file, rows::add);
    } else {
      ParquetRows.read(conf, file, rows::add);
    }
    return rows;
  }

  @Test
  void splitsStagedRunsIntoRunsAndCurvesAndCountsStatuses() throws IOException {
    RunConfig ok = StagingTest.runs.get(0);
    RunConfig failed = StagingTest.runs.get(1);
    RunResult failure = RunResult.failed(new IllegalStateException("boom"), 7);
    Path a = Staging.write(conf, path("staging"), record(ok, StagingTest.result));
    Path b = Staging.write(conf, path("staging"), record(failed, failure));

    Map<String, Long> counts =
        Compaction.compact(conf, List.of(a, b), path("runs/part-0"), path("curves/part-0"));

    assertEquals(Map.of(RunResult.OK, 1L, RunResult.FAILED, 1L), counts);
    List<Group> runs = rows(path("runs/part-0"));
    assertEquals(2, runs.size());
    Group first = runs.get(0);
    assertEquals(ok.runId(), first.getString("run_id", 0));
    assertEquals(RunResult.OK, first.getString("status", 0));
    assertEquals(ok.width(), first.getInteger("width", 0));
    assertEquals(StagingTest.result.testLoss(), first.getDouble("final_test_loss", 0));
    assertEquals("host-a", first.getString("host", 0));
    assertEquals(StagingTest.FINISHED, first.getLong("finished_at", 0));
    assertEquals(
        StagingTest.result.layerWeightChange().size(),
        first.getGroup("weight_change_layers", 0).getFieldRepetitionCount("list"));
    assertEquals(failed.runId(), runs.get(1).getString("run_id", 0));
    assertTrue(runs.get(1).getString("reason", 0).contains("boom"));
    Set<String> columns =
        first.getType().getFields().stream().map(Type::getName).collect(Collectors.toSet());
    Set<String> expected = new java.util.HashSet<>(RunSchema.runColumns());
    expected.remove("sweep"); // the partition directory
    assertEquals(expected, columns);

    List<Group> curves = rows(path("curves/part-0"));
    List<CurvePoint> curve = StagingTest.result.curve();
    assertEquals(curve.size() + failure.curve().size(), curves.size());
    for (int i = 0; i < curve.size(); i++) {
      Group point = curves.get(i);
      assertEquals(ok.runId(), point.getString("run_id", 0));
      assertEquals(curve.get(i).step(), point.getLong("step", 0));
      assertEquals(curve.get(i).testLoss(), point.getDouble("test_loss", 0));
      assertEquals(
          curve.get(i).activations().size(),
          point.getGroup("activations", 0).getFieldRepetitionCount("list"));
    }
  }

  /**
   * A run staged at its current numerics by a version before {@code trained_by}, {@code device},
   * the best losses and the spectral and feature change existed: the columns it lacks are null,
   * except {@code trained_by}.
   */
  @Test
  void aStagingFileFromAnOlderVersionLeavesNewerColumnsNullButTrainedByTask() throws IOException {
    Path current =
        Staging.write(conf, path("staging"), record(StagingTest.runs.get(0), StagingTest.result));
    Set<String> newer =
        Set.of(
            "trained_by",
            "device",
            "best_val_loss",
            "best_step",
            "test_loss_at_best",
            "test_error_at_best",
            "eval_train_size",
            "eval_test_size",
            "weight_change_spectral",
            "feature_change");
    Path old = path("old/0000000000000001.n3.parquet");
    writeWithout(newer, rows(current).get(0), old);

    Compaction.compact(conf, List.of(old), path("runs/p"), path("curves/p"));

    Group run = rows(path("runs/p")).get(0);
    assertEquals(Provenance.TASK, run.getString("trained_by", 0));
    assertEquals(3, run.getInteger("numerics", 0));
    assertEquals(0, run.getFieldRepetitionCount("device"), "null: the run did not record one");
    assertEquals(0, run.getFieldRepetitionCount("test_loss_at_best"));
    assertEquals(0, run.getFieldRepetitionCount("eval_test_size"));
    assertEquals(0, run.getFieldRepetitionCount("weight_change_spectral"));
    assertEquals(0, run.getFieldRepetitionCount("feature_change"));
    assertEquals(StagingTest.result.testLoss(), run.getDouble("final_test_loss", 0));
    assertEquals(StagingTest.result.curve().size(), rows(path("curves/p")).size());
  }

  @Test
  void aRunStagedAsAvroOrAsParquetCompactsIntoTheSameRows() throws IOException {
    List<RunRecord> records =
        List.of(
            record(StagingTest.runs.get(0), StagingTest.result),
            record(StagingTest.runs.get(1), RunResult.failed(new Exception("x"), 3)));
    List<Path> avro = new ArrayList<>();
    List<Path> parquet = new ArrayList<>();
    for (RunRecord r : records) {
      avro.add(Staging.write(conf, path("avro"), r));
      // The same row as earlier versions staged it, from the record, not from the Avro file.
      Path p = path("parquet/" + r.config().runId() + ".n3.parquet");
      writeWithout(Set.of(), RunSchema.row(r, 3), p);
      parquet.add(p);
    }

    Map<String, Long> fromAvro = Compaction.compact(conf, avro, path("a/r"), path("a/c"));
    Map<String, Long> fromParquet = Compaction.compact(conf, parquet, path("p/r"), path("p/c"));

    assertEquals(Map.of(RunResult.OK, 1L, RunResult.FAILED, 1L), fromAvro);
    assertEquals(fromAvro, fromParquet);
    for (String table : List.of("r", "c")) {
      List<String> a = rows(path("a/" + table)).stream().map(Group::toString).toList();
      List<String> p = rows(path("p/" + table)).stream().map(Group::toString).toList();
      assertEquals(p, a, "table " + table);
      assertTrue(a.size() >= 2, a.toString());
    }
  }

  /** Writes {@code row} to {@code file} with a schema without the {@code left} columns. */
  void writeWithout(Set<String> left, Group row, Path file) throws IOException {
    MessageType older =
        new MessageType(
            "run",
            RunSchema.MESSAGE.getFields().stream()
                .filter(f -> !left.contains(f.getName()))
                .toList());
    OlderStagedFile.writeParquet(conf, file, older, List.of(row));
  }

  /**
   * Every configuration is computed by numerics 3: a run staged before the {@code numerics} column
   * existed (numerics 1), standard as much as ntk, is refused.
   */
  @Test
  void aRunWhoseRecordedNumericsIsNotItsCurrentOneIsRefusedNamingTheFile() throws IOException {
    RunConfig standard = StagingTest.runs.get(0);
    assertEquals("standard", standard.parameterization());
    RunConfig ntk =
        StagingTest.with(
            standard, Map.of(SpecKeys.PARAMETERIZATION, "ntk", SpecKeys.OPTIMIZER, "sgd"));
    for (RunConfig run : List.of(standard, ntk)) {
      String p = run.parameterization();
      Path good = Staging.write(conf, path(p + "/staging"), record(run, StagingTest.result));
      assertEquals(3, rows(good).get(0).getInteger("numerics", 0));
      Compaction.compact(conf, List.of(good), path(p + "/ok/r"), path(p + "/ok/c"));
      assertEquals(3, rows(path(p + "/ok/r")).get(0).getInteger("numerics", 0));

      // The same run's row as a sweeplab computing it by numerics 1 wrote it.
      Path bad = path(p + "/staging/" + run.runId() + ".parquet");
      writeWithout(Set.of("numerics"), rows(good).get(0), bad);

      IOException e =
          assertThrows(
              IOException.class,
              () -> Compaction.compact(conf, List.of(bad), path(p + "/out/r"), path(p + "/out/c")),
              p);

      assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("as computed by numerics 1"), e.getMessage());
      assertTrue(e.getMessage().contains("computed by numerics 3"), e.getMessage());
      try (Stream<java.nio.file.Path> left = Files.list(tmp.resolve(p).resolve("out"))) {
        assertEquals(List.of(), left.map(f -> f.getFileName().toString()).toList(), p);
      }
    }
  }

  @Test
  void anUnreadableStagingFileIsNamedAndNoTableFileIsLeft() throws IOException {
    Path good =
        Staging.write(conf, path("staging"), record(StagingTest.runs.get(0), StagingTest.result));
    Path bad = path("staging/00000000000000ff.parquet");
    Files.writeString(tmp.resolve("staging/00000000000000ff.parquet"), "not parquet");

    IOException e =
        assertThrows(
            IOException.class,
            () -> Compaction.compact(conf, List.of(good, bad), path("out/r"), path("out/c")));

    assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    try (Stream<java.nio.file.Path> left = Files.list(tmp.resolve("out"))) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList());
    }
  }

  /** Spark writes timestamps as INT96 by default: earlier rows keep their instants. */
  @Test
  void sweepsRowsOfEarlierExecutionsAreKeptWithTheirTimes() throws IOException {
    Instant started = Instant.parse("2026-01-02T03:04:05.678Z");
    MessageType sparkWritten =
        Types.buildMessage()
            .optional(PrimitiveTypeName.BINARY)
            .as(org.apache.parquet.schema.LogicalTypeAnnotation.stringType())
            .named("spec")
            .optional(PrimitiveTypeName.INT96)
            .named("started")
            .optional(PrimitiveTypeName.INT96)
            .named("finished")
            .optional(PrimitiveTypeName.INT64)
            .named("runs_planned")
            .named("spark_schema");
    Path earlier = path("sweeps/sweep=s");
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(HadoopOutputFile.fromPath(new Path(earlier, "part-0"), conf))
            .withType(sparkWritten)
            .withConf(conf)
            .build()) {
      Group g = new org.apache.parquet.example.data.simple.SimpleGroup(sparkWritten);
      g.add("spec", "{\"old\":1}");
      g.add("started", int96(started));
      g.add("finished", int96(started.plusSeconds(60)));
      g.add("runs_planned", 3L);
      w.write(g);
    }
    Files.writeString(tmp.resolve("sweeps/sweep=s/_SUCCESS"), "");

    Compaction.writeSweeps(
        conf,
        List.of(new Path(earlier, "part-0")),
        path("pending/part-0"),
        new Compaction.SweepsRow(
            "{\"new\":1}",
            "v",
            "app",
            "local[2]",
            1_000,
            2_000,
            new SweepCounts(4, 3, 1, 4, 0, 0, 0),
            7,
            8));

    List<Group> rows = rows(path("pending/part-0"));
    assertEquals(2, rows.size());
    Group old = rows.get(0);
    assertEquals("{\"old\":1}", old.getString("spec", 0));
    assertEquals(started.toEpochMilli() * 1000, old.getLong("started", 0));
    assertEquals(started.plusSeconds(60).toEpochMilli() * 1000, old.getLong("finished", 0));
    assertEquals(3L, old.getLong("runs_planned", 0));
    assertEquals(0, old.getFieldRepetitionCount("runs_timeout"), "predates the column: null");
    Group latest = rows.get(1);
    assertEquals("{\"new\":1}", latest.getString("spec", 0));
    assertEquals(1_000_000L, latest.getLong("started", 0));
    assertEquals(2_000_000L, latest.getLong("finished", 0));
    assertEquals(0L, latest.getLong("runs_timeout", 0));
    assertEquals(7L, latest.getLong("runs_snapshot", 0));
    assertEquals(8L, latest.getLong("curves_snapshot", 0));
    assertFalse(Files.exists(tmp.resolve("pending/_SUCCESS")));
  }

  @Test
  void noEarlierFilesMeansOneRow() throws IOException {
    Compaction.writeSweeps(
        conf,
        List.of(),
        path("p/part-0"),
        new Compaction.SweepsRow(
            "{}", "v", "app", "local", 1, 2, new SweepCounts(1, 0, 1, 1, 0, 0, 0), 1, 2));
    assertEquals(1, rows(path("p/part-0")).size());
  }

  static RunRecord record(RunConfig run, RunResult result) {
    return new RunRecord(run, result, StagingTest.provenance(0), StagingTest.FINISHED);
  }

  /** Spark's INT96 timestamp: nanoseconds of the day, then the Julian day, little-endian. */
  static Binary int96(Instant t) {
    long day = Math.floorDiv(t.getEpochSecond(), 86_400L);
    long nanosOfDay = (t.getEpochSecond() - day * 86_400L) * 1_000_000_000L + t.getNano();
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(nanosOfDay).putInt((int) (day + 2_440_588L));
    return Binary.fromConstantByteArray(b.array());
  }
}
