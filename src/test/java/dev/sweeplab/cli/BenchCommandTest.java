package dev.sweeplab.cli;

import static dev.sweeplab.cli.CliTest.assertOnlyUserError;
import static dev.sweeplab.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.cli.CliTest.Result;
import dev.sweeplab.model.StepBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweeplab bench} with tiny sizes: the output formats scripts rely on, the child JVM that
 * sets the thread count, and the table. No timing is asserted.
 */
class BenchCommandTest {
  static final List<String> TINY =
      List.of("--depth", "1", "--batch", "16", "--input", "12", "--classes", "3", "--steps", "5");

  static Result bench(List<String> prefix, String... more) {
    List<String> args = new java.util.ArrayList<>(prefix);
    args.addAll(TINY);
    args.addAll(List.of(more));
    return cli(args.toArray(String[]::new));
  }

  static double[] numbers(String line) {
    String[] fields = line.split(" ");
    assertEquals(5, fields.length, "width depth batch ms_per_step gflops: <" + line + ">");
    double[] v = new double[5];
    for (int i = 0; i < 5; i++) {
      v[i] = Double.parseDouble(fields[i]);
    }
    return v;
  }

  @Test
  void stepPrintsOneLineOfFiveNumbers() {
    // Surefire starts this JVM with OMP_NUM_THREADS=1, so --threads 1 measures in-process.
    Result r = bench(List.of("bench", "step", "--width", "8", "--threads", "1"));
    assertEquals(0, r.code(), r.toString());
    List<String> lines = r.out().lines().toList();
    assertEquals(1, lines.size(), r.toString());
    double[] v = numbers(lines.get(0));
    assertEquals(8, v[0]);
    assertEquals(1, v[1]);
    assertEquals(16, v[2]);
    assertTrue(v[3] > 0 && v[4] > 0, r.toString());
  }

  @Test
  void anotherThreadCountIsMeasuredInAChildJvmStartedWithIt() {
    Result r = bench(List.of("bench", "step", "--width", "8", "--threads", "2", "--blas"));
    assertEquals(0, r.code(), r.toString());
    List<String> lines = r.out().lines().toList();
    assertEquals(2, lines.size(), r.toString());
    assertEquals(8, numbers(lines.get(0))[0]);
    assertTrue(lines.get(1).startsWith("# ND4J "), r.toString());
    assertTrue(lines.get(1).contains("omp threads 2, OMP_NUM_THREADS=2"), r.toString());
    assertTrue(lines.get(1).endsWith("; step: " + StepBench.DENSE_STEP), r.toString());
  }

  @Test
  void tablePrintsARowPerWidthAndSaysWhyThePeerWasSkipped() {
    Result r =
        bench(
            List.of("bench", "--widths", "8,12"),
            "--python",
            "/nonexistent/python3",
            "--threads",
            "1");
    assertEquals(0, r.code(), r.toString());
    assertTrue(
        r.out()
            .contains("| width | params | sweeplab ms/step | sweeplab GFLOP/s | DL4J fit ms/step"),
        r.toString());
    assertTrue(r.out().contains("\n| 8 | 131 | "), r.toString());
    assertTrue(r.out().contains("\n| 12 | 195 | "), r.toString());
    assertTrue(r.out().contains("| - | - | - |"), r.toString());
    assertTrue(r.out().contains("\nsweeplab: ND4J "), r.toString());
    assertTrue(
        r.out().contains("PyTorch: PyTorch peer skipped: cannot run /nonexistent/python3"),
        r.toString());
    assertTrue(
        r.out().contains("apt-get install python3-torch libopenblas0-pthread"), r.toString());
  }

  @Test
  void roofPrintsTheSgemmRoofAndEachWidthsFractionOfIt() {
    Result r =
        bench(List.of("bench", "roof", "--widths", "8,12", "--order", "64", "--threads", "1"));
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("| width | params | ms/step | GFLOP/s | fraction"), r.toString());
    java.util.regex.Matcher row =
        java.util.regex.Pattern.compile(
                "\\n\\| 8 \\| 131 \\| [0-9.]+ \\| ([0-9.]+) \\| ([0-9.]+) \\|")
            .matcher(r.out());
    assertTrue(row.find(), r.toString());
    java.util.regex.Matcher roof =
        java.util.regex.Pattern.compile("sgemm roof: ([0-9.]+) GFLOP/s \\(C = A·B, 64 x 64")
            .matcher(r.out());
    assertTrue(roof.find(), r.toString());
    double fraction = Double.parseDouble(row.group(2));
    double expected = Double.parseDouble(row.group(1)) / Double.parseDouble(roof.group(1));
    assertEquals(expected, fraction, 0.01 + expected * 0.05, r.toString());
    assertTrue(r.out().contains("; OpenBLAS kernels "), r.toString());
  }

  @Test
  void quickstartTimesTheWholeCommandAndSaysWhyThePeerWasSkipped(@TempDir Path dir)
      throws Exception {
    Path spec = dir.resolve("tiny.yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "name: tiny",
            "seed: 1",
            "dataset: {name: teacher_student, input_dim: 4, classes: 2, train_size: 64,"
                + " test_size: 32}",
            "model: {width: [4, 8], depth: 1}",
            "training: {optimizer: adam, learning_rate: 0.01, batch_size: 16, steps: 20}",
            ""));
    Result r =
        cli(
            "bench",
            "quickstart",
            "--spec",
            spec.toString(),
            "--python",
            "/nonexistent/python3",
            "--scratch",
            dir.resolve("scratch").toString());
    assertEquals(0, r.code(), r.toString());
    java.util.regex.Matcher row =
        java.util.regex.Pattern.compile("\\n\\| 1 \\| ([0-9.]+) \\| ([0-9.]+) \\| - \\| - \\|")
            .matcher(r.out());
    assertTrue(row.find(), r.toString());
    double command = Double.parseDouble(row.group(1));
    double sweepLine = Double.parseDouble(row.group(2));
    assertTrue(sweepLine > 0 && sweepLine <= command, r.toString());
    assertTrue(
        r.out().contains("round 1: sweep tiny: 2 runs planned, 2 trained now"), r.toString());
    assertTrue(
        r.out().contains("PyTorch pool skipped: cannot run /nonexistent/python3"), r.toString());
    // The peer's run list: one JSON object per run, the runs' own sizes and schedule.
    List<String> lines = Files.readAllLines(dir.resolve("scratch").resolve("runs.jsonl"));
    assertEquals(2, lines.size());
    com.fasterxml.jackson.databind.JsonNode first =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(0));
    assertEquals(4, first.get("input_dim").asInt());
    assertEquals(64, first.get("train_size").asInt());
    assertEquals(20, first.get("steps").asInt());
    assertEquals(0, first.get("eval_steps").get(0).asInt());
    assertEquals(20, first.get("eval_steps").get(first.get("eval_steps").size() - 1).asInt());
    assertTrue(Files.isDirectory(dir.resolve("scratch").resolve("warehouse-1")));
  }

  @Test
  void thePeersKernelIsAFallbackOnlyWhereTheCpuHasBetter() {
    java.util.Set<String> avx512 =
        java.util.Set.of("avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl");
    java.util.Set<String> avx2 = java.util.Set.of("avx2", "fma", "sse4_2");
    assertEquals("SkylakeX", BenchTable.nativeCore(avx512));
    assertEquals("Haswell", BenchTable.nativeCore(avx2));
    assertEquals(null, BenchTable.nativeCore(java.util.Set.of("sse4_2")));
    // Debian's OpenBLAS 0.3.21 on Zen 4 picks Haswell: a fallback there, not on Zen 3.
    assertTrue(BenchTable.fallback("Haswell", "SkylakeX"));
    assertTrue(BenchTable.fallback("Zen", "SkylakeX"));
    assertTrue(!BenchTable.fallback("SkylakeX", "SkylakeX"));
    assertTrue(!BenchTable.fallback("Cooperlake", "SkylakeX"));
    assertTrue(!BenchTable.fallback("Zen", "Haswell"));
    assertTrue(BenchTable.fallback("Sandybridge", "Haswell"));
    assertTrue(!BenchTable.fallback(null, "SkylakeX"));
    assertEquals(
        "Haswell",
        BenchTable.core(
            "PyTorch 1.13 (OpenBLAS 0.3.21 DYNAMIC_ARCH Haswell MAX_THREADS=64 core=Haswell: /x)"));
    assertEquals(null, BenchTable.core("not OpenBLAS: /usr/lib/libblas.so.3"));
  }

  @Test
  void aBadSizeIsAUserErrorNamingTheOption() {
    assertOnlyUserError(cli("bench", "step", "--width", "0"), "--width must be >= 1, found 0");
    assertOnlyUserError(
        cli("bench", "--widths", "16,0", "--python", "/nonexistent/python3"),
        "--widths must list widths >= 1, found 0");
    assertOnlyUserError(cli("bench", "all", "--steps", "0"), "--steps must be >= 1, found 0");
    assertOnlyUserError(cli("bench", "sweep", "--rounds", "0"), "--rounds must be >= 1, found 0");
    assertOnlyUserError(cli("bench", "roof", "--order", "0"), "--order must be >= 1, found 0");
    assertOnlyUserError(
        cli("bench", "quickstart", "--rounds", "0"), "--rounds must be >= 1, found 0");
  }

  @Test
  void quickstartRefusesASweepThePoolCannotTrain(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("sgd.yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "name: sgd",
            "dataset: {name: teacher_student, input_dim: 4, classes: 2, train_size: 64,"
                + " test_size: 32}",
            "model: {width: 4, depth: 1, activation: tanh}",
            "training: {optimizer: sgd, learning_rate: 0.01, batch_size: 16, steps: 20}",
            ""));
    Result r = cli("bench", "quickstart", "--spec", spec.toString(), "--scratch", dir.toString());
    assertOnlyUserError(r, "activation tanh, optimizer sgd");
    assertTrue(!Files.exists(dir.resolve("runs.jsonl")), "nothing written");
  }
}
