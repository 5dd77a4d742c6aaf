package dev.sweeplab.cli;

import static dev.sweeplab.cli.CliTest.assertOnlyUserError;
import static dev.sweeplab.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A random search and a configurations file through the command line: {@code plan} counts their
 * runs, bad input exits with code 2 writing nothing, and {@code run --configs} with a growing file
 * trains only the new configurations, as an optimiser's ask/tell loop uses it.
 */
class SearchCliTest {
  static final String RANDOM =
      """
      name: cli-rs
      seed: 5
      search: {method: random, samples: 6}
      dataset: {input_dim: 4, classes: 2, teacher_width: 8, train_size: 64, test_size: 32}
      model: {width: [4, 8], depth: 1, init_scale: {uniform: [0.5, 2.0]}}
      training: {learning_rate: {log_uniform: [0.001, 0.1]}, steps: 4, batch_size: 32, eval_points: 2}
      """;

  static final String BASE =
      """
      name: cli-ask
      seed: 5
      dataset: {input_dim: 4, classes: 2, teacher_width: 8, train_size: 64, test_size: 32}
      model: {width: 4, depth: 1}
      training: {steps: 4, batch_size: 32, eval_points: 2}
      """;

  @TempDir Path tmp;

  Path write(String name, String text) throws IOException {
    return Files.writeString(tmp.resolve(name), text);
  }

  @Test
  void planCountsTheRunsOfARandomSearch() throws IOException {
    Result r = cli("plan", write("cli-rs.yaml", RANDOM).toString());
    assertEquals(0, r.code(), r.toString());
    assertTrue(
        r.out().startsWith("sweep cli-rs: 12 runs (12 configurations x 1 repeats)\n"),
        r.toString());
    assertTrue(r.out().contains("  axis model.width              [4, 8]\n"), r.toString());
    assertTrue(
        r.out()
            .contains(
                "  search random: 6 samples (6 distinct), model.init_scale uniform [0.5, 2.0],"
                    + " training.learning_rate log_uniform [0.001, 0.1]\n"),
        r.toString());
    assertEquals("", r.err());
  }

  @Test
  void planCountsTheRunsOfAConfigurationsFile() throws IOException {
    Path spec = write("cli-ask.yaml", BASE);
    Path configs =
        write("ask.jsonl", "{\"learning_rate\": 0.01}\n{\"learning_rate\": 0.03, \"width\": 8}\n");
    Result r = cli("plan", spec.toString(), "--configs", configs.toString());
    assertEquals(0, r.code(), r.toString());
    assertTrue(
        r.out().startsWith("sweep cli-ask: 2 runs (2 configurations x 1 repeats)\n"), r.toString());
    assertTrue(
        r.out()
            .contains("  search configs: 2 configurations of model.width, training.learning_rate"),
        r.toString());
  }

  @Test
  void badSearchInputExitsWithTwoAndWritesNothing() throws IOException {
    Path warehouse = tmp.resolve("wh");
    Path reports = tmp.resolve("reports");
    Path unknown =
        write("bad.yaml", RANDOM.replace("{uniform: [0.5, 2.0]}", "{normal: [0.5, 2.0]}"));
    assertOnlyUserError(
        CliTest.run(unknown, warehouse, reports),
        "unknown distribution 'normal'",
        "model.init_scale");
    Path empty = write("empty.yaml", RANDOM.replace("[0.001, 0.1]", "[0.1, 0.1]"));
    assertOnlyUserError(
        cli("plan", empty.toString()), "training.learning_rate.log_uniform", "is an empty range");
    Path configs = write("bad.jsonl", "{\"learning_rate\": 0.01}\n\n{\"learning_rat\": 0.1}\n");
    Result r =
        CliTest.run(
            write("cli-ask.yaml", BASE), warehouse, reports, "--configs", configs.toString());
    assertOnlyUserError(
        r, "bad.jsonl line 3: unknown key 'learning_rat'", "Did you mean 'learning_rate'?");
    Path notJson = write("notjson.jsonl", "learning_rate=0.1\n");
    assertOnlyUserError(
        cli("plan", tmp.resolve("cli-ask.yaml").toString(), "--configs", notJson.toString()),
        "notjson.jsonl line 1 is not valid JSON");
    Path scattered =
        write(
            "scattered.yaml",
            RANDOM.replace("width: [4, 8]", "width: {int_uniform: [4, 16]}")
                + "analysis: {scaling: width}\n");
    assertOnlyUserError(
        CliTest.run(scattered, warehouse, reports),
        "analysis.scaling = 'width' fits across model.width, which the random search draws",
        "leave analysis.scaling out");
    Path adam =
        write("adam.jsonl", "{\"optimizer\": \"sgd\", \"momentum\": 0.9}\n{\"momentum\": 0.9}\n");
    assertOnlyUserError(
        cli("plan", tmp.resolve("cli-ask.yaml").toString(), "--configs", adam.toString()),
        "adam.jsonl line 2: training.momentum = 0.9 is not defined with training.optimizer = adam");
    assertFalse(Files.exists(warehouse), "no warehouse written for bad input");
    assertFalse(Files.exists(reports), "no report written for bad input");
  }

  /**
   * A random search trains its draws; run again, it draws the same configurations and reuses every
   * run, and status re-expands them from the recorded spec.
   */
  @Test
  void aRandomSearchRunsAndResumesAsAGridDoes() throws IOException {
    Path spec = write("cli-rs.yaml", RANDOM);
    Path warehouse = tmp.resolve("wh");
    Path reports = tmp.resolve("reports");
    Result first = CliTest.run(spec, warehouse, reports);
    assertEquals(0, first.code(), first.toString());
    assertTrue(
        first.out().contains("sweep cli-rs: 12 runs planned, 12 trained now, 0 reused; 12 ok"),
        first.toString());
    Result again = CliTest.run(spec, warehouse, reports);
    assertTrue(
        again.out().contains("sweep cli-rs: 12 runs planned, 0 trained now, 12 reused; 12 ok"),
        again.toString());
    Result status = cli("status", "cli-rs", "--warehouse", warehouse.toString());
    assertEquals(0, status.code(), status.toString());
    assertTrue(status.out().contains("committed 12 runs (12 ok"), status.toString());
  }

  /**
   * An optimiser appends each configuration it asks for to one file and runs the sweep again: the
   * runs already trained are reused, the new one trains, and the table holds them all.
   */
  @Test
  void aGrowingConfigurationsFileTrainsOnlyTheNewConfiguration() throws IOException {
    Path spec = write("cli-ask.yaml", BASE);
    Path configs = write("ask.jsonl", "{\"learning_rate\": 0.01}\n{\"learning_rate\": 0.03}\n");
    String warehouse = tmp.resolve("wh").toString();
    Path reports = tmp.resolve("reports");
    Result first = CliTest.run(spec, Path.of(warehouse), reports, "--configs", configs.toString());
    assertEquals(0, first.code(), first.toString());
    assertTrue(
        first.out().contains("sweep cli-ask: 2 runs planned, 2 trained now, 0 reused; 2 ok"),
        first.toString());

    Files.writeString(
        configs, "{\"learning_rate\": 0.1}\n", java.nio.file.StandardOpenOption.APPEND);
    Result second = CliTest.run(spec, Path.of(warehouse), reports, "--configs", configs.toString());
    assertEquals(0, second.code(), second.toString());
    assertTrue(
        second.out().contains("sweep cli-ask: 3 runs planned, 1 trained now, 2 reused; 3 ok"),
        second.toString());

    Result status = cli("status", "cli-ask", "--warehouse", warehouse);
    assertEquals(0, status.code(), status.toString());
    assertTrue(status.out().contains("committed 3 runs (3 ok"), status.toString());

    Result rows =
        CliTest.sql(
            warehouse,
            "SELECT learning_rate, status FROM runs WHERE sweep = 'cli-ask' ORDER BY learning_rate");
    assertEquals(0, rows.code(), rows.toString());
    assertTrue(
        Pattern.compile("\\|0\\.01 +\\|ok *\\|\n\\|0\\.03 +\\|ok *\\|\n\\|0\\.1 +\\|ok *\\|")
            .matcher(rows.out())
            .find(),
        rows.toString());
  }
}
