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
