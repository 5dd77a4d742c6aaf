package dev.sweeplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.cli.CliTest.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every subcommand given arguments a person can get wrong: each exits with code 2, and neither
 * stdout nor stderr holds a stack frame. The arguments fail before any training or Spark starts
 * ({@code run} and {@code bench} would otherwise do real work).
 */
class HostileArgumentsTest {
  private static final Pattern FRAME = Pattern.compile("(?m)(\\tat |^\\s+at \\S+\\()");

  @TempDir Path tmp;

  /** One command line and the exit code it must give. */
  record Line(int code, String... args) {
    @Override
    public String toString() {
      return "sweeplab " + String.join(" ", args);
    }
  }

  @TestFactory
  Stream<DynamicTest> everySubcommandRejectsBadArgumentsWithoutAStackTrace() throws IOException {
    String spec = write("ok.yaml", "name: ok\nmodel: {depth: 1}\ntraining: {epochs: 1}\n");
    String latin1 = tmp.resolve("latin1.yaml").toString();
    Files.write(Path.of(latin1), "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    String empty = write("empty.csv", "");
    String wh = tmp.resolve("wh").toString();
    String none = tmp.resolve("none").toString();
    List<Line> lines = new ArrayList<>();
    // sweeplab itself
    lines.add(new Line(2, "--bogus"));
    lines.add(new Line(2, "nosuchcommand"));
    // plan
    lines.add(new Line(2, "plan"));
    lines.add(new Line(2, "plan", spec, "--show", "-1"));
    lines.add(new Line(2, "plan", spec, "--show", "x"));
    lines.add(new Line(2, "plan", spec, "--show", "99999999999"));
    lines.add(new Line(2, "plan", "/dev/zero"));
    lines.add(new Line(2, "plan", tmp.toString()));
    lines.add(new Line(2, "plan", latin1));
    lines.add(new Line(2, "plan", none + ".yaml"));
    // run
    lines.add(new Line(2, "run"));
    lines.add(new Line(2, "run", spec, "--warehouse", wh, "--master", "foo"));
    lines.add(new Line(2, "run", spec, "--warehouse", wh, "--master", "local[0]"));
    lines.add(new Line(2, "run", spec, "--warehouse", wh, "--master", "local-cluster[0,1,1]"));
    lines.add(new Line(2, "run", spec, "--warehouse", wh, "--master", "spark://127.0.0.1:1"));
    lines.add(new Line(2, "run", spec, "--warehouse", "foo://x", "--master", "local[1]"));
    lines.add(new Line(2, "run", spec, "--warehouse", wh, "--night", "yesterday"));
    lines.add(new Line(2, "run", "/dev/zero", "--warehouse", wh, "--master", "local[1]"));
    lines.add(new Line(2, "run", latin1, "--warehouse", wh, "--master", "local[1]"));
    // status
    lines.add(new Line(2, "status", "--warehouse", "foo://x"));
    lines.add(new Line(2, "status", "--warehouse", none));
    lines.add(new Line(2, "status", "a", "b"));
    // analyze
    lines.add(new Line(2, "analyze"));
    lines.add(new Line(2, "analyze", "s", "--warehouse", wh, "--master", "foo"));
    lines.add(new Line(2, "analyze", "s", "--warehouse", "foo://x", "--master", "local[1]"));
    // report
    lines.add(new Line(2, "report"));
    lines.add(new Line(2, "report", "s", "--warehouse", wh, "--master", "local[0]"));
    lines.add(new Line(2, "report", "s", "--warehouse", "foo://x", "--master", "local[1]"));
    // fit
    lines.add(new Line(2, "fit"));
    lines.add(new Line(2, "fit", "--input", empty, "--x", "N", "--y", "L", "--bootstrap", "-5"));
    lines.add(new Line(2, "fit", "--input", empty, "--x", "N", "--y", "L", "--bootstrap", "50"));
    lines.add(new Line(2, "fit", "--input", empty, "--x", "N", "--y", "L", "--master", "local[1]"));
    lines.add(new Line(2, "fit", "--input", none, "--x", "N", "--y", "L", "--master", "local[1]"));
    lines.add(new Line(2, "fit", "--input", empty, "--x", "N", "--y", "L", "--master", "foo"));
    // sql
    lines.add(new Line(2, "sql"));
    lines.add(new Line(2, "sql", "SELECT 1", "--limit", "-1", "--warehouse", wh));
    lines.add(new Line(2, "sql", "DROP TABLE runs", "--warehouse", wh, "--master", "local[1]"));
    lines.add(new Line(2, "sql", "SELECT 1", "--warehouse", wh, "--master", "foo"));
    lines.add(new Line(2, "sql", "SELECT 1", "--warehouse", "foo://x", "--master", "local[1]"));
    // keys
    lines.add(new Line(2, "keys", "--bogus"));
    lines.add(new Line(2, "keys", "--update", none + "/docs.md"));
    // bench and its subcommands
    lines.add(new Line(2, "bench", "--widths", "0"));
    lines.add(new Line(2, "bench", "--widths", "16", "--steps", "0"));
    lines.add(new Line(2, "bench", "--widths", "x"));
    lines.add(new Line(2, "bench", "step", "--width", "0"));
    lines.add(new Line(2, "bench", "step", "--classes", "1"));
    lines.add(new Line(2, "bench", "step", "--threads", "-2"));
    lines.add(new Line(2, "bench", "all", "--widths", "-4"));
    lines.add(new Line(2, "bench", "all", "--depth", "0"));
    lines.add(new Line(2, "bench", "sweep", "--repeats", "0"));
    lines.add(new Line(2, "bench", "sweep", "--rounds", "-1"));
    lines.add(new Line(2, "bench", "sweep", "--master", "foo", "--warehouse", wh));
    lines.add(new Line(2, "bench", "scale", "--runs", "-1"));
    lines.add(new Line(2, "bench", "scale", "--warehouse", "foo://x", "--master", "local[1]"));
    lines.add(new Line(2, "bench", "nosuch"));
    return lines.stream().map(l -> DynamicTest.dynamicTest(l.toString(), () -> check(l, wh)));
  }

  private static void check(Line line, String warehouse) {
    Result r = CliTest.cli(line.args());
    assertEquals(line.code(), r.code(), r.toString());
    assertFalse(FRAME.matcher(r.out()).find(), "no stack frame on stdout: " + r);
    assertFalse(FRAME.matcher(r.err()).find(), "no stack frame on stderr: " + r);
    assertFalse(r.err().contains("Caused by"), "no cause chain: " + r);
    assertTrue(
        r.err().startsWith("sweeplab: error: ")
            || r.err().contains("Usage: sweeplab")
            || r.err().contains("Did you mean: sweeplab"),
        "one error line, or picocli's message with the usage or suggestions: " + r);
    if (r.err().startsWith("sweeplab: error: ")) {
      assertEquals(1, r.err().strip().lines().count(), "one line: " + r);
    }
    assertFalse(Files.exists(Path.of(warehouse)), "nothing written at " + warehouse);
  }

  @Test
  void anUnreachableClusterFailsAtOnceAndLeavesNoPlanBehind() throws IOException {
    String spec = write("ok.yaml", "name: ok\nmodel: {depth: 1}\ntraining: {epochs: 1}\n");
    Path wh = tmp.resolve("wh");
    long start = System.nanoTime();
    Result r =
        CliTest.cli("run", spec, "--warehouse", wh.toString(), "--master", "spark://127.0.0.1:1");
    long seconds = (System.nanoTime() - start) / 1_000_000_000;
    CliTest.assertOnlyUserError(
        r, "cannot reach the Spark master spark://127.0.0.1:1", "spark.sweeplab.connectTimeout");
    assertTrue(seconds < 30, "answered in " + seconds + " s");
    assertFalse(Files.exists(wh), "no warehouse, plan or staging at " + wh);
    // status finds no phantom sweep
    CliTest.assertOnlyUserError(CliTest.cli("status", "--warehouse", wh.toString()), "no sweeps");
  }

  @Test
  void aFiftyMegabyteSpecIsRefusedAtTheSizeLimit() throws IOException {
    Path big = tmp.resolve("big.yaml");
    byte[] line =
        "# padding padding padding padding padding padding padding padding\n"
            .getBytes(StandardCharsets.US_ASCII);
    try (var out = Files.newOutputStream(big)) {
      out.write("name: big\n".getBytes(StandardCharsets.US_ASCII));
      for (long written = 0; written < 50L << 20; written += line.length) {
        out.write(line);
      }
    }
    Result r = CliTest.cli("plan", big.toString());
    CliTest.assertOnlyUserError(r, "is larger than 3145728 bytes (3 MiB)");
    assertEquals("", r.out());
  }

  private String write(String name, String text) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, text);
    return file.toString();
  }
}
