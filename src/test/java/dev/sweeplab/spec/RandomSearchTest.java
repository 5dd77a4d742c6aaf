package dev.sweeplab.spec;

import static dev.sweeplab.spec.Specs.assertMessage;
import static dev.sweeplab.spec.Specs.parse;
import static dev.sweeplab.spec.Specs.parseFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code search: {method: random, samples: N}}: the draws are a pure function of the spec, lie in
 * their ranges with the key's type, follow their distribution, cross the grid's axes and survive
 * the canonical JSON the {@code sweeps} table records.
 */
class RandomSearchTest {
  static final String[] SPEC = {
    "name: rs",
    "seed: 7",
    "search: {method: random, samples: 12}",
    "dataset: {input_dim: 4, classes: 2, train_size: 64, test_size: 32}",
    "model:",
    "  width: {int_log_uniform: [8, 256]}",
    "  init_scale: {uniform: [0.5, 2.0]}",
    "  activation: {choice: [relu, tanh]}",
    "training:",
    "  learning_rate: {log_uniform: [0.0001, 0.1]}",
    "  batch_size: {int_uniform: [16, 64]}",
    "  steps: 10",
  };

  static List<String> ids(SweepSpec spec) {
    return spec.expand().stream().map(RunConfig::runId).toList();
  }

  static String[] with(String[] lines, String... more) {
    List<String> all = new ArrayList<>(List.of(lines));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void theSameSpecDrawsTheSameRuns() {
    assertEquals(ids(parse(SPEC)), ids(parse(SPEC)));
    assertEquals(12, new HashSet<>(ids(parse(SPEC))).size(), "12 distinct runs");
  }

  /**
   * The draws are published as run ids in tables and resume keys, like a grid's: the first runs of
   * the shipped random search are pinned, so a change to how a sample is drawn (the hash, the
   * formulas, the rounding) shows here before it orphans staged runs.
   */
  @Test
  void theShippedSearchsDrawsArePinned() {
    List<RunConfig> runs =
        SpecParser.parse(java.nio.file.Path.of("jobs", "random_search.yaml")).expand();
    assertEquals(12, runs.size());
    assertEquals(
        List.of("e6068313faa399bf", "8dae79cecb0342d8", "350c8df2cd332717"),
        runs.subList(0, 3).stream().map(RunConfig::runId).toList());
    assertEquals(List.of(0.00433056, 0.00167948, 0.0362092), rates(runs.subList(0, 3)));
    assertEquals(1.16386, runs.get(0).initScale());
  }

  @Test
  void theOrderTheSpecListsItsKeysInDoesNotMatter() {
    SweepSpec reordered =
        parse(
            "name: rs",
            "training:",
            "  steps: 10",
            "  batch_size: {int_uniform: [16, 64]}",
            "  learning_rate: {log_uniform: [0.0001, 0.1]}",
            "model:",
            "  activation: {choice: [relu, tanh]}",
            "  init_scale: {uniform: [0.5, 2.0]}",
            "  width: {int_log_uniform: [8, 256]}",
            "dataset: {input_dim: 4, classes: 2, train_size: 64, test_size: 32}",
            "search: {samples: 12, method: random}",
            "seed: 7");
    assertEquals(ids(parse(SPEC)), ids(reordered));
  }

  @Test
  void keysLeftAtTheirDefaultDoNotChangeTheRuns() {
    List<String> before = ids(parse(SPEC));
    String[] spec = SPEC.clone();
    spec[spec.length - 1] = "  steps: 10\n  momentum: 0.0\n  schedule: constant";
    assertEquals(before, ids(parse(with(spec, "limits: {max_runs: 10000}"))));
  }

  @Test
  void anotherDistributionLeavesTheOtherKeysDrawsAlone() {
    SweepSpec base = parse(SPEC);
    SweepSpec more = parse(with(SPEC, "  weight_decay: {log_uniform: [0.00001, 0.01]}"));
    for (int i = 0; i < 12; i++) {
      RunConfig a = base.expand().get(i);
      RunConfig b = more.expand().get(i);
      assertEquals(a.learningRate(), b.learningRate());
      assertEquals(a.width(), b.width());
      assertEquals(a.activation(), b.activation());
      assertNotEquals(0.0, b.weightDecay());
    }
  }

  @Test
  void samplesTimesRepeatsRuns() {
    SweepSpec spec = parse(with(SPEC, "repeats: 3"));
    assertEquals(36, spec.runCount());
    List<RunConfig> runs = spec.expand();
    assertEquals(36, runs.size());
    for (int i = 0; i < runs.size(); i += 3) {
      for (int r = 0; r < 3; r++) {
        RunConfig run = runs.get(i + r);
        assertEquals(r, run.repeat(), "the repeat index varies fastest");
        assertEquals(runs.get(i).learningRate(), run.learningRate(), "repeats share the draw");
        assertEquals(runs.get(i).width(), run.width());
      }
    }
    assertEquals(36, new HashSet<>(ids(spec)).size());
  }

  @Test
  void everyDrawLiesInItsRangeWithTheKeysType() {
    SweepSpec spec = parse(SPEC);
    for (RunConfig run : spec.expand()) {
      assertTrue(run.width() >= 8 && run.width() <= 256, "width " + run.width());
      assertTrue(run.initScale() >= 0.5 && run.initScale() <= 2.0, "init " + run.initScale());
      assertTrue(List.of("relu", "tanh").contains(run.activation()), run.activation());
      assertTrue(
          run.learningRate() >= 1e-4 && run.learningRate() <= 0.1, "lr " + run.learningRate());
      assertTrue(run.batchSize() >= 16 && run.batchSize() <= 64, "batch " + run.batchSize());
      assertEquals(10, run.steps());
    }
    for (Object width : spec.values().get(SpecKeys.WIDTH)) {
      assertEquals(Integer.class, width.getClass(), "an integer key holds integers");
    }
    for (Object rate : spec.values().get(SpecKeys.LEARNING_RATE)) {
      assertEquals(Double.class, rate.getClass());
    }
    assertTrue(spec.axes().contains(SpecKeys.LEARNING_RATE), "a drawn key varies: an axis");
  }

  /**
   * 2000 log-uniform draws on [1e-4, 1]: half lie below the geometric midpoint 1e-2. Uniform draws
   * put 1 % there, so the test tells the two apart; 0.5 ± 0.05 is over 4 standard deviations
   * (sqrt(0.25 / 2000) = 0.011).
   */
  @Test
  void logUniformIsUniformInTheLogarithm() {
    SweepSpec spec =
        parse(
            "name: lu",
            "search: {method: random, samples: 2000}",
            "training: {learning_rate: {log_uniform: [0.0001, 1.0]}, weight_decay: {uniform:"
                + " [0.0001, 1.0]}}");
    List<RunConfig> runs = spec.expand();
    assertEquals(2000, runs.size());
    double logBelow = runs.stream().filter(r -> r.learningRate() < 1e-2).count() / 2000.0;
    assertEquals(0.5, logBelow, 0.05, "log_uniform below the geometric midpoint");
    double uniformBelow = runs.stream().filter(r -> r.weightDecay() < 1e-2).count() / 2000.0;
    assertTrue(uniformBelow < 0.03, "uniform below 1e-2: " + uniformBelow);
    double uniformHalf = runs.stream().filter(r -> r.weightDecay() < 0.50005).count() / 2000.0;
    assertEquals(0.5, uniformHalf, 0.05, "uniform below the arithmetic midpoint");
  }

  @Test
  void intLogUniformGivesEachIntegerItsLogWidth() {
    SweepSpec spec =
        parse(
            "name: ilu",
            "search: {method: random, samples: 4000}",
            "limits: {max_runs: 4000}",
            "model: {width: {int_log_uniform: [1, 8]}, init_scale: {uniform: [0.5, 2.0]}}");
    List<RunConfig> runs = spec.expand();
    // P(k) = ln((k + 1/2) / (k - 1/2)) / ln(8.5 / 0.5): 1 takes 0.388, 8 takes 0.044.
    double ones = runs.stream().filter(r -> r.width() == 1).count() / (double) runs.size();
    double eights = runs.stream().filter(r -> r.width() == 8).count() / (double) runs.size();
    assertEquals(Math.log(3) / Math.log(17), ones, 0.03);
    assertEquals(Math.log(8.5 / 7.5) / Math.log(17), eights, 0.015);
    Set<Integer> widths = new HashSet<>();
    runs.forEach(r -> widths.add(r.width()));
    assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7, 8), widths, "both ends are drawn");
  }

  @Test
  void theGridCrossesTheSamples() {
    SweepSpec spec =
        parse(
            "name: g",
            "search: {method: random, samples: 5}",
            "model: {width: [32, 64, 128], init_scale: {uniform: [0.5, 2.0]}}",
            "training: {learning_rate: {log_uniform: [0.0001, 0.1]}}");
    assertEquals(15, spec.runCount());
    List<RunConfig> runs = spec.expand();
    assertEquals(15, runs.size());
    assertEquals(List.of(SpecKeys.WIDTH, SpecKeys.INIT_SCALE, SpecKeys.LEARNING_RATE), spec.axes());
    for (int w = 0; w < 3; w++) {
      for (int s = 0; s < 5; s++) {
        RunConfig run = runs.get(w * 5 + s);
        assertEquals(List.of(32, 64, 128).get(w), run.width(), "the axis varies slowest");
        assertEquals(runs.get(s).learningRate(), run.learningRate(), "each width, the same draws");
        assertEquals(runs.get(s).initScale(), run.initScale());
      }
    }
  }

  @Test
  void theSweepSeedOrSearchSeedChoosesTheDraws() {
    String[] other = SPEC.clone();
    other[1] = "seed: 8";
    List<Double> rates = rates(parse(SPEC));
    assertNotEquals(rates, rates(parse(other)), "another sweep seed draws others");
    other[2] = "search: {method: random, samples: 12, seed: 7}";
    List<Double> pinned = rates(parse(other));
    assertEquals(rates, pinned, "search.seed 7 under sweep seed 8 draws as sweep seed 7");
  }

  private static List<Double> rates(SweepSpec spec) {
    return rates(spec.expand());
  }

  private static List<Double> rates(List<RunConfig> runs) {
    return runs.stream().map(RunConfig::learningRate).toList();
  }

  @Test
  void theRecordedSpecExpandsToTheSameRuns() {
    SweepSpec spec = parse(with(SPEC, "  weight_decay: [0.0, 0.001]", "repeats: 2"));
    assertEquals(48, spec.runCount());
    String json = spec.canonicalJson();
    assertTrue(json.contains("\"training.learning_rate\":{\"log_uniform\":[1.0E-4,0.1]}"), json);
    assertTrue(json.contains("\"search.samples\":12"), json);
    SweepSpec back = SpecParser.fromCanonicalJson(json);
    assertEquals(ids(spec), ids(back));
    assertEquals(json, back.canonicalJson());
    assertEquals(spec.runCount(), back.runCount());
  }

  @Test
  void aGridRecordsNoSearch() {
    String json = parse("name: g", "model: {width: [8, 16]}").canonicalJson();
    assertFalse(json.contains("search"), json);
    assertFalse(json.contains("configs"), json);
  }

  @Test
  void repeatedDrawsAreOneConfiguration() {
    SweepSpec spec =
        parse(
            "name: c",
            "search: {method: random, samples: 20}",
            "model: {activation: {choice: [relu, tanh]}}");
    assertEquals(2, spec.search().points().size());
    assertEquals(2, spec.runCount());
    assertEquals(2, spec.expand().size());
    assertTrue(spec.search().describe().contains("20 samples (2 distinct)"));
  }

  @Test
  void crossKeyRulesHoldForEveryCombinationTheDistributionsCanDraw() {
    // Keys are drawn independently, so any draw may pair adam with momentum: refused whatever the
    // seed, as the grid of the same values is.
    assertMessage(
        parseFails(
            "name: x",
            "search: {method: random, samples: 4}",
            "training: {optimizer: {choice: [sgd, adam]}, momentum: {uniform: [0.5, 0.9]}}"),
        "training.momentum = {uniform=[0.5, 0.9]} is not defined with training.optimizer = adam");
  }

  @Test
  void anAnalysisAxisDrawnWithAnotherKeyIsRefused() {
    // Each draw is its own learning rate, so grouping by learning_rate leaves one run per group.
    UserError e =
        parseFails(
            "name: x",
            "search: {method: random, samples: 8}",
            "model: {width: {int_uniform: [8, 64]}}",
            "training: {learning_rate: {log_uniform: [0.001, 0.1]}}",
            "analysis: {scaling: params}");
    assertEquals(
        "analysis.scaling = 'params' fits across model.width, which the random search draws, and"
            + " the search also draws training.learning_rate: the analysis groups runs by every"
            + " other key that varies, so each group holds one draw and there is nothing to fit."
            + " Make training.learning_rate a grid axis (a list) or give it one value, or leave"
            + " analysis.scaling out",
        e.getMessage());
    assertMessage(
        parseFails(
            "name: x",
            "search: {method: random, samples: 8}",
            "model: {width: [8, 16], activation: {choice: [relu, tanh]}}",
            "training: {learning_rate: {log_uniform: [0.001, 0.1]}}",
            "analysis: {lr_transfer: 'yes'}",
            "dataset: {val_size: 64}"),
        "analysis.lr_transfer = 'yes' fits across training.learning_rate",
        "the search also draws model.activation");
    assertMessage(
        parseFails(
            "name: x",
            "search: {method: random, samples: 8}",
            "dataset: {train_size: {int_uniform: [8, 64]}, label_noise: {uniform: [0, 0.2]}}",
            "analysis: {double_descent: train_size}"),
        "analysis.double_descent = 'train_size' fits across dataset.train_size");
    // A grid axis beside the drawn one splits the draws into groups that each hold all of them.
    parse(
        "name: x",
        "search: {method: random, samples: 8}",
        "model: {width: {int_uniform: [8, 64]}}",
        "training: {learning_rate: [0.001, 0.01]}",
        "analysis: {scaling: params}");
    // The joint fit L(N, D) takes scattered points: width and train_size drawn together fit.
    parse(
        "name: x",
        "search: {method: random, samples: 8}",
        "model: {width: {int_uniform: [8, 64]}}",
        "dataset: {train_size: {int_uniform: [32, 256]}}",
        "analysis: {scaling: params, scaling_data: train_size}");
  }

  // --- bad input ------------------------------------------------------------------------------

  static UserError fails(String key, String value) {
    return parseFails("name: x", "search: {method: random, samples: 4}", key + ": " + value);
  }

  @Test
  void anUnknownDistributionSuggestsTheNearest() {
    UserError e = fails("training", "{learning_rate: {loguniform: [0.001, 0.1]}}");
    assertEquals(
        "unknown distribution 'loguniform' for training.learning_rate. Did you mean"
            + " 'log_uniform'? Accepted: uniform, log_uniform, int_uniform, int_log_uniform, choice"
            + " (a random search), or range, log2 (a grid axis).",
        e.getMessage());
  }

  @Test
  void anEmptyRangeIsRefused() {
    assertMessage(
        fails("model", "{init_scale: {uniform: [2.0, 2.0]}}"),
        "model.init_scale.uniform",
        "is an empty range",
        "low < high",
        "found [2.0, 2.0]");
    assertMessage(
        fails("model", "{init_scale: {uniform: [2.0, 1.0]}}"), "is an empty range", "[2.0, 1.0]");
    assertMessage(
        fails("training", "{learning_rate: {log_uniform: [0, 0.1]}}"),
        "training.learning_rate.log_uniform starts at or below 0",
        "0 < low",
        "found [0, 0.1]");
    assertMessage(
        fails("training", "{learning_rate: {log_uniform: [0.1, 0.01]}}"),
        "training.learning_rate.log_uniform is an empty range");
    assertMessage(
        fails("model", "{width: {int_log_uniform: [0, 64]}}"),
        "model.width.int_log_uniform starts at or below 0");
    assertEquals(
        "model.width.int_uniform holds one integer, 8: give it as a plain value (model.width: 8),"
            + " or [low, high] with low < high to draw, found [8, 8]",
        fails("model", "{width: {int_uniform: [8, 8]}}").getMessage());
    assertMessage(
        fails("model", "{width: {int_log_uniform: [9, 8]}}"),
        "model.width.int_log_uniform is an empty range");
  }

  @Test
  void aRangeMustHoldTwoNumbersTheKeyAccepts() {
    assertMessage(
        fails("model", "{init_scale: {uniform: [1.0]}}"),
        "model.init_scale.uniform must be a list of two finite numbers");
    assertMessage(fails("model", "{width: {int_uniform: [8.5, 64]}}"), "integer ends", "[8.5, 64]");
    // 2^64 + 1 is no 32-bit integer, though its low 64 bits are 1.
    assertEquals(
        "model.width.int_uniform = [1, 18446744073709551617] reaches a value the key refuses"
            + " (every draw lies in [low, high]): model.width must fit in a 32-bit integer, found"
            + " 18446744073709551617",
        fails("model", "{width: {int_uniform: [1, 18446744073709551617]}}").getMessage());
    assertMessage(
        fails("model", "{width: {int_uniform: [1, 1.0e20]}}"),
        "model.width.int_uniform = [1, 1.0E20] reaches a value the key refuses",
        "must fit in a 32-bit integer");
    assertMessage(
        fails("training", "{momentum: {uniform: [0.0, 1.0]}}"),
        "training.momentum.uniform = [0.0, 1.0] reaches a value the key refuses",
        "training.momentum must be a number in [0, 1), found 1.0");
  }

  @Test
  void aDistributionMustFitTheKeysType() {
    assertMessage(
        fails("model", "{width: {uniform: [8, 64]}}"),
        "model.width holds an integer",
        "use int_uniform, int_log_uniform or choice");
    assertMessage(
        fails("training", "{learning_rate: {int_uniform: [1, 3]}}"),
        "use uniform, log_uniform or choice");
    assertMessage(fails("model", "{activation: {uniform: [0, 1]}}"), "use choice");
    assertMessage(
        fails("dataset", "{test_size: {int_uniform: [8, 64]}}"),
        "dataset.test_size takes one value",
        "(it cannot be swept)");
  }

  @Test
  void anEmptyOrRepeatingChoiceIsRefused() {
    assertEquals(
        "model.activation.choice is an empty choice: give at least one value, found []",
        fails("model", "{activation: {choice: []}}").getMessage());
    assertMessage(fails("model", "{activation: {choice: [relu, relu]}}"), "lists a value twice");
    assertMessage(
        fails("model", "{activation: {choice: [relu, gelu]}}"),
        "model.activation must be one of relu, tanh, linear, found 'gelu'");
  }

  @Test
  void samplesMustBeAtLeastOne() {
    assertEquals(
        "search.samples must be >= 1, found 0",
        parseFails(
                "name: x",
                "search: {method: random, samples: 0}",
                "training: {learning_rate: {log_uniform: [0.001, 0.1]}}")
            .getMessage());
  }

  @Test
  void samplesOverMaxRunsNameTheSamples() {
    UserError e =
        parseFails(
            "name: x",
            "repeats: 2",
            "search: {method: random, samples: 60}",
            "model: {width: [8, 16]}",
            "training: {learning_rate: {log_uniform: [0.001, 0.1]}}",
            "limits: {max_runs: 100}");
    assertEquals(
        "the sweep expands to 240 runs, more than limits.max_runs = 100: model.width (2) x"
            + " search.samples (60) x repeats (2). Give fewer search.samples, shrink an axis or"
            + " raise limits.max_runs.",
        e.getMessage());
    assertMessage(
        parseFails(
            "name: x",
            "search: {method: random, samples: 2000000000}",
            "training: {learning_rate: {log_uniform: [0.001, 0.1]}}"),
        "search.samples (2000000000)",
        "limits.max_runs = 10000");
  }

  @Test
  void aDistributionNeedsARandomSearchAndARandomSearchADistribution() {
    assertMessage(
        parseFails("name: x", "training: {learning_rate: {log_uniform: [0.001, 0.1]}}"),
        "training.learning_rate = {log_uniform=[0.001, 0.1]} is a distribution",
        "search: {method: random, samples: N}");
    assertMessage(
        parseFails("name: x", "search: {method: random, samples: 3}", "model: {width: [8, 16]}"),
        "search.method = random draws the keys given as distributions, and the spec gives none");
    assertMessage(
        parseFails("name: x", "search: {samples: 3}"),
        "search.samples = 3 applies to a random search only");
    assertMessage(
        parseFails("name: x", "search: {method: bayes}"),
        "search.method must be one of grid, random, found 'bayes'");
    assertMessage(
        parseFails("name: x", "search: {method: random, sample: 3}"),
        "unknown key 'search.sample'",
        "Did you mean 'samples'?");
  }
}
