package dev.sweeplab.spec;

import static dev.sweeplab.spec.Specs.assertMessage;
import static dev.sweeplab.spec.Specs.fails;
import static dev.sweeplab.spec.Specs.parse;
import static dev.sweeplab.spec.Specs.parseFails;
import static dev.sweeplab.spec.Specs.values;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecParserTest {
  private static final String[] FULL = {
    "name: double-descent_v1.2",
    "description: width sweep on a noisy teacher",
    "seed: 1234",
    "repeats: 3",
    "dataset:",
    "  name: teacher_student",
    "  task: regression",
    "  input_dim: 16",
    "  classes: 1",
    "  teacher_width: 32",
    "  train_size: [100, 200]",
    "  test_size: 500",
    "model:",
    "  width: {log2: [16, 1024], points: 7}",
    "  depth: 3",
    "  activation: [relu, tanh]",
    "  init_scale: 0.5",
    "training:",
    "  optimizer: sgd",
    "  learning_rate: 1e-2",
    "  batch_size: 64",
    "  steps: 2000",
    "  eval_points: 10",
    "limits:",
    "  max_runs: 100",
  };

  @Test
  void parsesEverySectionOfAFullSpec() {
    SweepSpec spec = parse(FULL);

    assertEquals("double-descent_v1.2", spec.name());
    assertEquals("width sweep on a noisy teacher", spec.description());
    assertEquals(1234L, spec.seed());
    assertEquals(3, spec.repeats());
    assertEquals(100, spec.maxRuns());

    assertEquals(List.of("teacher_student"), values(spec, SpecKeys.DATASET));
    assertEquals(List.of("regression"), values(spec, SpecKeys.TASK));
    assertEquals(List.of(16), values(spec, SpecKeys.INPUT_DIM));
    assertEquals(List.of(1), values(spec, SpecKeys.CLASSES));
    assertEquals(List.of(32), values(spec, SpecKeys.TEACHER_WIDTH));
    assertEquals(List.of(100, 200), values(spec, SpecKeys.TRAIN_SIZE));
    assertEquals(List.of(500), values(spec, SpecKeys.TEST_SIZE));
    assertEquals(List.of(16, 32, 64, 128, 256, 512, 1024), values(spec, SpecKeys.WIDTH));
    assertEquals(List.of(3), values(spec, SpecKeys.DEPTH));
    assertEquals(List.of("relu", "tanh"), values(spec, SpecKeys.ACTIVATION));
    assertEquals(List.of(0.5), values(spec, SpecKeys.INIT_SCALE));
    assertEquals(List.of("sgd"), values(spec, SpecKeys.OPTIMIZER));
    assertEquals(List.of(0.01), values(spec, SpecKeys.LEARNING_RATE));
    assertEquals(List.of(64), values(spec, SpecKeys.BATCH_SIZE));
    assertEquals(List.of(2000), values(spec, SpecKeys.STEPS));
    assertEquals(List.of(10), values(spec, SpecKeys.EVAL_POINTS));
    // steps was given, epochs was not: epochs keeps its default and no conflict is reported
    assertEquals(List.of(10), values(spec, SpecKeys.EPOCHS));

    assertEquals(List.of(SpecKeys.TRAIN_SIZE, SpecKeys.WIDTH, SpecKeys.ACTIVATION), spec.axes());
    assertEquals(2L * 7 * 2 * 3, spec.runCount());
  }

  @Test
  void valuesAreTypedAsTheRegistrySays() {
    SweepSpec spec = parse(FULL);
    for (Key key : SpecKeys.RUN) {
      for (Object v : values(spec, key)) {
        Class<?> expected =
            switch (key.type()) {
              case INT -> Integer.class;
              case LONG -> Long.class;
              case DOUBLE -> Double.class;
              case STRING -> String.class;
            };
        assertEquals(expected, v.getClass(), key.path() + " holds " + v);
      }
    }
  }

  @Test
  void missingKeysTakeTheirDefaults() {
    SweepSpec spec = parse("name: minimal");

    assertEquals("minimal", spec.name());
    assertEquals("", spec.description());
    assertEquals(0L, spec.seed());
    assertEquals(1, spec.repeats());
    assertEquals(10_000, spec.maxRuns());
    for (Key key : SpecKeys.RUN) {
      assertEquals(List.of(key.defaultValue()), values(spec, key), key.path());
    }
    assertEquals(List.of(64), values(spec, SpecKeys.WIDTH));
    assertEquals(List.of(2), values(spec, SpecKeys.DEPTH));
    assertEquals(List.of("relu"), values(spec, SpecKeys.ACTIVATION));
    assertEquals(List.of(1e-3), values(spec, SpecKeys.LEARNING_RATE));
    assertEquals(List.of("classification"), values(spec, SpecKeys.TASK));
    assertEquals(List.of(10), values(spec, SpecKeys.CLASSES));
    assertEquals(List.of(), spec.axes());
    assertEquals(1L, spec.runCount());
  }

  @Test
  void sectionsMayBePartialAndInAnyOrder() {
    SweepSpec spec = parse("training:", "  epochs: 3", "model:", "  depth: 4", "name: partial");
    assertEquals(List.of(3), values(spec, SpecKeys.EPOCHS));
    assertEquals(List.of(4), values(spec, SpecKeys.DEPTH));
    assertEquals(List.of(64), values(spec, SpecKeys.WIDTH));
    assertEquals(List.of(1000), values(spec, SpecKeys.TRAIN_SIZE));
  }

  @Test
  void valuesMapFollowsRegistryOrderNotFileOrder() {
    SweepSpec spec = parse("name: x", "training:", "  epochs: 3", "dataset:", "  input_dim: 8");
    assertEquals(SpecKeys.RUN, List.copyOf(spec.values().keySet()));
  }

  @Test
  void integralFloatIsAcceptedForIntegerKey() {
    assertEquals(List.of(8), values(parse("name: x", "model:", "  width: 8.0"), SpecKeys.WIDTH));
  }

  @Test
  void integerIsAcceptedForNumberKey() {
    assertEquals(
        List.of(2.0), values(parse("name: x", "model:", "  init_scale: 2"), SpecKeys.INIT_SCALE));
  }

  @Test
  void scientificNotationWithoutDotIsANumber() {
    // YAML 1.1 resolvers differ on "1e-3"; sweep files use it all the time for learning rates.
    SweepSpec spec = parse("name: x", "training:", "  learning_rate: [1e-3, 3e-4, 1.0e-2]");
    assertEquals(List.of(1e-3, 3e-4, 1e-2), values(spec, SpecKeys.LEARNING_RATE));
  }

  @Test
  void twoIndependentParsesAreEqual() {
    SweepSpec a = parse(FULL);
    SweepSpec b = parse(FULL);
    assertEquals(a, b);
    assertEquals(a.canonicalJson(), b.canonicalJson());
  }

  @Test
  void specCanonicalJsonHasSortedKeysAndAxesAsLists() {
    String json = parse("name: cj", "seed: 5", "model:", "  width: [8, 16]").canonicalJson();
    assertEquals(
        "{\"analysis.bootstrap\":200,"
            + "\"analysis.coord_check\":\"no\",\"analysis.double_descent\":\"\","
            + "\"analysis.lr_transfer\":\"no\","
            + "\"analysis.scaling\":\"\",\"analysis.scaling_data\":\"\","
            + "\"analysis.scaling_metric\":\"final_test_loss\",\"analysis.trained_by\":\"task\","
            + "\"analysis.width_exponents\":\"no\","
            + "\"dataset.classes\":10,\"dataset.data_seed\":\"shared\",\"dataset.input_dim\":32,"
            + "\"dataset.input_spectrum\":0.0,"
            + "\"dataset.label_noise\":0.0,\"dataset.loss\":\"cross_entropy\","
            + "\"dataset.name\":\"teacher_student\",\"dataset.normalize\":\"standardize\","
            + "\"dataset.path\":\"\",\"dataset.subset\":\"prefix\","
            + "\"dataset.task\":\"classification\",\"dataset.teacher_width\":64,"
            + "\"dataset.test_size\":1000,\"dataset.train_size\":1000,\"dataset.val_size\":\"auto\",\"description\":\"\","
            + "\"limits.distributed_above\":\"none\",\"limits.distributed_workers\":0,"
            + "\"limits.max_runs\":10000,\"limits.run_timeout\":\"none\",\"model.activation\":\"relu\",\"model.base_width\":64,"
            + "\"model.depth\":2,\"model.init_scale\":1.0,\"model.output_multiplier\":1.0,\"model.output_scale\":1.0,"
            + "\"model.parameterization\":\"standard\",\"model.readout_init\":\"default\","
            + "\"model.train\":\"all\","
            + "\"model.width\":[8,16],\"name\":\"cj\",\"repeats\":1,"
            + "\"seed\":5,\"training.batch_size\":128,\"training.epochs\":10,"
            + "\"training.eval_points\":20,\"training.learning_rate\":0.001,"
            + "\"training.momentum\":0.0,\"training.optimizer\":\"adam\","
            + "\"training.schedule\":\"constant\",\"training.steps\":0,"
            + "\"training.warmup_steps\":0,\"training.weight_decay\":0.0}",
        json);
  }

  @Test
  void valuesOfAParsedSpecCannotBeModified() {
    SweepSpec spec = parse("name: x", "model:", "  width: [8, 16]");
    assertThrows(UnsupportedOperationException.class, () -> spec.values().remove(SpecKeys.WIDTH));
    assertThrows(UnsupportedOperationException.class, () -> values(spec, SpecKeys.WIDTH).add(32));
  }

  @Test
  void parsesAFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("sweep.yaml");
    Files.writeString(file, String.join("\n", FULL) + "\n", StandardCharsets.UTF_8);
    assertEquals(parse(FULL), SpecParser.parse(file));
  }

  @Test
  void missingFileIsAUserErrorNamingThePath(@TempDir Path dir) {
    Path file = dir.resolve("nope.yaml");
    UserError e = fails(() -> SpecParser.parse(file));
    assertEquals("sweep spec '" + file + "' does not exist", e.getMessage());
  }

  @Test
  void errorsFromAFileNameTheFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "name: [unclosed\n", StandardCharsets.UTF_8);
    UserError e = fails(() -> SpecParser.parse(file));
    assertMessage(e, file.toString(), "is not valid YAML at line");
  }

  @Test
  void registryDefaultsObeyTheirOwnRules() {
    for (Key key : SpecKeys.BY_PATH.values()) {
      assertFalse(key.description().isBlank(), key.path() + " has no description");
      if (key.defaultValue() != null) {
        assertDoesNotThrow(() -> key.check(key.defaultValue()), key.path());
      }
    }
    assertNull(SpecKeys.NAME.defaultValue());
  }

  @Test
  void registryCoversEveryKeyOnceWithUniqueColumns() {
    assertEquals(
        SpecKeys.TOP.size()
            + SpecKeys.RUN.size()
            + SpecKeys.SEARCH.size()
            + SpecKeys.LIMITS.size()
            + SpecKeys.ANALYSIS.size(),
        SpecKeys.BY_PATH.size());
    long columns = SpecKeys.BY_PATH.values().stream().map(Key::column).distinct().count();
    assertEquals(SpecKeys.BY_PATH.size(), columns);
    for (Key key : SpecKeys.BY_PATH.values()) {
      assertNotNull(key.rule(), key.path());
      if (!key.section().isEmpty()) {
        assertTrue(SpecKeys.SECTIONS.contains(key.section()), key.path());
      }
    }
  }

  @Test
  void everyRunKeyCanBeSetFromYaml() {
    // Each key gets a legal non-default value; the parser must accept and return it.
    SweepSpec spec =
        parse(
            "name: all",
            "dataset: {name: teacher_student, task: regression, input_dim: 3, classes: 4,"
                + " teacher_width: 5, train_size: 6, test_size: 7}",
            "model: {width: 8, depth: 9, activation: tanh, init_scale: 0.25}",
            "training: {optimizer: sgd, learning_rate: 0.5, batch_size: 11, epochs: 12,"
                + " eval_points: 13}");
    assertEquals(List.of(3), values(spec, SpecKeys.INPUT_DIM));
    assertEquals(List.of(4), values(spec, SpecKeys.CLASSES));
    assertEquals(List.of(5), values(spec, SpecKeys.TEACHER_WIDTH));
    assertEquals(List.of(6), values(spec, SpecKeys.TRAIN_SIZE));
    assertEquals(List.of(7), values(spec, SpecKeys.TEST_SIZE));
    assertEquals(List.of(8), values(spec, SpecKeys.WIDTH));
    assertEquals(List.of(9), values(spec, SpecKeys.DEPTH));
    assertEquals(List.of("tanh"), values(spec, SpecKeys.ACTIVATION));
    assertEquals(List.of(0.25), values(spec, SpecKeys.INIT_SCALE));
    assertEquals(List.of("sgd"), values(spec, SpecKeys.OPTIMIZER));
    assertEquals(List.of(0.5), values(spec, SpecKeys.LEARNING_RATE));
    assertEquals(List.of(11), values(spec, SpecKeys.BATCH_SIZE));
    assertEquals(List.of(12), values(spec, SpecKeys.EPOCHS));
    assertEquals(List.of(13), values(spec, SpecKeys.EVAL_POINTS));
  }

  @Test
  void emptyDocumentIsRejected() {
    UserError e = parseFails("");
    assertEquals(
        "spec.yaml must be a YAML mapping with at least 'name', found an empty document",
        e.getMessage());
    assertEquals(e.getMessage(), parseFails("# only a comment").getMessage());
  }

  @Test
  void documentThatIsNotAMappingIsRejected() {
    assertEquals(
        "spec.yaml must be a YAML mapping with at least 'name', found [a, b]",
        parseFails("- a", "- b").getMessage());
    assertEquals(
        "spec.yaml must be a YAML mapping with at least 'name', found 'just text'",
        parseFails("just text").getMessage());
  }

  @Test
  void invalidYamlSyntaxNamesTheSourceLineAndProblem() {
    UserError e = parseFails("name: x", "model: {width: [1, 2}");
    assertEquals(
        "spec.yaml is not valid YAML at line 2, column 21: expected ',' or ']', but got }",
        e.getMessage());
  }

  @Test
  void badIndentationIsReportedWithItsLine() {
    UserError e = parseFails("name: x", "model:", "  width: 4", "   depth: 3");
    assertMessage(e, "spec.yaml is not valid YAML at line 4", "mapping values are not allowed");
  }

  @Test
  void duplicateTopLevelKeyIsRejected() {
    UserError e = parseFails("name: x", "seed: 1", "seed: 2");
    assertEquals(
        "spec.yaml is not valid YAML at line 3, column 1: found duplicate key seed",
        e.getMessage());
  }

  @Test
  void duplicateKeyInsideASectionIsRejected() {
    UserError e = parseFails("name: x", "model:", "  width: 8", "  depth: 2", "  width: 16");
    assertMessage(e, "spec.yaml is not valid YAML at line 5", "found duplicate key width");
  }

  @Test
  void duplicateSectionIsRejected() {
    UserError e = parseFails("name: x", "model:", "  width: 8", "model:", "  depth: 2");
    assertMessage(e, "spec.yaml is not valid YAML at line 4", "found duplicate key model");
  }
}
