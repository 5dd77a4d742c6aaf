package dev.sweeplab.spec;

import static dev.sweeplab.spec.Specs.assertMessage;
import static dev.sweeplab.spec.Specs.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code configs: FILE.jsonl} and {@code --configs FILE}: each line is a configuration over the
 * spec's values, crossed with its axes; it survives the canonical JSON, and every malformed line is
 * refused naming its file, line and key.
 */
class ConfigsTest {
  static final String SPEC =
      """
      name: cf
      seed: 3
      repeats: 2
      dataset: {input_dim: 4, classes: 2, train_size: 64, test_size: 32}
      model: {width: 16, depth: 1}
      training: {learning_rate: 0.01, steps: 10}
      configs: proposals.jsonl
      """;

  @TempDir Path tmp;

  Path write(String name, String text) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  SweepSpec withLines(String... lines) throws IOException {
    write("proposals.jsonl", String.join("\n", lines) + "\n");
    return SpecParser.parse(write("cf.yaml", SPEC));
  }

  UserError failsWith(String... lines) {
    return fails(() -> withLines(lines));
  }

  @Test
  void eachLineIsAConfigurationOverTheSpec() throws IOException {
    SweepSpec spec =
        withLines(
            "{\"training.learning_rate\": 0.003, \"model.width\": 32}",
            "",
            "{\"learning_rate\": 0.1}",
            "{}");
    assertEquals(6, spec.runCount(), "3 configurations x 2 repeats");
    List<RunConfig> runs = spec.expand();
    assertEquals(6, runs.size());
    assertEquals(0.003, runs.get(0).learningRate());
    assertEquals(32, runs.get(0).width());
    assertEquals(1, runs.get(1).repeat());
    assertEquals(0.1, runs.get(2).learningRate(), "a column name is a key too");
    assertEquals(16, runs.get(2).width(), "a key a line leaves out keeps the spec's value");
    assertEquals(0.01, runs.get(4).learningRate(), "{} is the spec's own configuration");
    assertEquals(1, runs.get(4).depth());
    assertEquals(
        "configs: 3 configurations of model.width, training.learning_rate",
        spec.search().describe());
  }

  @Test
  void oneConfigurationIsNamedInTheSingular() throws IOException {
    assertEquals(
        "configs: 1 configuration of model.width", withLines("{\"width\": 8}").search().describe());
    assertEquals(
        "random: 1 sample (1 distinct), model.activation choice [relu, tanh]",
        Specs.parse(
                "name: x",
                "search: {method: random, samples: 1}",
                "model: {activation: {choice: [relu, tanh]}}")
            .search()
            .describe());
  }

  @Test
  void aLineRunsAsTheSameRunAsTheGridPoint() throws IOException {
    SweepSpec fromLine = withLines("{\"training.learning_rate\": 0.003}");
    SweepSpec grid =
        SpecParser.parse(
            write(
                "grid.yaml",
                SPEC.replace("learning_rate: 0.01", "learning_rate: 0.003")
                    .replace("configs: proposals.jsonl\n", "")));
    assertEquals(RandomSearchTest.ids(grid), RandomSearchTest.ids(fromLine));
  }

  @Test
  void theAxesCrossTheConfigurations() throws IOException {
    write("proposals.jsonl", "{\"learning_rate\": 0.1}\n{\"learning_rate\": 0.2}\n");
    SweepSpec spec =
        SpecParser.parse(
            write("cf.yaml", SPEC.replace("depth: 1", "depth: [1, 2]").replace("repeats: 2", "")));
    List<RunConfig> runs = spec.expand();
    assertEquals(4, runs.size());
    assertEquals(List.of(1, 1, 2, 2), runs.stream().map(RunConfig::depth).toList());
    assertEquals(List.of(0.1, 0.2, 0.1, 0.2), runs.stream().map(RunConfig::learningRate).toList());
  }

  @Test
  void theRecordedSpecHoldsTheConfigurations() throws IOException {
    SweepSpec spec = withLines("{\"learning_rate\": 0.1, \"width\": 8}", "{\"width\": 64}");
    String json = spec.canonicalJson();
    assertTrue(
        json.contains(
            "\"configs\":[{\"model.width\":8,\"training.learning_rate\":0.1},"
                + "{\"model.width\":64,\"training.learning_rate\":0.01}]"),
        json);
    Files.delete(tmp.resolve("proposals.jsonl"));
    SweepSpec back = SpecParser.fromCanonicalJson(json);
    assertEquals(RandomSearchTest.ids(spec), RandomSearchTest.ids(back));
    assertEquals(json, back.canonicalJson());
  }

  @Test
  void theOptionReplacesTheSpecsFile() throws IOException {
    Path spec = write("cf.yaml", SPEC);
    Path other = write("other.jsonl", "{\"model.depth\": 3}\n");
    SweepSpec parsed = SpecParser.parse(spec, other);
    assertEquals(2, parsed.runCount());
    assertEquals(3, parsed.expand().get(0).depth());
    Path plain = write("plain.yaml", SPEC.replace("configs: proposals.jsonl\n", ""));
    assertEquals(2, SpecParser.parse(plain, other).runCount(), "a spec without configs: too");
  }

  @Test
  void aLineLeavingTheLossOutTakesTheTasks() throws IOException {
    write("proposals.jsonl", "{\"loss\": \"mse\", \"width\": 8}\n{\"width\": 16}\n");
    SweepSpec spec =
        SpecParser.parse(
            write("cf.yaml", SPEC.replace("classes: 2,", "classes: 2, task: regression,")));
    assertEquals(List.of("mse"), spec.values().get(SpecKeys.LOSS));
    assertEquals(
        List.of("mse", "mse", "mse", "mse"), spec.expand().stream().map(RunConfig::loss).toList());
  }

  @Test
  void crossKeyRulesHoldPerConfigurationNotOverTheUnionOfLines() throws IOException {
    // Line 2 takes the spec's optimizer (adam) and momentum (0): no configuration pairs adam with
    // momentum 0.9, ntk or output_scale 4, though the union of the lines' values does.
    SweepSpec spec =
        withLines(
            "{\"optimizer\": \"sgd\", \"momentum\": 0.9}",
            "{\"optimizer\": \"sgd\", \"parameterization\": \"ntk\"}",
            "{\"optimizer\": \"sgd\", \"output_scale\": 4}",
            "{\"learning_rate\": 0.003}");
    List<RunConfig> runs = spec.expand();
    assertEquals(8, runs.size());
    assertEquals("sgd", runs.get(0).optimizer());
    assertEquals(0.9, runs.get(0).momentum());
    assertEquals("adam", runs.get(6).optimizer());
    assertEquals(0.0, runs.get(6).momentum());
  }

  @Test
  void aConfigurationBreakingACrossKeyRuleNamesItsLine() {
    Path file = tmp.resolve("proposals.jsonl");
    assertEquals(
        file
            + " line 2: training.momentum = 0.9 is not defined with training.optimizer = adam"
            + " (Adam's beta1 is its momentum): use training.optimizer: sgd, or leave"
            + " training.momentum out (0)",
        failsWith("{\"optimizer\": \"sgd\", \"momentum\": 0.9}", "{\"momentum\": 0.9}")
            .getMessage());
    assertMessage(
        failsWith("{\"optimizer\": \"sgd\"}", "{\"parameterization\": \"ntk\"}"),
        file
            + " line 2: model.parameterization = ntk is not defined with training.optimizer ="
            + " adam");
    assertMessage(
        failsWith("{\"optimizer\": \"sgd\"}", "{\"output_scale\": 4}"),
        file + " line 2: model.output_scale = 4.0 is not defined with training.optimizer = adam");
  }

  @Test
  void aLineFollowsTheGridsRuleOnStepsAndEpochs() throws IOException {
    Path file = tmp.resolve("proposals.jsonl");
    assertEquals(
        file
            + " line 2: training.epochs = 20 and training.steps = 10 are both set in this"
            + " configuration: give one of them (steps, when > 0, replaces epochs)",
        failsWith("{\"width\": 8}", "{\"epochs\": 20}").getMessage());
    write("proposals.jsonl", "{\"steps\": 100}\n{\"width\": 8}\n");
    UserError e =
        fails(() -> SpecParser.parse(write("cf.yaml", SPEC.replace("steps: 10", "epochs: 20"))));
    assertEquals(
        file
            + " line 1: training.epochs = 20 and training.steps = 100 are both set in this"
            + " configuration: give one of them (steps, when > 0, replaces epochs)",
        e.getMessage());
    write("proposals.jsonl", "{\"steps\": 0, \"epochs\": 2}\n{\"width\": 8}\n");
    List<RunConfig> runs = SpecParser.parse(write("cf.yaml", SPEC)).expand();
    assertEquals(List.of(0, 0, 10, 10), runs.stream().map(RunConfig::steps).toList());
    assertEquals(2, runs.get(0).epochs());
  }

  @Test
  void anAnalysisAxisThatVariesPerLineWithAnotherKeyIsRefused() throws IOException {
    String lines =
        "{\"width\": 8, \"learning_rate\": 0.1}\n{\"width\": 16, \"learning_rate\": 0.05}\n"
            + "{\"width\": 32, \"learning_rate\": 0.02}\n";
    write("proposals.jsonl", lines);
    UserError e =
        fails(() -> SpecParser.parse(write("cf.yaml", SPEC + "analysis: {scaling: params}\n")));
    assertMessage(
        e,
        "analysis.scaling = 'params' fits across model.width, which varies from line to line of"
            + " the configurations, and so does training.learning_rate",
        "Set it in the spec rather than the lines: make training.learning_rate a grid axis (a"
            + " list) or give it one value");
    write("proposals.jsonl", "{\"width\": 8}\n{\"width\": 16}\n{\"width\": 32}\n");
    SpecParser.parse(write("cf.yaml", SPEC + "analysis: {scaling: params}\n"));
  }

  // --- bad input ------------------------------------------------------------------------------

  @Test
  void aLineThatIsNotJsonNamesItsLine() {
    UserError e = failsWith("{\"learning_rate\": 0.1}", "{learning_rate: 0.1}");
    assertMessage(e, "proposals.jsonl line 2 is not valid JSON", "give one object per line");
    assertMessage(failsWith("{\"width\": 8} {\"width\": 16}"), "line 1 is not valid JSON");
    assertMessage(failsWith("{\"width\": 8, \"width\": 16}"), "line 1 is not valid JSON", "width");
  }

  @Test
  void aLineThatIsNotAnObjectIsRefused() {
    assertMessage(
        failsWith("[0.1, 8]"),
        "proposals.jsonl line 1 must be a JSON object of run keys, found [0.1, 8] (a list)");
  }

  @Test
  void anUnknownKeyNamesTheNearest() {
    UserError e = failsWith("{\"learning_rate\": 0.1}", "", "{\"training.learnin_rate\": 0.1}");
    assertMessage(
        e,
        "proposals.jsonl line 3: unknown key 'training.learnin_rate'.",
        "Did you mean 'training.learning_rate'?");
    assertMessage(failsWith("{\"widht\": 8}"), "unknown key 'widht'", "Did you mean 'width'?");
  }

  @Test
  void aValueTheKeyRefusesNamesItsLine() {
    assertEquals(
        tmp.resolve("proposals.jsonl") + " line 1: model.width must be >= 1, found 0",
        failsWith("{\"model.width\": 0}").getMessage());
    assertMessage(
        failsWith("{\"width\": 8.5}"), "line 1: model.width must be an integer, found 8.5");
    assertMessage(failsWith("{\"width\": [8, 16]}"), "line 1: model.width must be an integer");
  }

  @Test
  void aKeyTheSweepSharesOrSweepsIsRefused() throws IOException {
    assertMessage(
        failsWith("{\"dataset.test_size\": 8}"),
        "line 1 sets dataset.test_size, which takes one value for the whole sweep");
    write("proposals.jsonl", "{\"model.depth\": 3}\n");
    UserError e =
        fails(() -> SpecParser.parse(write("cf.yaml", SPEC.replace("depth: 1", "depth: [1, 2]"))));
    assertMessage(e, "line 1 sets model.depth, which the spec sweeps as an axis [1, 2]");
  }

  @Test
  void aRepeatedConfigurationIsRefused() {
    assertMessage(
        failsWith("{\"width\": 8}", "{\"width\": 16}", "{\"model.width\": 8}"),
        "proposals.jsonl line 3 repeats the configuration of",
        "proposals.jsonl line 1");
    assertMessage(
        failsWith("{\"learning_rate\": 0.01}", "{}"), "line 2 repeats the configuration of");
  }

  @Test
  void anEmptyOrMissingFileIsRefused() throws IOException {
    assertMessage(failsWith("", "  "), "proposals.jsonl' holds no configurations");
    Files.delete(tmp.resolve("proposals.jsonl"));
    Path spec = write("cf.yaml", SPEC);
    assertMessage(fails(() -> SpecParser.parse(spec)), "proposals.jsonl' does not exist");
    assertMessage(
        fails(() -> SpecParser.parse(spec, tmp.resolve("absent.jsonl"))),
        "absent.jsonl' does not exist");
  }

  @Test
  void aBlankPathIsRefusedAsNamingNoFile() throws IOException {
    for (String blank : List.of("''", "'  '")) {
      UserError e =
          fails(
              () ->
                  SpecParser.parse(
                      write(
                          "cf.yaml",
                          SPEC.replace("configs: proposals.jsonl", "configs: " + blank))));
      assertMessage(e, "configs = '", "' names no file", "leave configs out");
    }
    Path spec = write("cf.yaml", SPEC.replace("configs: proposals.jsonl\n", ""));
    assertMessage(
        fails(() -> SpecParser.parse(spec, Path.of(""))),
        "the configurations file '' names no file");
  }

  @Test
  void configsAndARandomSearchAreExclusive() throws IOException {
    write("proposals.jsonl", "{\"width\": 8}\n");
    String spec =
        SPEC.replace("learning_rate: 0.01", "learning_rate: {log_uniform: [0.001, 0.1]}")
            + "search: {method: random, samples: 3}\n";
    assertMessage(
        fails(() -> SpecParser.parse(write("cf.yaml", spec))),
        "configs and search.method = random both choose the configurations");
  }

  @Test
  void tooManyConfigurationsAreRefusedBeforeAnyIsRead() throws IOException {
    write("proposals.jsonl", "{\"width\": 8}\n{\"width\": 16}\n{\"width\": 32}\n");
    UserError e = fails(() -> SpecParser.parse(write("cf.yaml", SPEC + "limits: {max_runs: 5}\n")));
    assertEquals(
        "the sweep expands to 6 runs, more than limits.max_runs = 5: the configurations (3) x"
            + " repeats (2). Give fewer configurations, shrink an axis or raise limits.max_runs.",
        e.getMessage());
  }
}
