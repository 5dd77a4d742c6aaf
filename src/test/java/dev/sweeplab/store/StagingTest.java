package dev.sweeplab.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.testing.OlderStagedFile;
import dev.sweeplab.train.CurvePoint;
import dev.sweeplab.train.Numerics;
import dev.sweeplab.train.RunResult;
import dev.sweeplab.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingTest {
  static final long FINISHED = 1_767_225_600_000L;

  static List<RunConfig> runs;
  static RunResult result;

  @TempDir java.nio.file.Path tmp;

  final Configuration conf = new Configuration();

  @BeforeAll
  static void trainOnce() {
    Map<Key, List<?>> values = new LinkedHashMap<>();
    values.put(SpecKeys.INPUT_DIM, List.of(4));
    values.put(SpecKeys.CLASSES, List.of(3));
    values.put(SpecKeys.TEACHER_WIDTH, List.of(8));
    values.put(SpecKeys.TRAIN_SIZE, List.of(64));
    values.put(SpecKeys.TEST_SIZE, List.of(32));
    values.put(SpecKeys.WIDTH, List.of(4, 8));
    values.put(SpecKeys.DEPTH, List.of(1));
    values.put(SpecKeys.BATCH_SIZE, List.of(16));
    values.put(SpecKeys.STEPS, List.of(6));
    values.put(SpecKeys.EVAL_POINTS, List.of(4));
    runs = SweepSpec.of("staging-test", 3, 1, 10, values).expand();
    assertEquals(2, runs.size());
    result = Trainer.run(runs.get(0));
    assertEquals(RunResult.OK, result.status(), result.reason());
    assertTrue(result.curve().size() >= 2, "a curve of several points: " + result.curve());
  }

  static Provenance provenance(int attempt) {
    return new Provenance(
        "9.9.9-test",
        "Test JVM 17",
        "TestOS 1.0",
        "amd64",
        "CpuBackend/OPENBLAS",
        "libnd4jcpu.so from nd4j-native-test.jar",
        "Test CPU",
        "cpu",
        "app-123",
        "driver",
        "host-a",
        attempt,
        Provenance.TASK);
  }

  Path dir() {
    return new Path(tmp.resolve("staging").toUri());
  }

  /** Every row of a staged file. */
  List<Group> read(Path file) throws IOException {
    List<Group> rows = new ArrayList<>();
    Staging.read(conf, file, rows::add);
    return rows;
  }

  /** Names of the plain files in the local staging directory. */
  List<String> fileNames() throws IOException {
    try (Stream<java.nio.file.Path> files = Files.list(tmp.resolve("staging"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesOneRowWithConfigResultProvenanceAndCurve() throws IOException {
    RunConfig run = runs.get(0);
    Path file = Staging.write(conf, dir(), new RunRecord(run, result, provenance(0), FINISHED));
    assertEquals(run.runId() + ".n3.avro", file.getName());
    assertTrue(Files.isRegularFile(tmp.resolve("staging").resolve(file.getName())));

    List<Group> rows = read(file);
    assertEquals(RunSchema.MESSAGE, rows.get(0).getType(), "the row is written with RunSchema");
    assertEquals(1, rows.size(), "one run, one row");
    Group g = rows.get(0);
    assertEquals("staging-test", g.getString("sweep", 0));
    assertEquals(run.runId(), g.getString("run_id", 0));
    assertEquals(run.sweepSeed(), g.getLong("sweep_seed", 0));
    assertEquals(run.repeat(), g.getInteger("repeat", 0));
    assertEquals("teacher_student", g.getString("dataset", 0));
    assertEquals("classification", g.getString("task", 0));
    assertEquals(4, g.getInteger("input_dim", 0));
    assertEquals(3, g.getInteger("classes", 0));
    assertEquals(64, g.getInteger("train_size", 0));
    assertEquals(run.width(), g.getInteger("width", 0));
    assertEquals(1, g.getInteger("depth", 0));
    assertEquals(run.learningRate(), g.getDouble("learning_rate", 0));
    assertEquals(run.initScale(), g.getDouble("init_scale", 0));
    assertEquals(6, g.getInteger("steps", 0));
    assertEquals(run.seed(), g.getLong("seed", 0));
    assertEquals(run.dataSeed(), g.getLong("data_seed", 0));
    assertEquals(run.canonicalJson(), g.getString("config_json", 0));
    assertEquals(run, RunConfig.fromJson(run.sweep(), g.getString("config_json", 0)));

    assertEquals(RunResult.OK, g.getString("status", 0));
    assertEquals("", g.getString("reason", 0));
    assertEquals(result.params(), g.getLong("params", 0));
    assertEquals(result.testLoss(), g.getDouble("final_test_loss", 0));
    assertEquals(result.trainError(), g.getDouble("final_train_error", 0));
    assertEquals(result.steps(), g.getLong("steps_done", 0));
    assertEquals(result.interpolationStep(), g.getLong("interpolation_step", 0));
    assertEquals(result.layerWeightChange(), doubles(g, "weight_change_layers"));
    assertEquals(result.layerSpectralChange(), doubles(g, "weight_change_spectral"));
    assertEquals(result.featureChange(), doubles(g, "feature_change"));
    assertEquals(2, result.layerSpectralChange().size(), "hidden and output weight matrices");
    assertEquals(1, result.featureChange().size(), "one hidden layer");

    assertEquals("cpu", g.getString("device", 0));
    assertEquals("task", g.getString("trained_by", 0));
    assertEquals("9.9.9-test", g.getString("sweeplab_version", 0));
    assertEquals("CpuBackend/OPENBLAS", g.getString("nd4j_backend", 0));
    assertEquals("libnd4jcpu.so from nd4j-native-test.jar", g.getString("native_libraries", 0));
    assertEquals("Test CPU", g.getString("cpu_model", 0));
    assertEquals("app-123", g.getString("spark_app_id", 0));
    assertEquals("host-a", g.getString("host", 0));
    assertEquals(0, g.getInteger("attempt", 0));
    assertEquals(FINISHED, g.getLong("finished_at", 0));

    Group curve = g.getGroup(RunSchema.CURVE, 0);
    int points = curve.getFieldRepetitionCount("list");
    assertEquals(result.curve().size(), points, "one list element per curve point");
    for (int i = 0; i < points; i++) {
      Group e = curve.getGroup("list", i).getGroup("element", 0);
      CurvePoint want = result.curve().get(i);
      assertEquals(want.step(), e.getLong("step", 0), "step of point " + i);
      assertEquals(want.testLoss(), e.getDouble("test_loss", 0), "test loss of point " + i);
      assertEquals(
          want.activations().size(),
          e.getGroup("activations", 0).getFieldRepetitionCount("list"),
          "activations of point " + i);
      assertEquals(want.activations(), doubles(e, "activations"), "activations of point " + i);
      assertEquals(
          want.activationChanges(),
          doubles(e, "activation_changes"),
          "activation changes of point " + i);
    }
  }

  /** The doubles of a staged list column. */
  static List<Double> doubles(Group g, String field) {
    Group list = g.getGroup(field, 0);
    List<Double> values = new java.util.ArrayList<>();
    for (int i = 0; i < list.getFieldRepetitionCount("list"); i++) {
      values.add(list.getGroup("list", i).getDouble("element", 0));
    }
    return values;
  }

  @Test
  void writingTheSameRunTwiceLeavesOneFileAndNoTemporaries() throws IOException {
    RunConfig run = runs.get(0);
    Staging.write(conf, dir(), new RunRecord(run, result, provenance(0), FINISHED));
    Path second = Staging.write(conf, dir(), new RunRecord(run, result, provenance(1), FINISHED));

    List<String> names = fileNames();
    List<String> visible = names.stream().filter(n -> !n.startsWith(".")).toList();
    assertEquals(List.of(run.runId() + ".n3.avro"), visible, "all files: " + names);
    assertTrue(
        names.stream().noneMatch(n -> n.contains(".tmp")), "no temporary file is left: " + names);
    assertEquals(Set.of(run.runId()), Staging.runIds(conf, dir()));

    List<Group> rows = read(second);
    assertEquals(1, rows.size());
    assertEquals(
        0,
        rows.get(0).getInteger("attempt", 0),
        "the first attempt's file stays: a staged run is never replaced or briefly absent");
  }

  @Test
  void aTimedOutRunIsStagedApartAndGivesWayWhenItFinishes() throws IOException {
    RunConfig run = runs.get(0);
    RunResult stopped = stoppedAtStep3();
    Staging.write(conf, dir(), new RunRecord(run, stopped, provenance(0), FINISHED), 60_000, 0);
    Staging.write(
        conf, dir(), new RunRecord(run, stopped, provenance(1), FINISHED), 90_000, 60_000);
    assertEquals(List.of(run.runId() + ".n3.timeout-90000.avro"), visibleFiles());
    assertEquals(Set.of(), Staging.runIds(conf, dir()), "a timed-out run is not finished");
    assertEquals(Map.of(run.runId(), 90_000L), Staging.timedOut(conf, dir()));

    Staging.write(conf, dir(), new RunRecord(run, result, provenance(2), FINISHED), 0, 90_000);
    assertEquals(List.of(run.runId() + ".n3.avro"), visibleFiles());
    assertEquals(Set.of(run.runId()), Staging.runIds(conf, dir()));
    assertEquals(Map.of(), Staging.timedOut(conf, dir()));
  }

  @Test
  void filesPicksEachPlannedRunsFinishedFileElseItsLongestTimeout() throws IOException {
    RunConfig a = runs.get(0);
    RunConfig b = runs.get(1);
    RunResult stopped = stoppedAtStep3();
    // Two timed-out files of b, as a crash between a write and the removal of the earlier leaves.
    Staging.write(conf, dir(), new RunRecord(b, stopped, provenance(0), FINISHED), 60_000, 0);
    Staging.write(conf, dir(), new RunRecord(b, stopped, provenance(1), FINISHED), 90_000, 0);
    Staging.write(conf, dir(), new RunRecord(a, stopped, provenance(0), FINISHED), 60_000, 0);
    Staging.write(conf, dir(), new RunRecord(a, result, provenance(1), FINISHED), 0, 0);
    Files.writeString(tmp.resolve("staging").resolve("notes.txt"), "not a run");

    Map<String, Path> files =
        Staging.find(conf, dir(), Map.of(a.runId(), 3, b.runId(), 3, "0123", 3)).files();
    assertEquals(
        Map.of(
            a.runId(), a.runId() + ".n3.avro",
            b.runId(), b.runId() + ".n3.timeout-90000.avro"),
        files.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getName())));
    assertEquals(
        Set.of(b.runId()),
        Staging.find(conf, dir(), List.of(b)).files().keySet(),
        "runs not planned are left out");
  }

  /** {@code run} with {@code changes} to its columns. */
  static RunConfig with(RunConfig run, Map<Key, Object> changes) {
    Map<String, Object> columns = new LinkedHashMap<>(run.columns());
    changes.forEach((key, value) -> columns.put(key.column(), value));
    return RunConfig.of(run.sweep(), columns);
  }

  @Test
  void everyConfigurationIsComputedByNumerics3() {
    RunConfig standard = runs.get(0);
    assertEquals("standard", standard.parameterization());
    assertEquals(1, standard.depth());
    assertEquals(3, Numerics.version(standard));
    assertEquals(3, Numerics.version(with(standard, Map.of(SpecKeys.PARAMETERIZATION, "mup"))));
    assertEquals(
        3,
        Numerics.version(
            with(standard, Map.of(SpecKeys.PARAMETERIZATION, "ntk", SpecKeys.OPTIMIZER, "sgd"))));
    assertEquals(
        3, Numerics.version(with(standard, Map.of(SpecKeys.PARAMETERIZATION, "mean_field"))));
  }

  @Test
  void aRunsNameAndRowCarryItsNumericsAndFindSetsOtherNumericsApart() throws IOException {
    RunConfig standard = runs.get(0);
    RunConfig mup = with(runs.get(1), Map.of(SpecKeys.PARAMETERIZATION, "mup"));

    Path a = Staging.write(conf, dir(), new RunRecord(standard, result, provenance(0), FINISHED));
    Path m = Staging.write(conf, dir(), new RunRecord(mup, result, provenance(0), FINISHED));
    assertEquals(standard.runId() + ".n3.avro", a.getName());
    assertEquals(mup.runId() + ".n3.avro", m.getName());
    assertEquals(3, read(a).get(0).getInteger("numerics", 0));
    assertEquals(3, read(m).get(0).getInteger("numerics", 0));
    // What a sweeplab computing by numerics 1 staged for the same runs: the standard run finished,
    // the mup run finished and timed out.
    java.nio.file.Path local = tmp.resolve("staging");
    String olderStandard = standard.runId() + ".parquet";
    String olderMup = mup.runId() + ".parquet";
    String olderMupTimeout = mup.runId() + ".timeout-5000.parquet";
    stageOlder(a, olderStandard);
    stageOlder(m, olderMup);
    stageOlder(m, olderMupTimeout);
    List<String> older = Stream.of(olderStandard, olderMup, olderMupTimeout).sorted().toList();

    Staging.Found found = Staging.find(conf, dir(), List.of(standard, mup));
    assertEquals(Map.of(standard.runId(), a, mup.runId(), m), found.files());
    assertEquals(older, found.superseded().stream().map(x -> x.file().getName()).toList());
    assertTrue(
        found.superseded().stream()
            .allMatch(
                x ->
                    x.file().getName().startsWith(x.runId())
                        && x.numerics() == 1
                        && x.current() == 3),
        found.superseded().toString());
    assertEquals(m, Staging.staged(conf, dir(), mup, 5000));
    assertEquals(a, Staging.staged(conf, dir(), standard, 0));

    Superseded.setAside(conf, dir(), found.superseded());
    Files.delete(local.resolve(m.getName()));
    Staging.Found after = Staging.find(conf, dir(), List.of(standard, mup));
    assertEquals(Map.of(standard.runId(), a), after.files(), "mup has no file of numerics 3");
    assertEquals(List.of(), after.superseded(), "the numerics 1 files are set aside");
    for (String name : older) {
      assertTrue(Files.exists(local.resolve(Superseded.DIR).resolve(name)), name);
      assertFalse(Files.exists(local.resolve(name)), name);
    }
    assertEquals(null, Staging.staged(conf, dir(), mup, 5000));
  }

  /** A copy of staged {@code file} as a sweeplab without the numerics column wrote it. */
  private void stageOlder(Path file, String name) throws IOException {
    java.nio.file.Path copy = tmp.resolve("staging").resolve(".copy-" + file.getName());
    Files.copy(tmp.resolve("staging").resolve(file.getName()), copy);
    OlderStagedFile.rewrite(conf, new Path(copy.toUri()), name);
  }

  @Test
  void aStagedNameSaysItsRunNumericsLimitAndFormatAndOnlyTheWrittenFormsAreRuns() {
    String id = "0123456789abcdef";
    assertEquals(new StagedName(id, 1, 0), StagedName.of(id + ".avro"));
    assertEquals(new StagedName(id, 2, 0), StagedName.of(id + ".n2.avro"));
    assertEquals(new StagedName(id, 1, 90_000), StagedName.of(id + ".timeout-90000.avro"));
    assertEquals(new StagedName(id, 12, 5), StagedName.of(id + ".n12.timeout-5.avro"));
    StagedName.Format parquet = StagedName.Format.PARQUET;
    assertEquals(new StagedName(id, 1, 0, parquet), StagedName.of(id + ".parquet"));
    assertEquals(new StagedName(id, 2, 0, parquet), StagedName.of(id + ".n2.parquet"));
    assertEquals(new StagedName(id, 12, 5, parquet), StagedName.of(id + ".n12.timeout-5.parquet"));
    for (StagedName n :
        List.of(
            new StagedName(id, 1, 0),
            new StagedName(id, 3, 0),
            new StagedName(id, 2, 7),
            new StagedName(id, 3, 7, parquet))) {
      assertEquals(n, StagedName.of(n.file()), n.file());
    }
    for (String notARun :
        List.of(
            id + ".n1.avro",
            id + ".n0.parquet",
            id + ".n02.avro",
            id + ".timeout-0.avro",
            id + ".timeout-5.n2.parquet",
            id.toUpperCase(java.util.Locale.ROOT) + ".avro",
            id + ".avro.tmp",
            id + ".orc",
            id + ".n3.avro.parquet",
            "." + id + ".avro")) {
      assertEquals(null, StagedName.of(notARun), notARun);
    }
  }

  @Test
  void ofTwoFilesOfOneAttemptTheOneInTheCurrentFormatStandsForTheRun() throws IOException {
    RunConfig run = runs.get(0);
    RunResult stopped = stoppedAtStep3();
    Path avro = Staging.write(conf, dir(), new RunRecord(run, result, provenance(0), FINISHED));
    Path timedOut =
        Staging.write(conf, dir(), new RunRecord(run, stopped, provenance(0), FINISHED), 5000, 0);
    // The same run staged by an earlier version while this one staged it: finished and timed out.
    java.nio.file.Path local = tmp.resolve("staging");
    Files.copy(local.resolve(avro.getName()), local.resolve(".copy-a"));
    Files.copy(local.resolve(timedOut.getName()), local.resolve(".copy-b"));
    String parquet = run.runId() + ".n3.parquet";
    String parquetTimedOut = run.runId() + ".n3.timeout-9000.parquet";
    Path older = rewriteAsParquet(local.resolve(".copy-a"), parquet);
    rewriteAsParquet(local.resolve(".copy-b"), parquetTimedOut);
    assertEquals(
        List.of(run.runId() + ".n3.timeout-5000.avro", avro.getName(), parquet, parquetTimedOut)
            .stream()
            .sorted()
            .toList(),
        visibleFiles());

    assertEquals(Map.of(run.runId(), avro), Staging.find(conf, dir(), List.of(run)).files());
    assertEquals(Map.of(run.runId(), avro), Staging.files(conf, dir()));
    assertEquals(RunResult.OK, Staging.status(conf, older), "a Parquet file's status, read");
    assertEquals(RunResult.TIMEOUT, Staging.status(conf, timedOut), "an Avro file's status");
    assertEquals(
        read(avro).get(0).getString("config_json", 0),
        read(older).get(0).getString("config_json", 0));

    Files.delete(local.resolve(avro.getName()));
    assertEquals(
        Map.of(run.runId(), older),
        Staging.find(conf, dir(), List.of(run)).files(),
        "the finished Parquet file before the Avro file of a timeout");
    // Finishing under a longer limit removes the earlier timed-out file in either format.
    Staging.write(conf, dir(), new RunRecord(run, result, provenance(1), FINISHED), 0, 9000);
    assertEquals(
        List.of(run.runId() + ".n3.timeout-5000.avro", avro.getName(), parquet).stream()
            .sorted()
            .toList(),
        visibleFiles());
  }

  @Test
  void ofFilesOfOtherNumericsTheHigherStandsForTheRunWhateverTheFormat() throws IOException {
    String id = "0123456789abcdef";
    java.nio.file.Path local = Files.createDirectories(tmp.resolve("staging"));
    Files.writeString(local.resolve(id + ".avro"), "");
    Files.writeString(local.resolve(id + ".n2.parquet"), "");
    assertEquals(Map.of(id, new Path(dir(), id + ".n2.parquet")), Staging.files(conf, dir()));
    Files.writeString(local.resolve(id + ".n2.avro"), "");
    assertEquals(Map.of(id, new Path(dir(), id + ".n2.avro")), Staging.files(conf, dir()));
  }

  /** {@code file} (a staged Avro file) rewritten as the same row in a one-row Parquet file. */
  private Path rewriteAsParquet(java.nio.file.Path file, String name) throws IOException {
    Path source = new Path(file.toUri());
    List<Group> rows = read(source);
    Path target = new Path(dir(), name);
    OlderStagedFile.writeParquet(conf, target, RunSchema.MESSAGE, rows);
    Files.delete(file);
    return target;
  }

  /** {@code result} as if the time limit had stopped it at step 3. */
  private static RunResult stoppedAtStep3() {
    return new RunResult(
        RunResult.TIMEOUT,
        "stopped at step 3",
        result.params(),
        result.trainLoss(),
        result.trainError(),
        result.testLoss(),
        result.testError(),
        3,
        0.1,
        5,
        result.weightChange(),
        result.layerWeightChange(),
        result.layerSpectralChange(),
        result.featureChange(),
        -1,
        0,
        result.implementation(),
        result.curve(),
        result.evalTrainSize(),
        result.evalTestSize());
  }

  private List<String> visibleFiles() throws IOException {
    return fileNames().stream().filter(n -> !n.startsWith(".")).sorted().toList();
  }

  @Test
  void failedRunIsStagedWithItsReasonAndNoCurve() throws IOException {
    RunConfig run = runs.get(1);
    RunResult failed = RunResult.failed(new IllegalStateException("out of cheese"), 12);
    Path file = Staging.write(conf, dir(), new RunRecord(run, failed, provenance(0), FINISHED));
    Group g = read(file).get(0);
    assertEquals(run.runId(), g.getString("run_id", 0));
    assertEquals(RunResult.FAILED, g.getString("status", 0));
    assertEquals("IllegalStateException: out of cheese", g.getString("reason", 0));
    assertTrue(Double.isNaN(g.getDouble("final_test_loss", 0)));
    assertEquals(12, g.getLong("wall_ms", 0));
    assertEquals(0, g.getGroup(RunSchema.CURVE, 0).getFieldRepetitionCount("list"));
  }

  @Test
  void runIdsListsStagedRunsAndIgnoresEverythingElse() throws IOException {
    for (RunConfig run : runs) {
      Staging.write(conf, dir(), new RunRecord(run, result, provenance(0), FINISHED));
    }
    java.nio.file.Path local = tmp.resolve("staging");
    Files.writeString(local.resolve(".hidden.parquet"), "not a run");
    Files.writeString(local.resolve("._write_probe"), "");
    Files.writeString(local.resolve(".abc.1234.tmp"), "a crashed writer's temporary");
    Files.writeString(local.resolve("_SUCCESS"), "");
    Files.writeString(local.resolve("notes.txt"), "hello");
    Files.writeString(local.resolve("run.parquet.bak"), "old");
    Files.createDirectory(local.resolve("subdir.parquet"));

    Set<String> expected = runs.stream().map(RunConfig::runId).collect(Collectors.toSet());
    assertEquals(2, expected.size());
    assertEquals(expected, Staging.runIds(conf, dir()));
  }

  @Test
  void runIdsOfAMissingDirectoryIsEmpty() throws IOException {
    Path missing = new Path(tmp.resolve("never").resolve("created").toUri());
    assertEquals(Set.of(), Staging.runIds(conf, missing));
    assertFalse(Files.exists(tmp.resolve("never")), "listing creates nothing");
  }

  @Test
  void writeCreatesTheDirectory() throws IOException {
    Path nested = new Path(tmp.resolve("a").resolve("b").resolve("sweep=x").toUri());
    Path file = Staging.write(conf, nested, new RunRecord(runs.get(0), result, provenance(0), 1));
    assertTrue(Files.isRegularFile(tmp.resolve("a/b/sweep=x/" + file.getName())));
    assertEquals(Set.of(runs.get(0).runId()), Staging.runIds(conf, nested));
  }
}
