package dev.sweeplab.spec;

import static dev.sweeplab.spec.Specs.assertMessage;
import static dev.sweeplab.spec.Specs.fails;
import static dev.sweeplab.spec.Specs.given;
import static dev.sweeplab.spec.Specs.parse;
import static dev.sweeplab.spec.Specs.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link SweepSpec#of} builds a spec from code and checks it exactly as the YAML parser does. */
class SweepSpecOfTest {
  @Test
  void equalsTheSameSpecParsedFromYaml() {
    SweepSpec fromCode =
        SweepSpec.of(
            "code",
            7,
            2,
            500,
            given(
                SpecKeys.WIDTH, List.of(8, 16, 32),
                SpecKeys.ACTIVATION, List.of("tanh"),
                SpecKeys.LEARNING_RATE, List.of(0.1, 0.01)));
    SweepSpec fromYaml =
        parse(
            "name: code",
            "seed: 7",
            "repeats: 2",
            "limits: {max_runs: 500}",
            "model: {width: [8, 16, 32], activation: tanh}",
            "training: {learning_rate: [0.1, 0.01]}");
    assertEquals(fromYaml, fromCode);
    assertEquals(fromYaml.canonicalJson(), fromCode.canonicalJson());
    assertEquals(fromYaml.expand(), fromCode.expand());
    assertEquals(3 * 2 * 2, fromCode.expand().size());
  }

  @Test
  void missingKeysTakeDefaults() {
    SweepSpec spec = SweepSpec.of("code", 0, 1, 10, Map.of());
    assertEquals(parse("name: code", "limits: {max_runs: 10}"), spec);
    for (Key key : SpecKeys.RUN) {
      assertEquals(List.of(key.defaultValue()), values(spec, key), key.path());
    }
  }

  @Test
  void acceptsRangeAndLog2Mappings() {
    SweepSpec spec =
        SweepSpec.of(
            "code",
            0,
            1,
            1000,
            given(
                SpecKeys.WIDTH, List.of(Map.of("log2", List.of(16, 1024), "points", 7)),
                SpecKeys.INIT_SCALE, List.of(Map.of("range", List.of(0.1, 0.3), "step", 0.1))));
    assertEquals(List.of(16, 32, 64, 128, 256, 512, 1024), values(spec, SpecKeys.WIDTH));
    assertEquals(List.of(0.1, 0.2, 0.3), values(spec, SpecKeys.INIT_SCALE));
  }

  @Test
  void rejectsZeroWidth() {
    UserError e = fails(() -> SweepSpec.of("code", 0, 1, 10, given(SpecKeys.WIDTH, List.of(0))));
    assertEquals("model.width must be >= 1, found 0", e.getMessage());
  }

  @Test
  void rejectsWrongType() {
    UserError e =
        fails(() -> SweepSpec.of("code", 0, 1, 10, given(SpecKeys.WIDTH, List.of("abc"))));
    assertEquals("model.width must be an integer, found 'abc' (text)", e.getMessage());
  }

  @Test
  void rejectsEmptyAxis() {
    UserError e = fails(() -> SweepSpec.of("code", 0, 1, 10, given(SpecKeys.DEPTH, List.of())));
    assertMessage(e, "model.depth", "is an empty list", "give at least one value");
  }

  @Test
  void rejectsAListForANonAxisKey() {
    UserError e =
        fails(() -> SweepSpec.of("code", 0, 1, 10, given(SpecKeys.TEST_SIZE, List.of(1, 2))));
    assertEquals(
        "dataset.test_size takes one value, not a list or a range (it cannot be swept), found"
            + " [1, 2]",
        e.getMessage());
  }

  @Test
  void rejectsUnknownActivation() {
    UserError e =
        fails(() -> SweepSpec.of("code", 0, 1, 10, given(SpecKeys.ACTIVATION, List.of("gelu"))));
    assertEquals(
        "model.activation must be one of relu, tanh, linear, found 'gelu'", e.getMessage());
  }

  @Test
  void rejectsInvalidName() {
    UserError e = fails(() -> SweepSpec.of("../x", 0, 1, 10, Map.of()));
    assertMessage(e, "name must be 1-64 letters", "found '../x'");
    UserError nullName = fails(() -> SweepSpec.of(null, 0, 1, 10, Map.of()));
    assertMessage(nullName, "name is required", "found no value");
  }

  @Test
  void rejectsBadRepeatsAndMaxRuns() {
    assertEquals(
        "repeats must be >= 1, found 0",
        fails(() -> SweepSpec.of("code", 0, 0, 10, Map.of())).getMessage());
    assertEquals(
        "limits.max_runs must be >= 1, found -1",
        fails(() -> SweepSpec.of("code", 0, 1, -1, Map.of())).getMessage());
  }

  @Test
  void rejectsAGridLargerThanMaxRuns() {
    UserError e =
        fails(() -> SweepSpec.of("code", 0, 2, 5, given(SpecKeys.WIDTH, List.of(8, 16, 32))));
    assertEquals(
        "the grid expands to 6 runs, more than limits.max_runs = 5: model.width (3) x repeats"
            + " (2). Shrink an axis or raise limits.max_runs.",
        e.getMessage());
  }

  @Test
  void rejectsEpochsWithSteps() {
    UserError e =
        fails(
            () ->
                SweepSpec.of(
                    "code",
                    0,
                    1,
                    10,
                    given(SpecKeys.EPOCHS, List.of(5), SpecKeys.STEPS, List.of(100))));
    assertMessage(e, "training.epochs = 5", "training.steps = 100", "give one of them");
  }

  @Test
  void rejectsOneClassForClassification() {
    UserError e = fails(() -> SweepSpec.of("code", 0, 1, 10, given(SpecKeys.CLASSES, List.of(1))));
    assertEquals(
        "dataset.classes must be >= 2 for dataset.task = classification, found 1", e.getMessage());
  }

  @Test
  void rejectsMalformedRange() {
    UserError e =
        fails(
            () ->
                SweepSpec.of(
                    "code",
                    0,
                    1,
                    10,
                    given(SpecKeys.WIDTH, List.of(Map.of("range", List.of(64, 8), "step", 8)))));
    assertEquals(
        "model.width.range must be [low, high] with low <= high, found [64, 8]", e.getMessage());
  }
}
