package dev.sweeplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sweeplab.cli.CliTest.Result;
import dev.sweeplab.data.DatasetCache;
import dev.sweeplab.data.DatasetSpec;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.UserError;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The corpus of malformed inputs in {@code src/test/resources/malformed/}: every {@code *.yaml}
 * there is one case, run in-process as {@code sweeplab run}. Each must exit with code 2, print
 * every {@code # expect:} line of its header on stderr as one error paragraph (or picocli's usage
 * message) with no stack trace, and write nothing: no warehouse, no report. Spec cases ({@code #
 * kind: spec}) must fail the same way under {@code plan}.
 *
 * <p>Header directives, one per comment line before the YAML: {@code kind} (spec, data or cli),
 * {@code expect} (one or more), {@code args} (more options for {@code run}), {@code spec} (run this
 * path instead of the file) and {@code warehouse} (instead of a fresh directory). In values, {@code
 * ${DATA}} is the corpus's {@code data/} directory, {@code ${TMP}} the case's own temporary
 * directory and {@code ${SPEC}} the spec as run (a copy in {@code ${TMP}}). A case's file is copied
 * byte for byte apart from those names, so a case may hold bytes that are not UTF-8.
 *
 * <p>The data files come from {@code data/make.py}: {@code good/} holds a consistent
 * Fashion-MNIST-shaped set (4 training and 4 test images of 28x28), every other directory a copy of
 * it with exactly one defect.
 */
class MalformedInputTest {
  private static final Path CORPUS = resource("/malformed");
  private static final Set<String> KINDS = Set.of("spec", "data", "cli");
  private static final Pattern DIRECTIVE = Pattern.compile("# ([a-z]+):(.*)");
  private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at \\S+\\(");
  private static final Pattern EXCEPTION_CLASS =
      Pattern.compile("\\b(java|javax|scala|org\\.apache|picocli|dev\\.sweeplab)\\.[\\w.$]+");

  @TempDir Path tmp;

  /** One corpus file with its header read. */
  record Case(
      String name,
      String kind,
      List<String> expects,
      List<String> args,
      String spec,
      String warehouse,
      String text) {
    @Override
    public String toString() {
      return name;
    }
  }

  @TestFactory
  Stream<DynamicTest> everyMalformedInputIsACleanUserError() throws IOException {
    List<Case> cases = corpus();
    assertTrue(cases.size() >= 60, "the corpus holds at least 60 cases, found " + cases.size());
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
  }

  /** The good data directory is good: each data case's directory differs from it in one defect. */
  @Test
  void theGoodDataDirectoryPassesThePreflight() {
    String good = CORPUS.resolve("data").resolve("good").toString();
    SpecParser.parse(
            """
            name: good
            dataset: {name: fashion_mnist, path: "%s", train_size: 4, test_size: 4, val_size: 0}
            """
                .formatted(good),
            "good.yaml")
        .expand()
        .stream()
        .map(DatasetSpec::of)
        .forEach(DatasetCache::check);
  }

  @Test
  void anInternalErrorExitsOneWithOneLineNamingTheLogThatHoldsItsStackTrace() throws IOException {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine(new Broken(() -> new IllegalStateException("a bug")));
    cli.setErr(new PrintWriter(err, true));
    assertEquals(1, cli.execute(), err.toString());
    assertInternalErrorLine(err.toString(), "IllegalStateException: a bug", Broken.class);
  }

  @Test
  void anErrorThatIsNoExceptionIsAnInternalErrorToo() throws IOException {
    // An Error (OutOfMemoryError, StackOverflowError) passes picocli's exception handlers.
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine(new Broken(() -> new StackOverflowError("deep")));
    cli.setErr(new PrintWriter(err, true));
    assertEquals(1, Main.execute(cli), err.toString());
    assertInternalErrorLine(err.toString(), "StackOverflowError: deep", Broken.class);
  }

  /**
   * stderr is one "sweeplab: internal error:" line naming {@code what} and a log file; the file
   * holds the stack trace with a frame of {@code thrower}. The file is removed afterwards.
   */
  private static void assertInternalErrorLine(String err, String what, Class<?> thrower)
      throws IOException {
    assertEquals(1, err.strip().lines().count(), "one line: " + err);
    assertTrue(err.startsWith("sweeplab: internal error: " + what + ";"), err);
    assertFalse(STACK_FRAME.matcher(err).find(), "no stack trace on stderr: " + err);
    Matcher log =
        Pattern.compile("the stack trace is in (\\S+sweeplab-error-\\S+\\.log)").matcher(err);
    assertTrue(log.find(), "names the log file: " + err);
    Path file = Path.of(log.group(1));
    try {
      String trace = Files.readString(file);
      assertTrue(trace.contains(what), trace);
      assertTrue(trace.contains("\tat " + thrower.getName() + "."), trace);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void aUserErrorInsideAnotherExceptionIsStillAUserError() {
    // As Spark delivers an executor's UserError: wrapped, perhaps twice.
    StringWriter err = new StringWriter();
    UserError user = UserError.badValue("model.width", 0, "must be >= 1");
    CommandLine cli =
        Main.commandLine(
            new Broken(
                () -> new RuntimeException("job aborted", new RuntimeException("task", user))));
    cli.setErr(new PrintWriter(err, true));
    assertEquals(2, cli.execute(), err.toString());
    assertEquals(
        "sweeplab: error: model.width must be >= 1, found 0", err.toString().strip(), "no trace");
  }

  /** A command that throws what it is given, as a bug in a real one would. */
  @Command(name = "broken")
  static final class Broken implements Callable<Integer> {
    private final Supplier<Throwable> failure;

    Broken(Supplier<Throwable> failure) {
      this.failure = failure;
    }

    @Override
    public Integer call() {
      Throwable t = failure.get();
      if (t instanceof Error e) {
        throw e;
      }
      throw (RuntimeException) t;
    }
  }

  private void check(Case c) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(c.name()));
    Path copy = dir.resolve(c.name() + ".yaml");
    Map<String, String> vars =
        Map.of(
            "${DATA}", CORPUS.resolve("data").toString(),
            "${TMP}", dir.toString(),
            "${SPEC}", copy.toString());
    // ISO-8859-1 maps each byte to one char and back, so every byte of the case survives.
    Files.write(copy, substitute(c.text(), vars).getBytes(StandardCharsets.ISO_8859_1));
    String spec = c.spec() == null ? copy.toString() : substitute(c.spec(), vars);
    String warehouse =
        c.warehouse() == null
            ? dir.resolve("warehouse").toString()
            : substitute(c.warehouse(), vars);
    List<String> expects = c.expects().stream().map(e -> substitute(e, vars)).toList();

    List<String> run =
        new ArrayList<>(
            List.of(
                "run",
                spec,
                "--warehouse",
                warehouse,
                "--reports",
                dir.resolve("reports").toString()));
    for (String arg : c.args()) {
      run.add(substitute(arg, vars));
    }
    if (!c.args().contains("--master")) {
      run.addAll(List.of("--master", "local[2]"));
    }
    assertCleanUserError(CliTest.cli(run.toArray(String[]::new)), expects, c.text());
    try (Stream<Path> written = Files.list(dir)) {
      assertEquals(
          List.of(copy),
          written.toList(),
          "nothing written (no warehouse, no report) beside the spec in " + dir);
    }
    if (!warehouse.isEmpty()) {
      assertFalse(Files.exists(Path.of(warehouse)), "no warehouse at " + warehouse);
    }

    if (c.kind().equals("spec")) {
      Result plan = CliTest.cli("plan", spec);
      assertCleanUserError(plan, expects, c.text());
      assertEquals("", plan.out(), "plan prints no runs for a bad spec");
    }
  }

  /**
   * Exit code 2; stderr is one "sweeplab: error:" line, or picocli's message and the usage; every
   * expected fragment is in it; and no stack frame or exception class appears (a class name the
   * input itself holds, such as a YAML tag's, may be quoted back).
   */
  private static void assertCleanUserError(Result r, List<String> expects, String input) {
    assertEquals(2, r.code(), r.toString());
    String err = r.err();
    if (err.startsWith("sweeplab: error: ")) {
      assertEquals(1, err.strip().lines().count(), "one paragraph: " + r);
    } else {
      assertTrue(err.contains("Usage: sweeplab run"), "a usage error shows the usage: " + r);
    }
    for (String expect : expects) {
      assertTrue(err.contains(expect), "stderr names <" + expect + ">: " + r);
    }
    assertFalse(STACK_FRAME.matcher(err).find(), "no stack trace: " + r);
    assertFalse(err.contains("Caused by"), "no cause chain: " + r);
    Matcher cls = EXCEPTION_CLASS.matcher(err);
    while (cls.find()) {
      if (!input.contains(cls.group())) {
        fail("no class name, found " + cls.group() + ": " + r);
      }
    }
  }

  private static List<Case> corpus() throws IOException {
    List<Case> cases = new ArrayList<>();
    try (Stream<Path> files = Files.list(CORPUS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        cases.add(read(file));
      }
    }
    return cases;
  }

  private static Case read(Path file) throws IOException {
    String name = file.getFileName().toString().replaceFirst("\\.yaml$", "");
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    String kind = null;
    String spec = null;
    String warehouse = null;
    List<String> expects = new ArrayList<>();
    List<String> args = new ArrayList<>();
    String header = new String(bytes, StandardCharsets.UTF_8);
    for (String line : header.lines().takeWhile(l -> l.startsWith("#")).toList()) {
      Matcher m = DIRECTIVE.matcher(line);
      if (!m.matches()) {
        continue; // what the case is about, for people
      }
      String value = m.group(2).strip();
      switch (m.group(1)) {
        case "kind" -> kind = value;
        case "expect" -> expects.add(value);
        case "args" -> args.addAll(Arrays.asList(value.split("\\s+")));
        case "spec" -> spec = value;
        case "warehouse" -> warehouse = value;
        default -> throw new AssertionError(file + ": unknown directive in '" + line + "'");
      }
    }
    assertTrue(KINDS.contains(kind), file + ": '# kind:' must be one of " + KINDS);
    assertFalse(expects.isEmpty(), file + ": at least one '# expect:' line");
    return new Case(name, kind, expects, args, spec, warehouse, text);
  }

  private static String substitute(String s, Map<String, String> vars) {
    for (Map.Entry<String, String> v : vars.entrySet()) {
      s = s.replace(v.getKey(), v.getValue());
    }
    return s;
  }

  private static Path resource(String name) {
    try {
      return Path.of(MalformedInputTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }
}
