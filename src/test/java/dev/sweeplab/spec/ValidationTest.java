package dev.sweeplab.spec;

import static dev.sweeplab.spec.Specs.assertMessage;
import static dev.sweeplab.spec.Specs.parseFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way a spec can be wrong is reported as a {@link UserError} whose message names the key
 * path, the value found, and what would be accepted.
 */
class ValidationTest {
  // --- unknown keys -------------------------------------------------------------------------

  @Test
  void unknownTopLevelKeySuggestsTheNearest() {
    UserError e = parseFails("name: x", "seeed: 3");
    assertEquals(
        "unknown key 'seeed'. Did you mean 'seed'? Accepted here: analysis, configs, dataset,"
            + " description, limits, model, name, repeats, search, seed, training.",
        e.getMessage());
  }

  @Test
  void misspelledSectionSuggestsTheSection() {
    UserError e = parseFails("name: x", "modle:", "  width: 8");
    assertMessage(e, "unknown key 'modle'", "Did you mean 'model'?");
  }

  @Test
  void unknownKeyInsideASectionSuggestsTheNearest() {
    UserError e = parseFails("name: x", "model:", "  widht: 8");
    assertEquals(
        "unknown key 'model.widht'. Did you mean 'width'? Accepted here: activation, base_width,"
            + " depth, init_scale, output_multiplier, output_scale,"
            + " parameterization, readout_init, train, width.",
        e.getMessage());
  }

  @Test
  void unknownKeysInOtherSectionsSuggestTheirNeighbours() {
    assertMessage(
        parseFails("name: x", "training:", "  learning_rat: 0.1"),
        "unknown key 'training.learning_rat'",
        "Did you mean 'learning_rate'?");
    assertMessage(
        parseFails("name: x", "dataset:", "  trainsize: 10"),
        "unknown key 'dataset.trainsize'",
        "Did you mean 'train_size'?");
    assertMessage(
        parseFails("name: x", "limits:", "  max_run: 10"),
        "unknown key 'limits.max_run'",
        "Did you mean 'max_runs'?",
        "Accepted here: distributed_above, distributed_workers, max_runs, run_timeout.");
  }

  @Test
  void keyFromAnotherSectionIsUnknownHere() {
    UserError e = parseFails("name: x", "model:", "  learning_rate: 0.1");
    assertMessage(
        e,
        "unknown key 'model.learning_rate'",
        "activation, base_width, depth, init_scale, output_multiplier, output_scale,"
            + " parameterization,"
            + " readout_init, train, width");
  }

  @Test
  void farOffUnknownKeyHasNoSuggestionButListsTheAccepted() {
    UserError e = parseFails("name: x", "model:", "  dropout: 0.5");
    assertEquals(
        "unknown key 'model.dropout'. Accepted here: activation, base_width, depth, init_scale, output_multiplier, output_scale,"
            + " parameterization, readout_init, train, width.",
        e.getMessage());
  }

  @Test
  void sectionKeyWrittenAsADottedPathIsUnknown() {
    UserError e = parseFails("name: x", "model.width: 8");
    assertMessage(
        e, "unknown key 'model.width'", "Accepted here: analysis, configs, dataset, description");
  }

  @Test
  void sectionThatIsNotAMappingIsRejected() {
    assertEquals(
        "model must be a mapping of keys, found 5 (an integer)",
        parseFails("name: x", "model: 5").getMessage());
    assertMessage(parseFails("name: x", "model:"), "model must be a mapping of keys", "null");
  }

  // --- wrong types and values ---------------------------------------------------------------

  @Test
  void textForAnIntegerKey() {
    UserError e = parseFails("name: x", "model:", "  width: abc");
    assertEquals("model.width must be an integer, found 'abc' (text)", e.getMessage());
  }

  @Test
  void fractionForAnIntegerKey() {
    UserError e = parseFails("name: x", "model:", "  width: 1.5");
    assertEquals("model.width must be an integer, found 1.5 (a number)", e.getMessage());
  }

  @Test
  void booleanForAnIntegerKey() {
    UserError e = parseFails("name: x", "training:", "  epochs: true");
    assertEquals("training.epochs must be an integer, found true (a boolean)", e.getMessage());
  }

  @Test
  void textForANumberKey() {
    UserError e = parseFails("name: x", "training:", "  learning_rate: fast");
    assertEquals("training.learning_rate must be a number, found 'fast' (text)", e.getMessage());
  }

  @Test
  void numberForATextKey() {
    UserError e = parseFails("name: x", "model:", "  activation: 3");
    assertEquals("model.activation must be text in quotes, found 3 (an integer)", e.getMessage());
  }

  @Test
  void wrongTypeInsideAList() {
    UserError e = parseFails("name: x", "model:", "  width: [8, wide, 32]");
    assertEquals("model.width must be an integer, found 'wide' (text)", e.getMessage());
  }

  @Test
  void nestedListInsideAList() {
    UserError e = parseFails("name: x", "model:", "  width: [8, [16, 32]]");
    assertEquals(
        "model.width must be an integer inside the list, found [16, 32] (a list)", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, -64})
  void nonPositiveWidth(int width) {
    UserError e = parseFails("name: x", "model:", "  width: " + width);
    assertEquals("model.width must be >= 1, found " + width, e.getMessage());
  }

  @Test
  void nonPositiveWidthInsideAList() {
    UserError e = parseFails("name: x", "model:", "  width: [8, 0]");
    assertEquals("model.width must be >= 1, found 0", e.getMessage());
  }

  @Test
  void widthBeyond32Bits() {
    UserError e = parseFails("name: x", "model:", "  width: 3000000000");
    assertEquals("model.width must fit in a 32-bit integer, found 3000000000", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-0.1", ".inf", ".nan"})
  void learningRateMustBeFinitePositive(String value) {
    UserError e = parseFails("name: x", "training:", "  learning_rate: " + value);
    assertMessage(e, "training.learning_rate must be a finite number > 0, found ");
  }

  @Test
  void negativeStepsAndTooFewEvalPoints() {
    assertEquals(
        "training.steps must be >= 0, found -1",
        parseFails("name: x", "training:", "  steps: -1").getMessage());
    assertEquals(
        "training.eval_points must be >= 2, found 1",
        parseFails("name: x", "training:", "  eval_points: 1").getMessage());
  }

  @Test
  void repeatsMustBePositive() {
    assertEquals("repeats must be >= 1, found 0", parseFails("name: x", "repeats: 0").getMessage());
  }

  @Test
  void maxRunsMustBePositive() {
    assertEquals(
        "limits.max_runs must be >= 1, found 0",
        parseFails("name: x", "limits:", "  max_runs: 0").getMessage());
  }

  @Test
  void integersBeyondTheirWidthSayWhatFits() {
    // It said "seed must be an integer, found 99999999999999999999 (an integer)".
    assertEquals(
        "seed must fit in a 64-bit integer, found 99999999999999999999",
        parseFails("name: x", "seed: 99999999999999999999").getMessage());
    assertEquals(
        "model.width must fit in a 32-bit integer, found 99999999999999999999",
        parseFails("name: x", "model:", "  width: 99999999999999999999").getMessage());
    assertEquals(
        -9223372036854775808L, Specs.parse("name: x", "seed: -9223372036854775808").seed());
  }

  @Test
  void emptyListAxis() {
    UserError e = parseFails("name: x", "model:", "  width: []");
    assertMessage(e, "model.width", "is an empty list", "give at least one value");
  }

  @Test
  void listThatRepeatsAValue() {
    UserError e = parseFails("name: x", "model:", "  width: [8, 16, 8]");
    assertEquals("model.width lists a value twice, found [8, 16, 8]", e.getMessage());
  }

  @Test
  void listForANonAxisKey() {
    UserError e = parseFails("name: x", "dataset:", "  test_size: [1, 2]");
    assertEquals(
        "dataset.test_size takes one value, not a list or a range (it cannot be swept), found"
            + " [1, 2]",
        e.getMessage());
  }

  @Test
  void rangeForANonAxisKey() {
    UserError e = parseFails("name: x", "dataset:", "  classes: {range: [2, 10], step: 2}");
    assertMessage(
        e, "dataset.classes takes one value", "(it cannot be swept)", "{range=[2, 10], step=2}");
  }

  @Test
  void listForATopLevelKey() {
    assertEquals(
        "seed takes one value, not a list or a mapping, found [1, 2]",
        parseFails("name: x", "seed: [1, 2]").getMessage());
    assertEquals(
        "repeats takes one value, not a list or a mapping, found [1, 2]",
        parseFails("name: x", "repeats: [1, 2]").getMessage());
    assertEquals(
        "limits.max_runs takes one value, not a list or a mapping, found [10, 20]",
        parseFails("name: x", "limits:", "  max_runs: [10, 20]").getMessage());
  }

  @Test
  void unknownActivationListsTheAccepted() {
    UserError e = parseFails("name: x", "model:", "  activation: gelu");
    assertEquals(
        "model.activation must be one of relu, tanh, linear, found 'gelu'", e.getMessage());
  }

  @Test
  void unknownActivationInsideAList() {
    UserError e = parseFails("name: x", "model:", "  activation: [relu, Tanh]");
    assertEquals(
        "model.activation must be one of relu, tanh, linear, found 'Tanh'", e.getMessage());
  }

  @Test
  void unknownOptimizerTaskAndDataset() {
    assertEquals(
        "training.optimizer must be one of sgd, adam, found 'rmsprop'",
        parseFails("name: x", "training:", "  optimizer: rmsprop").getMessage());
    assertEquals(
        "dataset.task must be one of classification, regression, found 'clustering'",
        parseFails("name: x", "dataset:", "  task: clustering").getMessage());
    assertEquals(
        "dataset.name must be one of teacher_student, mnist, fashion_mnist, cifar10, found 'imagenet'",
        parseFails("name: x", "dataset:", "  name: imagenet").getMessage());
  }

  @Test
  void rangeForATextKey() {
    UserError e = parseFails("name: x", "model:", "  activation: {range: [1, 2], step: 1}");
    assertMessage(e, "model.activation takes one value or a list of values", "range=[1, 2]");
  }

  // --- name ---------------------------------------------------------------------------------

  @Test
  void missingName() {
    UserError e = parseFails("seed: 1");
    assertEquals(
        "missing required key 'name': every sweep needs a name (must be 1-64 letters, digits,"
            + " '_', '-' or '.', starting with a letter or digit)",
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "a/b", "a b", ".hidden", "-dash", "x:y", "sweep*"})
  void nameWithPathOrOddCharacters(String name) {
    UserError e = parseFails("name: \"" + name + "\"");
    assertEquals(
        "name must be 1-64 letters, digits, '_', '-' or '.', starting with a letter or digit,"
            + " found '"
            + name
            + "'",
        e.getMessage());
  }

  @Test
  void emptyAndOverlongNames() {
    assertMessage(parseFails("name: ''"), "name must be 1-64 letters", "found ''");
    String long65 = "a".repeat(65);
    assertMessage(parseFails("name: " + long65), "name must be 1-64", "found '" + long65 + "'");
    assertEquals("a".repeat(64), Specs.parse("name: " + "a".repeat(64)).name());
  }

  @Test
  void nameThatIsNotText() {
    assertEquals(
        "name must be text in quotes, found 2024 (an integer)",
        parseFails("name: 2024").getMessage());
  }

  // --- cross-key rules ----------------------------------------------------------------------

  @Test
  void gridLargerThanMaxRuns() {
    UserError e =
        parseFails(
            "name: x",
            "repeats: 3",
            "model:",
            "  width: [1, 2, 3, 4, 5]",
            "  depth: {range: [1, 5], step: 1}",
            "limits:",
            "  max_runs: 50");
    assertEquals(
        "the grid expands to 75 runs, more than limits.max_runs = 50: model.width (5) x"
            + " model.depth (5) x repeats (3). Shrink an axis or raise limits.max_runs.",
        e.getMessage());
  }

  @Test
  void gridExactlyAtMaxRunsIsAccepted() {
    SweepSpec spec =
        Specs.parse(
            "name: x",
            "repeats: 2",
            "model: {width: [1, 2, 3, 4, 5]}",
            "limits:",
            "  max_runs: 10");
    assertEquals(10L, spec.runCount());
  }

  @Test
  void defaultMaxRunsApplies() {
    UserError e =
        parseFails(
            "name: x",
            "repeats: 2",
            "model: {width: {range: [1, 100], step: 1}, depth: {range: [1, 100], step: 1}}");
    assertMessage(e, "the grid expands to 20000 runs", "limits.max_runs = 10000");
  }

  @Test
  void gridWhoseRunCountOverflowsALongIsRejected() {
    // 65536^4 = 2^64 wrapped to 0 runs in a long and slipped under limits.max_runs.
    String axis = "{range: [1, 65536], step: 1}";
    UserError e =
        parseFails(
            "name: x",
            "dataset:",
            "  input_dim: " + axis,
            "  train_size: " + axis,
            "model:",
            "  width: " + axis,
            "  depth: " + axis);
    assertMessage(
        e, "the grid expands to 18446744073709551616 runs", "more than limits.max_runs = 10000");
  }

  @Test
  void epochsAndStepsBothSet() {
    UserError e = parseFails("name: x", "training:", "  epochs: 5", "  steps: 100");
    assertEquals(
        "training.epochs = 5 and training.steps = 100 are both set: give one of them (steps,"
            + " when > 0, replaces epochs)",
        e.getMessage());
  }

  @Test
  void epochsAndStepsBothSetEvenAsAxes() {
    UserError e = parseFails("name: x", "training:", "  epochs: [5, 10]", "  steps: [100, 200]");
    assertMessage(e, "training.epochs = [5, 10]", "training.steps = [100, 200]", "give one");
  }

  @Test
  void oneClassForClassification() {
    UserError e = parseFails("name: x", "dataset:", "  classes: 1");
    assertEquals(
        "dataset.classes must be >= 2 for dataset.task = classification, found 1", e.getMessage());
  }

  @Test
  void oneOutputForRegressionIsFine() {
    assertEquals(
        1,
        Specs.parse("name: x", "dataset: {task: regression, classes: 1}")
            .expand()
            .get(0)
            .classes());
  }

  @Test
  void widthExponentsNeedTwoWidths() {
    UserError e = parseFails("name: x", "model: {width: 64}", "analysis: {width_exponents: 'yes'}");
    assertEquals(
        "analysis.width_exponents = 'yes' needs at least 2 values of model.width (an exponent is a"
            + " slope in width), found 1: sweep model.width, or leave analysis.width_exponents out",
        e.getMessage());
    assertMessage(
        parseFails(
            "name: x",
            "model: {depth: [1, 2], parameterization: [ntk, mup]}",
            "training: {optimizer: sgd}",
            "analysis: {width_exponents: 'yes'}"),
        "analysis.width_exponents",
        "found 1");
    assertEquals(
        "no",
        Specs.parse("name: x", "model: {width: 64}", "analysis: {width_exponents: 'no'}")
            .analysis(SpecKeys.WIDTH_EXPONENTS));
  }

  @Test
  void lrTransferNeedsThreeRatesTwoWidthsAndAValidationSplit() {
    UserError e =
        parseFails(
            "name: x",
            "model: {width: [8, 16]}",
            "training: {learning_rate: [0.01, 0.1]}",
            "analysis: {lr_transfer: 'yes'}");
    assertEquals(
        "analysis.lr_transfer = 'yes' needs at least 3 values of training.learning_rate (an"
            + " optimum inside a grid) and 2 of model.width (a transfer across widths), found 2"
            + " and 2: sweep both, or leave analysis.lr_transfer out",
        e.getMessage());
    assertMessage(
        parseFails(
            "name: x",
            "model: {width: 64}",
            "training: {learning_rate: {log2: [0.001, 0.1], points: 3}}",
            "analysis: {lr_transfer: 'yes'}"),
        "analysis.lr_transfer",
        "found 3 and 1");
    assertEquals(
        "analysis.lr_transfer = 'yes' compares learning rates by best_val_loss, but"
            + " dataset.val_size = 0: give dataset.val_size > 0, or leave analysis.lr_transfer out",
        parseFails(
                "name: x",
                "dataset: {val_size: 0}",
                "model: {width: [8, 16]}",
                "training: {learning_rate: [0.001, 0.01, 0.1]}",
                "analysis: {lr_transfer: 'yes'}")
            .getMessage());
    SweepSpec ok =
        Specs.parse(
            "name: x",
            "model: {width: [8, 16]}",
            "training: {learning_rate: [0.001, 0.01, 0.1]}",
            "analysis: {lr_transfer: 'yes'}");
    assertEquals("yes", ok.analysis(SpecKeys.LR_TRANSFER));
    assertEquals(
        "no",
        Specs.parse("name: x", "model: {width: 64}", "analysis: {lr_transfer: 'no'}")
            .analysis(SpecKeys.LR_TRANSFER));
    assertMessage(
        parseFails("name: x", "model: {width: [8, 16]}", "analysis: {lr_transfer: maybe}"),
        "analysis.lr_transfer",
        "maybe",
        "yes",
        "no");
  }

  @Test
  void widthExponentsIsYesOrNo() {
    UserError e =
        parseFails("name: x", "model: {width: [8, 16]}", "analysis: {width_exponents: maybe}");
    assertMessage(e, "analysis.width_exponents", "maybe", "yes", "no");
  }

  // --- malformed ranges ---------------------------------------------------------------------

  @Test
  void rangeWithoutStep() {
    UserError e = parseFails("name: x", "model:", "  width: {range: [8, 64]}");
    assertEquals(
        "missing required key 'model.width.step': a range needs both range and step",
        e.getMessage());
  }

  @Test
  void log2WithoutPoints() {
    UserError e = parseFails("name: x", "model:", "  width: {log2: [8, 64]}");
    assertEquals(
        "missing required key 'model.width.points': a log2 needs both log2 and points",
        e.getMessage());
  }

  @Test
  void rangeWithHighBelowLow() {
    UserError e = parseFails("name: x", "model:", "  width: {range: [64, 8], step: 8}");
    assertEquals(
        "model.width.range must be [low, high] with low <= high, found [64, 8]", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-2", "two", ".nan", ".inf"})
  void rangeWithBadStep(String step) {
    UserError e =
        parseFails("name: x", "model:", "  init_scale: {range: [1, 8], step: " + step + "}");
    assertMessage(e, "model.init_scale.step must be a finite number > 0, found ");
  }

  @Test
  void rangeThatIsNotAPair() {
    UserError e = parseFails("name: x", "model:", "  width: {range: [8], step: 1}");
    assertEquals(
        "model.width.range must be a list of two finite numbers [low, high], found [8] (a list)",
        e.getMessage());
    assertMessage(
        parseFails("name: x", "model:", "  width: {range: [a, b], step: 1}"),
        "model.width.range must be a list of two finite numbers",
        "found [a, b]");
  }

  @Test
  void rangeWithNonFiniteEndIsAUserError() {
    // BigDecimal throws NumberFormatException ("Infinite or NaN") on these; the parser must not.
    assertMessage(
        parseFails("name: x", "model:", "  init_scale: {range: [.nan, 4], step: 1}"),
        "model.init_scale.range must be a list of two finite numbers",
        "NaN");
    assertMessage(
        parseFails("name: x", "model:", "  init_scale: {log2: [1, .inf], points: 3}"),
        "model.init_scale.log2 must be a list of two finite numbers",
        "Infinity");
  }

  @Test
  void log2WithTooFewPointsOrNonPositiveLow() {
    assertEquals(
        "model.width.points must be an integer >= 2, found 1",
        parseFails("name: x", "model:", "  width: {log2: [8, 64], points: 1}").getMessage());
    assertEquals(
        "model.width.points must be an integer >= 2, found 2.5",
        parseFails("name: x", "model:", "  width: {log2: [8, 64], points: 2.5}").getMessage());
    assertEquals(
        "model.width.log2 must be [low, high] with 0 < low <= high, found [0, 64]",
        parseFails("name: x", "model:", "  width: {log2: [0, 64], points: 3}").getMessage());
    assertEquals(
        "model.width.log2 must be [low, high] with 0 < low <= high, found [64, 8]",
        parseFails("name: x", "model:", "  width: {log2: [64, 8], points: 3}").getMessage());
  }

  @Test
  void rangeWithAnExtraKeySuggestsTheRightOne() {
    UserError e = parseFails("name: x", "model:", "  width: {range: [8, 64], stp: 8}");
    assertMessage(e, "unknown key 'model.width.stp'", "Did you mean 'step'?");
    assertMessage(e, "range", "step");
  }

  @Test
  void mappingThatIsNeitherRangeNorLog2() {
    UserError e = parseFails("name: x", "model:", "  width: {from: 8, to: 64}");
    assertEquals(
        "model.width as a mapping must be {range: [a, b], step: s} or {log2: [a, b], points: k},"
            + " or one distribution of a random search: {uniform: ...}, {log_uniform: ...},"
            + " {int_uniform: ...}, {int_log_uniform: ...}, {choice: ...}, found {from=8, to=64}",
        e.getMessage());
  }

  // --- the shape of every message -----------------------------------------------------------

  @Test
  void messagesAreOneParagraphWithoutJavaNoise() {
    String[][] specs = {
      {"name: x", "seeed: 1"},
      {"name: x", "model:", "  width: abc"},
      {"name: x", "model:", "  width: 0"},
      {"name: x", "dataset:", "  test_size: [1, 2]"},
      {"name: x", "model:", "  width: {range: [8]}"},
      {"name: x", "training: {epochs: 1, steps: 1}"},
      {"name: [x"},
      {"name: x", "analysis: {width_exponents: 'yes'}"},
      {"name: x", "analysis: {lr_transfer: 'yes'}"},
    };
    for (String[] spec : specs) {
      String message = parseFails(spec).getMessage();
      assertFalse(message.contains("\n"), message);
      assertFalse(message.contains("java."), message);
      assertFalse(message.contains("Exception"), message);
    }
  }

  // --- parameterizations --------------------------------------------------------------------

  @Test
  void ntkWithAdamIsRefusedWithTheAlternative() {
    assertMessage(
        parseFails(
            "name: x",
            "model: {parameterization: [standard, ntk]}",
            "training:",
            "  optimizer: [sgd, adam]"),
        "model.parameterization = ntk is not defined with training.optimizer = adam",
        "use training.optimizer: sgd");
  }

  @Test
  void deepMeanFieldIsRefused() {
    assertMessage(
        parseFails(
            "name: x",
            "model: {parameterization: mean_field, depth: [1, 2]}",
            "training: {optimizer: sgd}"),
        "model.parameterization = mean_field is not defined",
        "model.depth = 2",
        "model.depth: 1");
  }

  @Test
  void meanFieldWithOneHiddenLayerAndNtkWithSgdAreAccepted() {
    Specs.parse("name: x", "model: {parameterization: mean_field, depth: 1}");
    Specs.parse("name: x", "model: {parameterization: [ntk, mup]}", "training: {optimizer: sgd}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "0.0", ".inf", "[1, 0]"})
  void outputMultiplierMustBePositive(String value) {
    assertMessage(
        parseFails("name: x", "model:", "  output_multiplier: " + value),
        "model.output_multiplier",
        "must be a finite number > 0");
  }

  @Test
  void readoutInitIsOneOfItsList() {
    assertMessage(
        parseFails("name: x", "model:", "  readout_init: zeros"),
        "model.readout_init",
        "zeros",
        "must be one of default, zero");
  }

  @Test
  void outputScaleWithAdamIsRefused() {
    assertMessage(
        parseFails("name: x", "model: {output_scale: [1, 10]}", "training: {optimizer: adam}"),
        "model.output_scale = [1.0, 10.0] is not defined with training.optimizer = adam",
        "use training.optimizer: sgd");
    Specs.parse("name: x", "model: {output_scale: [1, 10]}", "training: {optimizer: sgd}");
  }

  @Test
  void anOutputScaleRunAboveTheDistributedThresholdIsRefused() {
    assertMessage(
        parseFails(
            "name: x",
            "model: {output_scale: [1, 10]}",
            "training: {optimizer: sgd}",
            "limits: {distributed_above: 1}"),
        "model.output_scale = 10.0 is not trained data-parallel",
        "limits.distributed_above = 1");
  }

  @Test
  void aScheduledRunAboveTheDistributedThresholdIsRefused() {
    assertMessage(
        parseFails(
            "name: x",
            "training: {schedule: [constant, cosine]}",
            "limits: {distributed_above: 1}"),
        "training.schedule = cosine with training.warmup_steps = 0 is not trained data-parallel",
        "limits.distributed_above = 1");
    assertMessage(
        parseFails("name: x", "training: {warmup_steps: 5}", "limits: {distributed_above: 1}"),
        "training.schedule = constant with training.warmup_steps = 5 is not trained data-parallel");
    Specs.parse("name: x", "training: {schedule: cosine}", "limits: {distributed_above: 1e30}");
  }

  @Test
  void aReadoutRunAboveTheDistributedThresholdIsRefused() {
    UserError e =
        parseFails(
            "name: x",
            "model: {train: [all, readout]}",
            "training: {optimizer: sgd}",
            "limits: {distributed_above: 1}");
    assertMessage(
        e,
        "model.train = readout is not trained data-parallel",
        "parameter averaging averages every layer, frozen or not",
        "limits.distributed_above = 1",
        "use train: all");
    Specs.parse("name: x", "model: {train: readout}", "limits: {distributed_above: 1e30}");
    Specs.parse("name: x", "model: {train: readout}");
  }

  @Test
  void trainIsAllOrReadout() {
    assertMessage(
        parseFails("name: x", "model: {train: hidden}"),
        "model.train",
        "must be one of all, readout");
    SweepSpec spec = Specs.parse("name: x", "model: {train: [all, readout]}");
    assertEquals(
        java.util.List.of("all", "readout"), spec.expand().stream().map(RunConfig::train).toList());
  }

  @Test
  void aStoredSpecOfACombinationRefusedTodayStillReadsBack() {
    String json =
        Specs.parse("name: x", "model: {parameterization: ntk}", "training: {optimizer: sgd}")
            .canonicalJson();
    String adam = json.replace("\"training.optimizer\":\"sgd\"", "\"training.optimizer\":\"adam\"");
    assertFalse(json.equals(adam), json);
    SweepSpec stored = SpecParser.fromCanonicalJson(adam);
    assertEquals(java.util.List.of("adam"), stored.values().get(SpecKeys.OPTIMIZER));
    assertEquals(java.util.List.of("ntk"), stored.values().get(SpecKeys.PARAMETERIZATION));
  }

  // --- training setups ---------------------------------------------------------------------

  @Test
  void anUnknownScheduleOrLossNamesWhatIsAccepted() {
    assertMessage(
        parseFails("name: x", "training: {schedule: step}"),
        "training.schedule must be one of constant, cosine, linear, found 'step'");
    assertMessage(
        parseFails("name: x", "dataset: {loss: [mse, hinge]}"),
        "dataset.loss must be one of cross_entropy, mse, found 'hinge'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "[0, -5]", "1.5"})
  void warmupStepsMustBeACountFromZero(String value) {
    assertMessage(parseFails("name: x", "training:", "  warmup_steps: " + value), "warmup_steps");
  }

  @Test
  void aWarmupLongerThanARunIsRefusedNamingTheRun() {
    // 1000 samples in minibatches of 128 for 10 epochs: 8 * 10 = 80 steps.
    assertMessage(
        parseFails("name: x", "training: {warmup_steps: [80, 81]}"),
        "training.warmup_steps must be at most the run's steps, 80 for train_size 1000,"
            + " batch_size 128, epochs 10",
        "found 81");
    assertMessage(
        parseFails("name: x", "dataset: {train_size: [100, 1000]}", "training: {warmup_steps: 50}"),
        "must be at most the run's steps, 10 for train_size 100",
        "found 50");
    Specs.parse("name: x", "training: {warmup_steps: 80}");
    Specs.parse("name: x", "training: {warmup_steps: 500, steps: 500, schedule: cosine}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-0.1", "-1e-9", ".inf", "[0, -1]", ".nan"})
  void weightDecayMustBeFiniteAndNotNegative(String value) {
    assertMessage(
        parseFails("name: x", "training:", "  weight_decay: " + value),
        "training.weight_decay",
        "must be a finite number >= 0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-0.1", "1", "1.0", "2", ".nan", "[0, 1]"})
  void momentumMustBeInTheUnitInterval(String value) {
    assertMessage(
        parseFails("name: x", "training:", "  optimizer: sgd", "  momentum: " + value),
        "training.momentum",
        "must be a number in [0, 1)");
  }

  @Test
  void momentumWithAdamIsRefusedUnlessZero() {
    assertMessage(
        parseFails("name: x", "training: {optimizer: adam, momentum: 0.9}"),
        "training.momentum = 0.9 is not defined with training.optimizer = adam",
        "use training.optimizer: sgd");
    assertMessage(
        parseFails("name: x", "training: {optimizer: [sgd, adam], momentum: [0, 0.9]}"),
        "training.momentum = [0, 0.9] is not defined with training.optimizer = adam");
    Specs.parse("name: x", "training: {optimizer: adam, momentum: 0}");
    Specs.parse("name: x", "training: {optimizer: sgd, momentum: [0, 0.5, 0.9]}");
  }

  @Test
  void crossEntropyWithRegressionIsRefusedAndMseIsItsDefault() {
    assertMessage(
        parseFails("name: x", "dataset: {task: regression, loss: cross_entropy}"),
        "dataset.loss must be mse for dataset.task = regression",
        "found 'cross_entropy'");
    assertMessage(
        parseFails("name: x", "dataset: {task: regression, loss: [mse, cross_entropy]}"),
        "dataset.loss must be mse for dataset.task = regression");
    assertEquals(
        java.util.List.of("mse"),
        Specs.parse("name: x", "dataset: {task: regression}").values().get(SpecKeys.LOSS));
    assertEquals(
        java.util.List.of("mse"),
        Specs.parse("name: x", "dataset: {task: regression, loss: mse}")
            .values()
            .get(SpecKeys.LOSS));
    assertEquals(
        java.util.List.of("cross_entropy", "mse"),
        Specs.parse("name: x", "dataset: {loss: [cross_entropy, mse]}")
            .values()
            .get(SpecKeys.LOSS));
    assertEquals(
        "cross_entropy", Specs.parse("name: x").expand().get(0).loss(), "classification's default");
  }

  @Test
  void badBootstrapTrainedByAndDataSeedValuesNameTheRule() {
    assertEquals(
        "analysis.bootstrap must be 0 (no interval) or >= 200 (fewer leave the 2.5 and 97.5"
            + " percentiles on under 5 replicates each), found 50",
        parseFails("name: x", "analysis: {bootstrap: 50}").getMessage());
    assertMessage(
        parseFails("name: x", "analysis: {bootstrap: 'many'}"), "analysis.bootstrap", "many");
    assertEquals(
        "analysis.trained_by must be one of task, parameter_averaging, any, found 'both'",
        parseFails("name: x", "analysis: {trained_by: both}").getMessage());
    assertEquals(
        "dataset.data_seed must be one of shared, per_repeat, found 'per_run'",
        parseFails("name: x", "dataset: {data_seed: per_run}").getMessage());
    assertEquals(
        "0", Specs.parse("name: x", "analysis: {bootstrap: 0}").analysis(SpecKeys.BOOTSTRAP));
    assertEquals("200", Specs.parse("name: x").analysis(SpecKeys.BOOTSTRAP));
    assertEquals("task", Specs.parse("name: x").analysis(SpecKeys.TRAINED_BY));
  }

  @Test
  void analysisKeysSurviveTheRecordedSpec() {
    SweepSpec spec = Specs.parse("name: x", "analysis: {bootstrap: 1000, trained_by: any}");
    SweepSpec back = SpecParser.fromCanonicalJson(spec.canonicalJson());
    assertEquals("1000", back.analysis(SpecKeys.BOOTSTRAP));
    assertEquals("any", back.analysis(SpecKeys.TRAINED_BY));
    assertEquals(spec.canonicalJson(), back.canonicalJson());
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "-1e-9", ".inf", ".nan", "[0, -2]"})
  void inputSpectrumMustBeFiniteAndNotNegative(String value) {
    assertMessage(
        parseFails("name: x", "dataset:", "  input_spectrum: " + value),
        "dataset.input_spectrum",
        "must be a finite number >= 0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mnist", "fashion_mnist", "cifar10"})
  void inputSpectrumIsRefusedForAnImageSet(String dataset) {
    UserError e =
        parseFails(
            "name: x",
            "dataset: {name: " + dataset + ", path: /data, train_size: 10, input_spectrum: 2}");
    assertEquals(
        "dataset.input_spectrum = 2 applies to dataset.name = teacher_student only: "
            + dataset
            + " reads its inputs from files, whose spectrum is theirs; remove it",
        e.getMessage());
    assertMessage(
        parseFails(
            "name: x",
            "dataset: {name: "
                + dataset
                + ", path: /data, train_size: 10,"
                + " input_spectrum: [0, 0.5]}"),
        "dataset.input_spectrum = [0, 0.5] applies to dataset.name = teacher_student only");
  }

  @Test
  void inputSpectrumZeroIsAcceptedForAnImageSet() {
    SweepSpec spec =
        Specs.parse("name: x", "dataset: {name: fashion_mnist, train_size: 10, input_spectrum: 0}");
    assertEquals(0.0, spec.expand().get(0).inputSpectrum());
  }

  @Test
  void inputSpectrumIsAnAxis() {
    SweepSpec spec = Specs.parse("name: x", "dataset: {input_spectrum: [0, 1, 2.5]}");
    assertEquals(
        java.util.List.of(0.0, 1.0, 2.5),
        spec.expand().stream().map(RunConfig::inputSpectrum).toList());
  }
}
