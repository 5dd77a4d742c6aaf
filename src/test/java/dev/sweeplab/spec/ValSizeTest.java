package dev.sweeplab.spec;

import static dev.sweeplab.spec.Specs.assertMessage;
import static dev.sweeplab.spec.Specs.parse;
import static dev.sweeplab.spec.Specs.parseFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code dataset.val_size}: how auto resolves over a sweep, what the run identity keeps of it, and
 * the values and scaling metrics refused before anything runs.
 */
class ValSizeTest {
  @Test
  void autoIsTenPercentOfTheLargestTrainSizeAtLeast512ForEveryRun() {
    List<RunConfig> runs =
        parse("name: v", "dataset: {train_size: [100, 1000, 20000]}", "model: {width: 4}").expand();
    for (RunConfig run : runs) {
      assertEquals(2000, run.valSize(), "10 % of 20,000 for every run: " + run);
      assertTrue(run.valSizeAuto());
    }
    assertEquals(512, parse("name: v", "dataset: {train_size: [10, 4000]}").valSize());
    assertEquals(
        2000, parse("name: v", "dataset: {train_size: [10, 4000], val_size: 2000}").valSize());
    assertEquals(0, parse("name: v", "dataset: {val_size: 0}").expand().get(0).valSize());
  }

  @Test
  void autoOfAFileSetTakesAtMostWhatTheFileHoldsBeyondTheLargestSubset() {
    assertEquals(
        1000,
        parse("name: v", "dataset: {name: fashion_mnist, train_size: [4000, 10000]}").valSize());
    assertEquals(
        500, parse("name: v", "dataset: {name: fashion_mnist, train_size: 59500}").valSize());
    assertEquals(
        0, parse("name: v", "dataset: {name: fashion_mnist, train_size: 60000}").valSize());
    assertEquals(
        512, parse("name: v", "dataset: {name: fashion_mnist, train_size: 4000}").valSize());
  }

  @Test
  void anAutoRunKeepsItsIdentityAndAnExplicitValueIsPartOfIt() {
    RunConfig auto = parse("name: v", "dataset: {train_size: [1000, 20000]}").expand().get(0);
    RunConfig pinned =
        parse("name: v", "dataset: {train_size: [1000, 20000], val_size: 2000}").expand().get(0);
    assertFalse(auto.canonicalJson().contains("val_size"), auto.canonicalJson());
    assertEquals(2000, auto.columns().get("val_size"), "the column holds the count used");
    assertTrue(pinned.canonicalJson().contains("\"val_size\":2000"), pinned.canonicalJson());
    assertNotEquals(auto.runId(), pinned.runId(), "explicit is another configuration");
    assertEquals(2000, auto.valSize());
    assertEquals(auto.valSize(), pinned.valSize(), "though the same samples");
  }

  @Test
  void aRunReadBackFromItsJsonKeepsItsIdentity() {
    List<RunConfig> runs = parse("name: v", "dataset: {train_size: [1000, 20000]}").expand();
    for (RunConfig run : runs) {
      RunConfig back = RunConfig.fromJson("v", run.canonicalJson());
      assertEquals(run.runId(), back.runId());
      assertTrue(back.valSizeAuto());
      // The JSON of an auto run does not name the count: it resolves from the run's own
      // train_size, and the row's val_size column gives the count the run used.
      assertEquals(run, back.withValSize(run.valSize()));
    }
    assertEquals(2000, RunConfig.fromJson("v", runs.get(1).canonicalJson()).valSize());
    assertEquals(512, RunConfig.fromJson("v", runs.get(0).canonicalJson()).valSize());
    RunConfig explicit =
        parse("name: v", "dataset: {train_size: 1000, val_size: 300}").expand().get(0);
    assertEquals(explicit, RunConfig.fromJson("v", explicit.canonicalJson()));
    assertThrows(IllegalStateException.class, () -> explicit.withValSize(5));
  }

  @Test
  void aQuotedCountIsTheSameCount() {
    assertEquals(
        parse("name: v", "dataset: {val_size: 700}").expand(),
        parse("name: v", "dataset: {val_size: '700'}").expand());
  }

  @Test
  void negativeOrFractionalOrWordsAreRefused() {
    assertEquals(
        "dataset.val_size must be 'auto' or an integer >= 0 (at most 9 digits), found '-5'",
        parseFails("name: v", "dataset: {val_size: -5}").getMessage());
    assertMessage(parseFails("name: v", "dataset: {val_size: 0.5}"), "dataset.val_size", "'0.5'");
    assertMessage(parseFails("name: v", "dataset: {val_size: some}"), "dataset.val_size", "'some'");
    assertMessage(
        parseFails("name: v", "dataset: {val_size: [100, 200]}"),
        "dataset.val_size",
        "cannot be swept");
  }

  @Test
  void aFileSetsValidationMustFitBesideTheLargestSubset() {
    UserError e =
        parseFails(
            "name: v", "dataset: {name: fashion_mnist, train_size: [1000, 55000], val_size: 6000}");
    assertMessage(
        e,
        "dataset.val_size must be at most 5000",
        "found '6000'",
        "holds 60000 samples",
        "largest dataset.train_size is 55000");
    assertEquals(
        5000,
        parse("name: v", "dataset: {name: fashion_mnist, train_size: 55000, val_size: 5000}")
            .valSize(),
        "exactly what is left fits");
  }

  @Test
  void aRegressionTaskTakesAValidationSplit() {
    SweepSpec spec = parse("name: v", "dataset: {task: regression, classes: 2, val_size: 64}");
    assertEquals(64, spec.expand().get(0).valSize());
  }

  @Test
  void theTestCurvesOwnMinimumIsNoLongerAMetric() {
    UserError e =
        parseFails(
            "name: v",
            "model: {width: [4, 8, 16, 32]}",
            "analysis: {scaling: width, scaling_metric: best_test_loss}");
    assertMessage(
        e,
        "analysis.scaling_metric = 'best_test_loss' is no longer accepted",
        "Use test_loss_at_best",
        "best_val_loss",
        "accepted: final_test_loss, final_test_error, final_train_loss, best_val_loss,"
            + " test_loss_at_best, test_error_at_best");
    assertMessage(
        parseFails("name: v", "analysis: {scaling_metric: best_test_error}"),
        "'best_test_error' is no longer accepted",
        "Use test_error_at_best");
  }

  @Test
  void aRecordedSpecWithARetiredMetricStillReadsBack() {
    SweepSpec recorded =
        SpecParser.fromCanonicalJson(
            parse("name: v", "model: {width: [4, 8, 16, 32]}", "analysis: {scaling: width}")
                .canonicalJson()
                .replace("\"final_test_loss\"", "\"best_test_loss\""));
    assertEquals("best_test_loss", recorded.analysis(SpecKeys.SCALING_Y));
  }

  @Test
  void aMetricChosenOnValidationNeedsAValidationSplit() {
    for (String metric : List.of("best_val_loss", "test_loss_at_best", "test_error_at_best")) {
      UserError e =
          parseFails(
              "name: v",
              "dataset: {val_size: 0}",
              "model: {width: [4, 8, 16, 32]}",
              "analysis: {scaling: width, scaling_metric: " + metric + "}");
      assertMessage(
          e,
          "analysis.scaling_metric = '" + metric + "' is chosen on the validation split",
          "dataset.val_size = 0",
          "give dataset.val_size > 0, or a metric that needs none (final_test_loss,");
    }
    assertMessage(
        parseFails(
            "name: v",
            "dataset: {name: fashion_mnist, train_size: 60000}",
            "analysis: {scaling_metric: test_loss_at_best}"),
        "dataset.val_size = auto leaves no validation samples");
    assertEquals(
        "test_loss_at_best",
        parse(
                "name: v",
                "model: {width: [4, 8, 16, 32]}",
                "analysis: {scaling: width, scaling_metric: test_loss_at_best}")
            .analysis(SpecKeys.SCALING_Y));
  }
}
