package dev.sweeplab.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AnalysisSpecTest {
  static SweepSpec parse(String... lines) {
    return SpecParser.parse(String.join("\n", lines), "test.yaml");
  }

  @Test
  void analysisSectionIsReadWithDefaults() {
    SweepSpec spec =
        parse(
            "name: a",
            "model: {width: [4, 8, 16, 32]}",
            "dataset: {train_size: [100, 200, 400]}",
            "analysis: {double_descent: width, scaling: params, scaling_data: train_size}");
    assertEquals("width", spec.analysis(SpecKeys.DOUBLE_DESCENT_X));
    assertEquals("params", spec.analysis(SpecKeys.SCALING_X));
    assertEquals("train_size", spec.analysis(SpecKeys.SCALING_X2));
    assertEquals("final_test_loss", spec.analysis(SpecKeys.SCALING_Y));
    assertEquals("no", spec.analysis(SpecKeys.COORD_CHECK));
    assertEquals("no", spec.analysis(SpecKeys.WIDTH_EXPONENTS));
    assertEquals("no", spec.analysis(SpecKeys.LR_TRANSFER));
  }

  @Test
  void widthExponentsOverTwoWidthsLeaveRunIdsAlone() {
    SweepSpec asked =
        parse(
            "name: a",
            "model: {width: [16, 32], parameterization: [ntk, mup]}",
            "training: {optimizer: sgd}",
            "analysis: {width_exponents: 'yes'}");
    SweepSpec plain =
        parse(
            "name: a",
            "model: {width: [16, 32], parameterization: [ntk, mup]}",
            "training: {optimizer: sgd}");
    assertEquals("yes", asked.analysis(SpecKeys.WIDTH_EXPONENTS));
    assertEquals(asked, SpecParser.fromCanonicalJson(asked.canonicalJson()));
    assertEquals(
        plain.expand().stream().map(RunConfig::runId).toList(),
        asked.expand().stream().map(RunConfig::runId).toList(),
        "an analysis key is not part of a run's identity");
  }

  @Test
  void specRoundTripsThroughItsCanonicalJson() {
    SweepSpec spec =
        parse(
            "name: a",
            "seed: 9",
            "repeats: 2",
            "model: {width: [4, 8, 16, 32], parameterization: [standard, mup]}",
            "training: {learning_rate: {log2: [0.001, 0.1], points: 3}, steps: 50}",
            "analysis: {double_descent: width, coord_check: 'yes'}");
    SweepSpec back = SpecParser.fromCanonicalJson(spec.canonicalJson());
    assertEquals(spec, back);
    assertEquals(spec.expand(), back.expand());
  }

  @Test
  void imageSpecRoundTripsAndItsShapeIsFixed() {
    SweepSpec spec =
        parse(
            "name: f",
            "dataset: {name: fashion_mnist, train_size: 4000, label_noise: [0, 0.2]}",
            "training: {steps: 100}");
    assertEquals(784, spec.expand().get(0).inputDim());
    assertEquals("/usr/share/datasets/fashion-mnist", spec.expand().get(0).dataPath());
    assertEquals(spec, SpecParser.fromCanonicalJson(spec.canonicalJson()));
    UserError e =
        assertThrows(
            UserError.class,
            () -> parse("name: f", "dataset: {name: fashion_mnist, input_dim: 100}"));
    assertEquals(
        "dataset.input_dim = 100 is fixed by dataset.name = fashion_mnist (784 inputs, 10"
            + " classes, classification): remove it",
        e.getMessage());
    UserError big =
        assertThrows(
            UserError.class,
            () -> parse("name: f", "dataset: {name: fashion_mnist, train_size: 70000}"));
    assertEquals(
        "dataset.train_size must be <= 60000 for fashion_mnist, found 70000", big.getMessage());
    UserError noPath =
        assertThrows(UserError.class, () -> parse("name: m", "dataset: {name: cifar10}"));
    assertEquals(true, noPath.getMessage().contains("dataset.path"), noPath.getMessage());
  }

  @Test
  void anAnalysedAxisMustBeSwept() {
    UserError e =
        assertThrows(
            UserError.class,
            () -> parse("name: a", "model: {width: [4, 8]}", "analysis: {double_descent: width}"));
    assertEquals(
        "analysis.double_descent = 'width' needs at least 3 values of model.width, found 2: sweep"
            + " it, or leave analysis.double_descent out",
        e.getMessage());
  }

  @Test
  void jointFitNeedsParamsAsTheFirstAxis() {
    UserError e =
        assertThrows(
            UserError.class,
            () ->
                parse(
                    "name: a",
                    "dataset: {train_size: [100, 200, 400]}",
                    "analysis: {scaling: train_size, scaling_data: train_size}"));
    assertEquals(
        "analysis.scaling_data needs analysis.scaling = params (the joint form is L(N, D)),"
            + " found 'train_size'",
        e.getMessage());
  }

  @Test
  void unknownAnalysisKeySuggestsTheNearest() {
    UserError e =
        assertThrows(UserError.class, () -> parse("name: a", "analysis: {double_decent: width}"));
    assertEquals(true, e.getMessage().contains("Did you mean 'double_descent'?"), e.getMessage());
  }
}
