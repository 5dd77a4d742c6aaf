package dev.sweeplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code sweeplab} command line end to end, through {@link Main#execute}. The run and sql
 * commands open and close their own SparkSession, so this class does not share one.
 */
class CliTest {
  static final String TINY =
      """
      name: cli-tiny
      seed: 5
      repeats: 2
      dataset: {input_dim: 4, classes: 2, teacher_width: 8, train_size: 64, test_size: 32}
      model: {width: [4, 8], depth: 1}
      training: {epochs: 2, batch_size: 32, eval_points: 3}
      """;

  @TempDir Path tmp;

  /** What one invocation returned and printed. */
  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
    }
  }

  /**
   * Runs the command line with stdout and stderr captured. Spark prints query results through
   * Scala's Console, which keeps the System.out it first saw, so that is redirected too.
   */
  static Result cli(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream capturedOut = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream capturedErr = new PrintStream(err, true, StandardCharsets.UTF_8);
    System.setOut(capturedOut);
    System.setErr(capturedErr);
    Object code;
    try {
      code =
          scala.Console.withOut(
              capturedOut,
              (scala.Function0<Object>)
                  () ->
                      scala.Console.withErr(
                          capturedErr, (scala.Function0<Object>) () -> Main.execute(args)));
    } finally {
      capturedOut.flush();
      capturedErr.flush();
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    Result result =
        new Result(
            (Integer) code,
            out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8));
    oldOut.println("sweeplab " + String.join(" ", args) + " -> " + result);
    return result;
  }

  Path write(String name, String text) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  /**
   * Asserts exit code 2 and one "sweeplab: error:" paragraph naming every fragment, with no stack
   * trace. Commands that start Spark may log warnings to stderr before it (Spark's own log lines),
   * so the paragraph is looked up rather than required first; see {@link #assertOnlyUserError} for
   * commands that do not start Spark.
   */
  static void assertUserError(Result r, String... fragments) {
    assertEquals(2, r.code(), r.toString());
    int at = r.err().indexOf("sweeplab: error: ");
    assertTrue(at == 0 || (at > 0 && r.err().charAt(at - 1) == '\n'), r.toString());
    String paragraph = r.err().substring(at);
    for (String fragment : fragments) {
      assertTrue(paragraph.contains(fragment), "the error names <" + fragment + ">: " + r);
    }
    assertFalse(paragraph.contains("\tat "), "no stack trace for a user error: " + r);
    assertFalse(paragraph.contains("Exception"), "no exception class for a user error: " + r);
  }

  /** {@link #assertUserError}, and stderr holds nothing but the error paragraph. */
  /** {@code sweeplab run SPEC} into {@code warehouse} and {@code reports}, Spark in-process. */
  static Result run(Path spec, Path warehouse, Path reports, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                spec.toString(),
                "--warehouse",
                warehouse.toString(),
                "--reports",
                reports.toString(),
                "--master",
                "local[2]"));
    args.addAll(List.of(more));
    return cli(args.toArray(String[]::new));
  }

  /** {@code sweeplab sql QUERY} on {@code warehouse} with Spark in-process. */
  static Result sql(String warehouse, String query) {
    return cli("sql", query, "--warehouse", warehouse, "--master", "local[2]");
  }

  static void assertOnlyUserError(Result r, String... fragments) {
    assertUserError(r, fragments);
    assertTrue(r.err().startsWith("sweeplab: error: "), r.toString());
    assertEquals(1, r.err().strip().lines().count(), "one paragraph: " + r);
  }

  @Test
  void planPrintsRunCountAndAxes() {
    Path quickstart = Path.of("jobs", "quickstart.yaml");
    SweepSpec spec = SpecParser.parse(quickstart);
    Result r = cli("plan", quickstart.toString());
    assertEquals(0, r.code(), r.toString());
    assertTrue(
        r.out()
            .startsWith(
                "sweep quickstart: "
                    + spec.runCount()
                    + " runs ("
                    + spec.runCount() / spec.repeats()
                    + " configurations x "
                    + spec.repeats()
                    + " repeats)"),
        r.toString());
    assertFalse(spec.axes().isEmpty(), "quickstart sweeps some axes");
    for (Key axis : spec.axes()) {
      assertTrue(
          Pattern.compile(
                  "axis "
                      + Pattern.quote(axis.path())
                      + " +"
                      + Pattern.quote(spec.values().get(axis).toString()))
              .matcher(r.out())
              .find(),
          "names axis " + axis.path() + ": " + r);
    }
    assertTrue(r.out().contains("first 8 runs:"), r.toString());
    assertEquals("", r.err(), "plan prints nothing on stderr");
  }

  @Test
  void planWithAnUnknownKeyNamesItAndSuggestsTheNearest() throws IOException {
    Path spec =
        write(
            "typo.yaml",
            """
            name: typo
            model:
              widht: 8
            """);
    Result r = cli("plan", spec.toString());
    assertOnlyUserError(r, "model.widht", "Did you mean 'width'?", "Accepted here:");
    assertEquals("", r.out());
  }

  @Test
  void runWithABadSpecWritesNothing() throws IOException {
    Path spec = write("bad.yaml", "name: bad\ntraining: {batch_size: 0}\n");
    Path warehouse = tmp.resolve("wh");
    Path reports = tmp.resolve("reports");
    Result r = run(spec, warehouse, reports);
    assertOnlyUserError(r, "training.batch_size", "must be >= 1", "found 0");
    assertFalse(Files.exists(warehouse), "no warehouse written for a bad spec");
    assertFalse(Files.exists(reports), "no report written for a bad spec");
  }

  @Test
  void runWithAMissingSpecFileIsAUserError() {
    Path missing = tmp.resolve("nowhere.yaml");
    Result r = cli("run", missing.toString(), "--warehouse", tmp.resolve("wh").toString());
    assertOnlyUserError(r, missing.toString(), "does not exist");
    assertFalse(Files.exists(tmp.resolve("wh")));
  }

  @Test
  void unknownOptionIsAUsageError() {
    Result bare = cli("run", "--wat");
    assertEquals(2, bare.code(), bare.toString());
    assertTrue(bare.err().contains("Usage: sweeplab run"), bare.toString());

    // With the SPEC given, the unknown option is what picocli reports (and nothing runs: the
    // spec does not exist, which would be a different message).
    Path missing = tmp.resolve("nowhere.yaml");
    Result r = cli("run", missing.toString(), "--wat");
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("Unknown option: '--wat'"), r.toString());
    assertFalse(r.err().contains("does not exist"), r.toString());
    assertEquals("", r.out());
  }

  @Test
  void aFileSystemConfiguredThroughSparkSettingsIsKnownToTheSchemeCheck() {
    String warehouse = "foo://" + tmp.resolve("wh");
    Result unknown = cli("status", "--warehouse", warehouse);
    assertUserError(unknown, "the scheme 'foo', which no Hadoop file system serves");
    System.setProperty("spark.hadoop.fs.foo.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
    try {
      Result configured = cli("status", "--warehouse", warehouse);
      assertFalse(configured.err().contains("no Hadoop file system serves"), configured.toString());
    } finally {
      System.clearProperty("spark.hadoop.fs.foo.impl");
    }
  }

  @Test
  void everyCommandAnswersHelpWithItsUsage() {
    for (String command :
        new String[] {
          "plan", "run", "status", "analyze", "report", "fit", "sql", "keys", "bench"
        }) {
      Result r = cli(command, "--help");
      assertEquals(0, r.code(), r.toString());
      assertTrue(r.out().startsWith("Usage: sweeplab " + command), r.toString());
    }
  }

  @Test
  void reportsNamingAFileIsRefusedBeforeAnythingIsWritten() throws IOException {
    Path spec = Files.writeString(tmp.resolve("tiny.yaml"), TINY);
    Path warehouse = tmp.resolve("warehouse");
    Result r = run(spec, warehouse, spec);
    assertOnlyUserError(r, "--reports " + spec, "is a file, not a directory");
    assertFalse(Files.exists(warehouse), "nothing trained or written: " + r);
  }

  @Test
  void sqlOnAnEmptyWarehouseSaysThereAreNoTables() throws IOException {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    Result r = cli("sql", "SELECT 1", "--warehouse", empty.toString(), "--master", "local[2]");
    assertUserError(r, "no tables in warehouse", empty.toString());
  }

  @Test
  void statusOfAnEmptyWarehouseSaysThereAreNoSweeps() throws IOException {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    Result r = cli("status", "--warehouse", empty.toString());
    assertOnlyUserError(r, "no sweeps in warehouse", empty.toString());
    assertEquals("", r.out());
  }

  @Test
  void runWithAWarehouseUnderARegularFileNamesThePath() throws IOException {
    Path spec = write("tiny.yaml", TINY);
    Path file = write("afile", "a regular file, not a directory");
    String warehouse = file.resolve("wh").toString();
    Result r =
        cli(
            "run",
            spec.toString(),
            "--warehouse",
            warehouse,
            "--reports",
            tmp.resolve("reports").toString(),
            "--master",
            "local[2]");
    assertUserError(r, warehouse, "--warehouse");
    assertTrue(Files.isRegularFile(file), "the file is left as it was");
  }

  /**
   * The report comes after the commit: when it cannot be written the run still succeeds, says why
   * on stderr and how to write it again, and the tables hold the sweep; {@code report} then writes
   * it.
   */
  @Test
  void aReportThatCannotBeWrittenLeavesTheSweepCommitted() throws IOException {
    Path spec = write("tiny.yaml", TINY);
    Path warehouse = tmp.resolve("wh");
    Path reports = tmp.resolve("reports");
    // A directory where the summary file goes: the report fails after the tables are committed.
    Path summary = Files.createDirectories(reports.resolve("cli-tiny").resolve("summary.md"));
    Result r = run(spec, warehouse, reports);
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("4 runs planned, 4 trained now, 0 reused; 4 ok"), r.toString());
    assertTrue(
        r.err().contains("sweeplab: warning: the report of sweep cli-tiny was not written: ")
            && r.err().contains(summary.toString())
            && r.err()
                .contains(
                    "The tables are committed; once that is fixed, 'sweeplab report cli-tiny"
                        + " --warehouse "
                        + warehouse
                        + " --reports "
                        + reports
                        + "' writes it."),
        r.toString());
    Result count = sql(warehouse.toString(), "SELECT count(*) AS n FROM runs");
    assertTrue(Pattern.compile("\\|4 *\\|").matcher(count.out()).find(), count.toString());

    Files.delete(summary);
    Result again =
        cli(
            "report",
            "cli-tiny",
            "--warehouse",
            warehouse.toString(),
            "--reports",
            reports.toString(),
            "--master",
            "local[2]");
    assertEquals(0, again.code(), again.toString());
    assertTrue(Files.isRegularFile(summary), "report wrote " + summary);
  }

  @Test
  void runThenQueryTheTables() throws IOException {
    Path spec = write("tiny.yaml", TINY);
    String warehouse = tmp.resolve("wh").toString();
    Path reports = tmp.resolve("reports");
    String[] run = {
      "run",
      spec.toString(),
      "--warehouse",
      warehouse,
      "--reports",
      reports.toString(),
      "--master",
      "local[2]"
    };

    Result first = cli(run);
    assertEquals(0, first.code(), first.toString());
    assertTrue(
        first.out().contains("sweep cli-tiny: 4 runs planned, 4 trained now, 0 reused; 4 ok"),
        first.toString());
    assertTrue(first.out().contains("mean over 2 seed(s) per configuration:"), first.toString());
    assertTrue(Files.isDirectory(reports.resolve("cli-tiny")), "report folder written");

    Result again = cli(run);
    assertEquals(0, again.code(), again.toString());
    assertTrue(
        again.out().contains("4 runs planned, 0 trained now, 4 reused; 4 ok"), again.toString());

    Result status = cli("status", "--warehouse", warehouse);
    assertEquals(0, status.code(), status.toString());
    assertTrue(
        Pattern.compile(
                "^sweep cli-tiny: finished [0-9:]+, committed 4 runs \\(4 ok, 0 diverged, 0 failed,"
                    + " 0 timeout\\)\n  started [0-9:]+ \\(app local-[0-9]+, host [^)]+\\); 4"
                    + " planned, 4 reused, 0 trained\n$")
            .matcher(status.out())
            .find(),
        status.toString());
    Result unknown = cli("status", "nope", "--warehouse", warehouse);
    assertOnlyUserError(unknown, "no sweep named 'nope'", "it has: cli-tiny");

    Result count = sql(warehouse, "SELECT count(*) AS n, count(DISTINCT run_id) AS ids FROM runs");
    assertEquals(0, count.code(), count.toString());
    assertTrue(Pattern.compile("\\|n +\\|ids *\\|").matcher(count.out()).find(), count.toString());
    assertTrue(
        Pattern.compile("\\|4 +\\|4 *\\|").matcher(count.out()).find(),
        "4 rows, 4 distinct runs, after two runs of the sweep: " + count);

    Result bad = sql(warehouse, "SELECT nope FROM runs");
    assertUserError(bad, "the query failed", "nope", "runs");
    Result write = sql(warehouse, "INSERT INTO runs SELECT * FROM runs");
    assertOnlyUserError(write, "read-only", "InsertInto");
    Result after = sql(warehouse, "SELECT count(*) AS n, count(DISTINCT run_id) AS ids FROM runs");
    assertTrue(
        Pattern.compile("\\|4 +\\|4 *\\|").matcher(after.out()).find(),
        "the refused INSERT added nothing: " + after);

    Result raised = sql(warehouse, "SELECT raise_error('no such curve')");
    assertOnlyUserError(raised, "the query failed", "no such curve");

    Result syntax = sql(warehouse, "SELEC width FROM runs");
    assertOnlyUserError(syntax, "not valid Spark SQL", "line 1, pos 0");
  }
}
