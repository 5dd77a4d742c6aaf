package dev.sweeplab.spec;

import static dev.sweeplab.spec.Specs.assertMessage;
import static dev.sweeplab.spec.Specs.fails;
import static dev.sweeplab.spec.Specs.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A run's identity (canonical JSON, run_id, seeds), its round trip and derived quantities. */
class RunConfigTest {
  /** The defaults with sweep seed 42: the fixed config whose identity is pinned below. */
  private static RunConfig pinned(String sweep) {
    return new RunConfig(
        sweep,
        42L,
        0,
        "teacher_student",
        "classification",
        32,
        10,
        64,
        1000,
        1000,
        "",
        0.0,
        "standardize",
        "prefix",
        64,
        2,
        "relu",
        1.0,
        "standard",
        64,
        1.0,
        "default",
        1.0,
        "adam",
        1e-3,
        128,
        10,
        0,
        20,
        "cross_entropy",
        "constant",
        0,
        0.0,
        0.0,
        RunConfig.autoValSize("teacher_student", 1000),
        true,
        "shared",
        0.0,
        "all");
  }

  private static final String PINNED_JSON =
      "{\"activation\":\"relu\",\"base_width\":64,\"batch_size\":128,\"classes\":10,\"data_path\":\"\","
          + "\"dataset\":\"teacher_student\",\"depth\":2,\"epochs\":10,\"eval_points\":20,"
          + "\"init_scale\":1.0,\"input_dim\":32,\"label_noise\":0.0,\"learning_rate\":0.001,"
          + "\"normalize\":\"standardize\",\"optimizer\":\"adam\",\"parameterization\":\"standard\","
          + "\"repeat\":0,\"steps\":0,\"subset\":\"prefix\",\"sweep_seed\":42,"
          + "\"task\":\"classification\",\"teacher_width\":64,\"test_size\":1000,"
          + "\"train_size\":1000,\"width\":64}";

  /** A sweep over doubles, integers, strings and repeats, for round trips. */
  private static final String[] MIXED = {
    "name: mixed",
    "seed: -7",
    "repeats: 2",
    "dataset:",
    "  task: regression",
    "  classes: 1",
    "  train_size: [10, 1000]",
    "model:",
    "  width: {log2: [4, 64], points: 3}",
    "  activation: [relu, tanh, linear]",
    "  init_scale: {range: [0.1, 0.3], step: 0.1}",
    "training:",
    "  optimizer: sgd",
    "  learning_rate: [1e-3, 3e-4, 0.1]",
    "  steps: 500",
  };

  @Test
  void canonicalJsonIsPinned() {
    assertEquals(PINNED_JSON, pinned("any").canonicalJson());
  }

  @Test
  void runIdIsPinned() {
    // Pinned: another id here gives every run a new identity, so resumed sweeps would re-run all.
    assertEquals("f1ad412bf5cbe6df", pinned("any").runId());
    assertEquals(CanonicalJson.sha256(PINNED_JSON, 16), pinned("any").runId());
  }

  @Test
  void derivedSeedsArePinned() {
    // Changing these changes every run's numbers.
    assertEquals(6068925122715206506L, pinned("any").seed());
    assertEquals(987596211229853499L, pinned("any").dataSeed());
  }

  @Test
  void evaluationOnlyKeysChangeTheRunIdButNotTheTrainingSeed() {
    List<RunConfig> runs = new java.util.ArrayList<>();
    for (String evaluation :
        List.of(
            "dataset: {test_size: 100}\ntraining: {eval_points: 2}",
            "dataset: {test_size: 5000}\ntraining: {eval_points: 2}",
            "dataset: {test_size: 100}\ntraining: {eval_points: 30}")) {
      runs.addAll(parse("name: e", "seed: 5", "model: {width: [8, 16]}", evaluation).expand());
    }
    assertEquals(6, runs.size());
    assertEquals(6, runs.stream().map(RunConfig::runId).distinct().count(), "ids differ");
    // Two widths: two trainings, whatever test_size and eval_points measure.
    assertEquals(2, runs.stream().map(RunConfig::trainingId).distinct().count());
    assertEquals(2, runs.stream().map(RunConfig::seed).distinct().count());
    assertNotEquals(
        runs.get(0).seed(),
        parse("name: e", "seed: 6", "model: {width: 8}").expand().get(0).seed());
  }

  @Test
  void parsedSpecGivesThePinnedRun() {
    List<RunConfig> runs = parse("name: pin", "seed: 42").expand();
    assertEquals(List.of(pinned("pin")), runs);
    assertEquals("f1ad412bf5cbe6df", runs.get(0).runId());
  }

  @Test
  void runIdIsEqualAcrossIndependentParses() {
    List<String> first = parse(MIXED).expand().stream().map(RunConfig::runId).toList();
    List<String> second = parse(MIXED).expand().stream().map(RunConfig::runId).toList();
    assertEquals(first, second);
  }

  @Test
  void runIdIsSixteenLowercaseHexDigits() {
    for (RunConfig r : parse(MIXED).expand()) {
      assertTrue(r.runId().matches("[0-9a-f]{16}"), r.runId());
    }
  }

  @Test
  void runIdDoesNotDependOnTheSweepName() {
    assertEquals(pinned("alpha").runId(), pinned("beta").runId());
    assertEquals(pinned("alpha").seed(), pinned("beta").seed());
    assertNotEquals(pinned("alpha"), pinned("beta"));

    List<String> a =
        parse("name: alpha", "seed: 3", "model: {width: [8, 16]}").expand().stream()
            .map(RunConfig::runId)
            .toList();
    List<String> b =
        parse("name: beta", "seed: 3", "model: {width: [8, 16]}").expand().stream()
            .map(RunConfig::runId)
            .toList();
    assertEquals(a, b);
  }

  @Test
  void runIdAndSeedsDependOnTheSweepSeed() {
    List<RunConfig> a = parse("name: s", "seed: 1", "model: {width: [8, 16]}").expand();
    List<RunConfig> b = parse("name: s", "seed: 2", "model: {width: [8, 16]}").expand();
    for (int i = 0; i < a.size(); i++) {
      assertNotEquals(a.get(i).runId(), b.get(i).runId());
      assertNotEquals(a.get(i).seed(), b.get(i).seed());
      assertNotEquals(a.get(i).dataSeed(), b.get(i).dataSeed());
    }
  }

  @Test
  void runIdChangesWithEveryField() {
    RunConfig base = pinned("s");
    Map<String, Object> columns = base.columns();
    assertEquals(37, columns.size(), "every field of the record is a column: " + columns.keySet());
    Set<String> ids = new HashSet<>();
    ids.add(base.runId());
    for (String column : columns.keySet()) {
      Map<String, Object> changed = new TreeMap<>(columns);
      Object v = columns.get(column);
      Object other;
      if (v instanceof Integer i) {
        other = i + 1;
      } else if (v instanceof Long l) {
        other = l + 1;
      } else if (v instanceof Double d) {
        other = d * 2 + 0.5;
      } else {
        other = v + "x";
      }
      changed.put(column, other);
      RunConfig variant = RunConfig.of("s", changed);
      assertNotEquals(base.runId(), variant.runId(), "changing " + column);
      ids.add(variant.runId());
    }
    assertEquals(columns.size() + 1, ids.size(), "all variants distinct");
  }

  @Test
  void columnsNameEveryRunKeyPlusSeedAndRepeat() {
    List<String> expected = new ArrayList<>();
    for (Key key : SpecKeys.RUN) {
      expected.add(key.column());
    }
    expected.add("sweep_seed");
    expected.add("repeat");
    assertEquals(expected.stream().sorted().toList(), List.copyOf(pinned("s").columns().keySet()));
  }

  @Test
  void roundTripThroughCanonicalJsonForEveryRun() {
    SweepSpec spec = parse(MIXED);
    List<RunConfig> runs = spec.expand();
    assertEquals(2L * 3 * 3 * 3 * 3 * 2, runs.size());
    for (RunConfig run : runs) {
      String json = run.canonicalJson();
      RunConfig back = RunConfig.fromJson(spec.name(), json);
      assertEquals(run, back, json);
      assertEquals(json, back.canonicalJson());
      assertEquals(run.runId(), back.runId());
      assertEquals(run.seed(), back.seed());
    }
  }

  @Test
  void roundTripKeepsExtremeSeedsAndDoubles() {
    for (long seed : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, -1L, 0L}) {
      RunConfig run =
          new RunConfig(
              "s",
              seed,
              7,
              "teacher_student",
              "regression",
              1,
              1,
              1,
              1,
              1,
              "",
              0.0,
              "none",
              "balanced",
              1,
              1,
              "linear",
              1e-300,
              "mup",
              1,
              1.0 / 3,
              "zero",
              1e6,
              "sgd",
              0.30000000000000004,
              1,
              1,
              1,
              2,
              "mse",
              "cosine",
              1,
              1e-4,
              0.9,
              RunConfig.autoValSize("teacher_student", 1),
              true,
              "shared",
              0.1 + 0.2,
              "readout");
      assertEquals(run, RunConfig.fromJson("s", run.canonicalJson()), run.canonicalJson());
    }
  }

  @Test
  void roundTripThroughJavaSerialization() throws IOException, ClassNotFoundException {
    // Runs travel to Spark executors.
    for (RunConfig run : parse(MIXED).expand()) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(run);
      }
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        assertEquals(run, in.readObject());
      }
    }
  }

  @Test
  void fromJsonWithAMissingFieldNamesIt() {
    String json = PINNED_JSON.replace("\"width\":64", "\"widht\":64");
    UserError e = fails(() -> RunConfig.fromJson("s", json));
    assertMessage(e, "run config 'width'", "must be a number", "found nothing (null)");
  }

  @Test
  void fromJsonWithAWrongTypeNamesIt() {
    String json = PINNED_JSON.replace("\"activation\":\"relu\"", "\"activation\":3");
    UserError e = fails(() -> RunConfig.fromJson("s", json));
    assertEquals("run config 'activation' must be text, found 3 (an integer)", e.getMessage());
  }

  @Test
  void fromJsonOfNotJsonIsAUserError() {
    UserError e = fails(() -> RunConfig.fromJson("s", "{not json"));
    assertMessage(e, "not a JSON object");
  }

  @Test
  void dataSeedDependsOnlyOnTheDataFields() {
    List<RunConfig> runs =
        parse(
                "name: d",
                "repeats: 2",
                "model: {width: [8, 16], depth: [1, 2]}",
                "training: {learning_rate: [0.1, 0.01]}")
            .expand();
    for (RunConfig r : runs) {
      assertEquals(runs.get(0).dataSeed(), r.dataSeed());
    }
    RunConfig other = parse("name: d", "dataset: {input_dim: 33}").expand().get(0);
    assertNotEquals(runs.get(0).dataSeed(), other.dataSeed());
  }

  @Test
  void seedsAreNonNegative() {
    for (RunConfig r : parse(MIXED).expand()) {
      assertTrue(r.seed() >= 0, r.toString());
      assertTrue(r.dataSeed() >= 0, r.toString());
    }
  }

  @Test
  void totalStepsFromEpochsRoundsPartialBatchesUp() {
    // ceil(1000 / 128) = 8 batches per epoch, 10 epochs
    assertEquals(80L, pinned("s").totalSteps());
  }

  @Test
  void totalStepsPrefersStepsWhenSet() {
    RunConfig run = parse("name: s", "training: {steps: 500}").expand().get(0);
    assertEquals(500L, run.totalSteps());
  }

  @Test
  void paramsCountsWeightsAndBiasesOfTheMlp() {
    // 32*64 + 64  +  (64*64 + 64)  +  64*10 + 10
    assertEquals(2112L + 4160L + 650L, pinned("s").params());
    RunConfig oneLayer = parse("name: s", "model: {width: 5, depth: 1}").expand().get(0);
    assertEquals(32L * 5 + 5 + 5L * 10 + 10, oneLayer.params());
  }

  @Test
  void costCountsTrainingEvaluationAndPerStepAndPerRunOverhead() {
    RunConfig r = pinned("s");
    double p = 6922;
    // 80 steps of batch 128, 20 curve points over the whole train, validation and test splits
    // (pinned: train 1000, auto validation 512, test 1000, eval_points 20), and the run's own
    // fixed cost.
    assertEquals(512, r.valSize());
    double expected =
        80 * (6 * p * 128 + RunConfig.STEP_OVERHEAD)
            + r.evalPoints() * 2 * p * (1000 + 512 + 1000)
            + RunConfig.SPECTRAL_NORMS * p
            + RunConfig.RUN_OVERHEAD;
    assertEquals(expected, r.cost(), 1e-6 * expected);
    // a batch larger than the training set sees only the training set per step
    RunConfig small =
        parse("name: s", "dataset: {train_size: 10}", "training: {batch_size: 128}")
            .expand()
            .get(0);
    double sp = small.params();
    assertEquals(
        small.totalSteps() * (6 * sp * 10 + RunConfig.STEP_OVERHEAD)
            + small.evalPoints() * 2 * sp * (10 + 512 + 1000)
            + RunConfig.SPECTRAL_NORMS * sp
            + RunConfig.RUN_OVERHEAD,
        small.cost(),
        1e-6 * small.cost());
  }

  @Test
  void anOutputScaleRunsEveryForwardPassTwice() {
    RunConfig plain = pinned("s");
    Map<String, Object> c = new TreeMap<>(plain.columns());
    c.put(SpecKeys.OUTPUT_SCALE.column(), 10.0);
    RunConfig scaled = RunConfig.of("s", c);
    double p = plain.params();
    double forwards = 80 * 2 * p * 128 + plain.evalPoints() * 2 * p * (2000 + 512);
    assertEquals(forwards, scaled.cost() - plain.cost(), 1e-6 * forwards);
  }

  @Test
  void aTinyNetIsDominatedByItsPerStepOverhead() {
    RunConfig tiny = parse("name: s", "model: {width: 4, depth: 2}").expand().get(0);
    double arithmetic = tiny.totalSteps() * 6.0 * tiny.params() * 128;
    assertTrue(tiny.cost() > 5 * arithmetic, "overhead dominates: " + tiny.cost());
  }

  @Test
  void theFixedCostsDoNotGrowWithDepth() {
    // DenseStep's fixed cost per step does not depend on depth (docs/benchmarks.md): two runs
    // that differ only in depth differ only in their arithmetic.
    RunConfig shallow = parse("name: s", "model: {width: 4, depth: 1}").expand().get(0);
    RunConfig deep = parse("name: s", "model: {width: 4, depth: 5}").expand().get(0);
    int batch = Math.min(deep.batchSize(), deep.trainSize());
    double perParam =
        deep.totalSteps() * 6.0 * batch
            + deep.evalPoints()
                * 2.0
                * ((double) deep.trainSize() + deep.valSize() + deep.testSize())
            + RunConfig.SPECTRAL_NORMS;
    double arithmetic = (deep.params() - shallow.params()) * perParam;
    assertEquals(arithmetic, deep.cost() - shallow.cost(), 1e-6 * arithmetic);
    double fixed = deep.totalSteps() * RunConfig.STEP_OVERHEAD + RunConfig.RUN_OVERHEAD;
    assertEquals(fixed, deep.cost() - deep.params() * perParam, 1e-6 * deep.cost());
  }

  /**
   * The key registry is the one source of a run's fields: every key of {@link SpecKeys#RUN} is a
   * record component of its type whose snake-case name is the key's column, nothing else is (but
   * the sweep name, seed and repeat index), {@link RunConfig#columns()} has exactly those columns,
   * and docs/tables.md lists them as the runs table's config columns, in registry order.
   */
  @Test
  void theRegistryTheRecordAndTheDocsAgree() throws Exception {
    Map<String, Class<?>> components = new TreeMap<>();
    for (java.lang.reflect.RecordComponent c : RunConfig.class.getRecordComponents()) {
      components.put(RunConfig.snakeCase(c.getName()), c.getType());
    }
    Map<String, Class<?>> expected = new TreeMap<>();
    expected.put("sweep", String.class);
    expected.put("sweep_seed", long.class);
    expected.put("repeat", int.class);
    for (Key key : SpecKeys.RUN) {
      expected.put(
          key.column(),
          switch (key.type()) {
            case INT -> int.class;
            case LONG -> long.class;
            case DOUBLE -> double.class;
            case STRING -> String.class;
          });
    }
    // dataset.val_size is given as 'auto' or a count; the record holds the count it resolved to
    // and whether it was auto (which decides whether the count is part of the identity).
    expected.put(SpecKeys.VAL_SIZE.column(), int.class);
    expected.put("val_size_auto", boolean.class);
    assertEquals(expected, components, "RunConfig's components against SpecKeys.RUN");
    expected.remove("val_size_auto");
    Map<String, Object> columns = pinned("any").columns();
    expected.remove("sweep");
    assertEquals(expected.keySet(), columns.keySet(), "columns()");

    String tables = java.nio.file.Files.readString(java.nio.file.Path.of("docs", "tables.md"));
    java.util.regex.Matcher row =
        java.util.regex.Pattern.compile("\\| one column per run key \\| ([^|]*) \\|")
            .matcher(tables);
    assertTrue(row.find(), "docs/tables.md lists the run key columns");
    List<String> documented =
        java.util.Arrays.stream(row.group(1).split("\\(\\[key reference")[0].split(","))
            .map(x -> x.strip().replace("`", ""))
            .toList();
    assertEquals(
        SpecKeys.RUN.stream().map(Key::column).toList(),
        documented,
        "docs/tables.md's run key columns, in registry order");
  }

  @Test
  void trainingSetupsAtTheirDefaultsKeepTheRunIds() {
    String[][] same = {
      {"dataset: {task: classification}", "dataset: {task: classification, loss: cross_entropy}"},
      {"dataset: {task: regression}", "dataset: {task: regression, loss: mse}"},
      {
        "training: {optimizer: sgd}",
        "training: {optimizer: sgd, schedule: constant, warmup_steps: 0, weight_decay: 0,"
            + " momentum: 0}"
      },
      {"training: {optimizer: sgd}", "training: {optimizer: sgd, weight_decay: -0.0}"},
    };
    for (String[] pair : same) {
      RunConfig a = parse("name: d", pair[0]).expand().get(0);
      RunConfig b = parse("name: d", pair[1]).expand().get(0);
      assertEquals(a.runId(), b.runId(), pair[1]);
      assertEquals(a.canonicalJson(), b.canonicalJson(), pair[1]);
      assertFalse(a.canonicalJson().contains("loss"), a.canonicalJson());
    }
    String[] different = {
      "dataset: {loss: mse}",
      "training: {schedule: cosine}",
      "training: {warmup_steps: 5}",
      "training: {weight_decay: 0.01}",
      "training: {optimizer: sgd, momentum: 0.9}",
    };
    Set<String> ids = new HashSet<>();
    ids.add(parse("name: d").expand().get(0).runId());
    for (String spec : different) {
      RunConfig run = parse("name: d", spec).expand().get(0);
      assertEquals(run, RunConfig.fromJson("d", run.canonicalJson()), spec);
      ids.add(run.runId());
    }
    assertEquals(different.length + 1, ids.size(), "each setting is a different run");
  }
}
