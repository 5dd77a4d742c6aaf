package dev.sweeplab.cli;

import static dev.sweeplab.cli.BenchCommand.format;

import dev.sweeplab.cli.BenchCommand.Output;
import dev.sweeplab.cli.BenchCommand.Shape;
import dev.sweeplab.cli.BenchCommand.TableOptions;
import dev.sweeplab.model.StepBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The step-speed table of {@code sweeplab bench}: for each width, {@code bench step} in a fresh JVM
 * (the step runs take), {@code bench step --dl4j-fit} in another (DL4J's own {@code fit}, for
 * comparison) and the PyTorch peer in its own process, one after the other (never two at once),
 * then one Markdown table with the ratio sweeplab / PyTorch of the time per step, and a line naming
 * the BLAS each side actually loaded.
 */
final class BenchTable {
  static final String INSTALL =
      "install torch for it (Debian: apt-get install python3-torch libopenblas0-pthread) or pass"
          + " --python";

  private BenchTable() {}

  /**
   * One row: sweeplab's step as runs take it, DL4J's own {@code fit} of the same network, and the
   * peer, with NaN where the peer was not run.
   */
  record Row(
      StepBench.Size size,
      double ms,
      double gflops,
      double fitMs,
      double peerMs,
      double peerGflops) {}

  static int run(TableOptions options) throws IOException, InterruptedException {
    Shape shape = options.shape;
    List<StepBench.Size> sizes = options.widths.sizes(shape);
    Path script = options.peer != null ? options.peer : BenchCommand.peerScript();
    String peerNote = peerSkipped(options.python, script, shape);
    String better = nativeCore(cpuFlags());
    String sweeplabBlas = null;
    String peerBlas = null;
    String chosen = null;
    List<double[]> sweeplab = new ArrayList<>();
    List<double[]> fit = new ArrayList<>();
    List<double[]> peer = new ArrayList<>();
    List<String> foreachFaster = new ArrayList<>();
    List<String> nativeFaster = new ArrayList<>();
    // Width by width, each side in turn, so that a change in the machine's load between widths
    // moves both sides of a ratio.
    for (StepBench.Size size : sizes) {
      int width = size.width();
      System.err.println("bench: sweeplab, width " + width + " ...");
      Output out = step(size, shape, "--blas");
      sweeplab.add(out.numbers());
      sweeplabBlas = sweeplabBlas == null ? out.note() : sweeplabBlas;
      System.err.println("bench: DL4J fit, width " + width + " ...");
      fit.add(step(size, shape, "--dl4j-fit").numbers());
      if (peerNote != null) {
        continue;
      }
      System.err.println("bench: PyTorch peer, width " + width + " ...");
      Output first = peer(options.python, script, shape, width, shape.env(), "--blas");
      if (first.code() != 0) {
        peerNote =
            "PyTorch peer failed at width " + width + " (exit " + first.code() + ", see stderr)";
        continue;
      }
      double[] best = first.numbers();
      peerBlas = peerBlas == null ? first.note() : peerBlas;
      chosen = chosen == null && peerBlas != null ? core(peerBlas) : chosen;
      // PyTorch's Adam has a second implementation (foreach=True), faster for large tensors.
      System.err.println("bench: PyTorch peer, width " + width + ", Adam foreach ...");
      Output foreach = peer(options.python, script, shape, width, shape.env(), "--foreach");
      if (foreach.code() == 0 && foreach.numbers()[3] < best[3]) {
        best = foreach.numbers();
        foreachFaster.add(width + "");
      }
      if (fallback(chosen, better)) {
        // The peer's OpenBLAS chose a fallback kernel for this CPU: run it on the native one too.
        Map<String, String> env = new HashMap<>(shape.env());
        env.put("OPENBLAS_CORETYPE", better);
        System.err.println("bench: PyTorch peer, width " + width + ", OPENBLAS_CORETYPE=" + better);
        for (String option : List.of("--blas", "--foreach")) {
          Output forced = peer(options.python, script, shape, width, env, option);
          if (forced.code() == 0 && forced.numbers()[3] < best[3]) {
            best = forced.numbers();
            if (!nativeFaster.contains(width + "")) {
              nativeFaster.add(width + "");
            }
          }
        }
      }
      peer.add(best);
    }
    if (peerBlas != null) {
      peerBlas +=
          format(
              "%nPyTorch's Adam: each width compares against the faster of its default"
                  + " (single-tensor) and foreach implementations; foreach was faster at widths"
                  + " %s.",
              foreachFaster.isEmpty() ? "none" : String.join(", ", foreachFaster));
    }
    if (peerBlas != null && fallback(chosen, better)) {
      peerBlas +=
          format(
              "%nPyTorch's OpenBLAS chose %s kernels on a CPU with %s: a fallback. The peer ran"
                  + " again with OPENBLAS_CORETYPE=%s and each width compares against the faster"
                  + " run (the %s one at widths %s).",
              chosen,
              "SkylakeX".equals(better) ? "AVX-512" : "AVX2",
              better,
              better,
              nativeFaster.isEmpty() ? "none" : String.join(", ", nativeFaster));
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < sizes.size(); i++) {
      double[] s = sweeplab.get(i);
      double[] p = i < peer.size() ? peer.get(i) : new double[] {0, 0, 0, Double.NaN, Double.NaN};
      rows.add(new Row(sizes.get(i), s[3], s[4], fit.get(i)[3], p[3], p[4]));
    }
    print(rows, shape, sweeplabBlas, peerNote != null ? peerNote : peerBlas);
    return 0;
  }

  /**
   * The peer's step at {@code width} with {@code options}: its numbers and, with --blas, its BLAS.
   */
  private static Output peer(
      String python,
      Path script,
      Shape shape,
      int width,
      Map<String, String> env,
      String... options)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(python, script.toString()));
    command.addAll(shape.args(width));
    command.addAll(List.of(options));
    return Output.of(command, env);
  }

  /** The {@code core=NAME} a BLAS description names (peer_torch.py's), or null. */
  static String core(String description) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("core=(\\w+)").matcher(description);
    return m.find() ? m.group(1) : null;
  }

  /** The flags of the first CPU in /proc/cpuinfo, or none where it cannot be read. */
  static Set<String> cpuFlags() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("flags")) {
          return Set.of(line.substring(line.indexOf(':') + 1).strip().split("\\s+"));
        }
      }
    } catch (IOException | RuntimeException e) {
      // no flags: no kernel is named native
    }
    return Set.of();
  }

  /**
   * The OpenBLAS kernels made for a CPU with {@code flags}: {@code SkylakeX} with AVX-512 (F, CD,
   * BW, DQ, VL), {@code Haswell} with AVX2 and FMA, else null.
   */
  static String nativeCore(Set<String> flags) {
    if (flags.containsAll(Set.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"))) {
      return "SkylakeX";
    }
    if (flags.containsAll(Set.of("avx2", "fma"))) {
      return "Haswell";
    }
    return null;
  }

  /**
   * Whether OpenBLAS's {@code chosen} kernels are a fallback where {@code better} ones exist: on an
   * AVX-512 CPU anything but its AVX-512 kernels (SkylakeX, Cooperlake, SapphireRapids); on an AVX2
   * CPU anything older than Haswell's (Zen's are Haswell's).
   */
  static boolean fallback(String chosen, String better) {
    if (chosen == null || better == null) {
      return false;
    }
    Set<String> avx512 = Set.of("SKYLAKEX", "COOPERLAKE", "SAPPHIRERAPIDS");
    Set<String> avx2 = Set.of("HASWELL", "ZEN");
    String c = chosen.toUpperCase(java.util.Locale.ROOT);
    return "SkylakeX".equals(better)
        ? !avx512.contains(c)
        : !avx512.contains(c) && !avx2.contains(c);
  }

  /** {@code bench step} of {@code size} in a fresh JVM, with {@code option}. */
  private static Output step(StepBench.Size size, Shape shape, String option)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("bench", "step"));
    args.addAll(shape.args(size.width()));
    args.add(option);
    Output out = Output.of(BenchCommand.javaCommand(args), shape.env());
    if (out.code() != 0) {
      throw new IllegalStateException(
          "bench step " + option + " at width " + size.width() + " exited with code " + out.code());
    }
    return out;
  }

  /** Why the peer cannot run, or null when it can. */
  static String peerSkipped(String python, Path script, Shape shape) throws InterruptedException {
    if (!Files.isRegularFile(script)) {
      return "PyTorch peer skipped: no script " + script + " (--peer names it)";
    }
    try {
      Output torch = Output.of(List.of(python, "-c", "import torch"), shape.env());
      if (torch.code() == 0) {
        return null;
      }
      return "PyTorch peer skipped: " + python + " cannot import torch; " + INSTALL;
    } catch (IOException e) {
      return "PyTorch peer skipped: cannot run " + python + " (" + e.getMessage() + "); " + INSTALL;
    }
  }

  static void print(List<Row> rows, Shape shape, String sweeplabBlas, String peerBlas) {
    StringBuilder t = new StringBuilder();
    t.append(
        "| width | params | sweeplab ms/step | sweeplab GFLOP/s | DL4J fit ms/step"
            + " | PyTorch ms/step | PyTorch GFLOP/s | sweeplab / PyTorch |\n");
    t.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      boolean peer = !Double.isNaN(r.peerMs());
      t.append(
          format(
              "| %d | %,d | %.3f | %.2f | %.3f | %s | %s | %s |%n",
              r.size().width(),
              r.size().params(),
              r.ms(),
              r.gflops(),
              r.fitMs(),
              peer ? format("%.3f", r.peerMs()) : "-",
              peer ? format("%.2f", r.peerGflops()) : "-",
              peer ? format("%.2f", r.ms() / r.peerMs()) : "-"));
    }
    t.append(
        format(
            "%nMLP %d -> w x %d -> %d, batch %d, Adam, %d thread(s); %d timed steps after %d"
                + " warm-up, median of %d blocks; each sweeplab size in a fresh JVM."
                + " GFLOP/s = 6 x params x batch / time per step.%n",
            shape.input,
            shape.depth,
            shape.classes,
            shape.batch,
            shape.threads,
            shape.steps,
            StepBench.warmup(shape.steps),
            Math.min(StepBench.BLOCKS, shape.steps)));
    t.append("sweeplab: ").append(sweeplabBlas == null ? "BLAS unknown" : sweeplabBlas);
    t.append("\nPyTorch: ").append(peerBlas == null ? "BLAS unknown" : peerBlas).append('\n');
    System.out.print(t);
    System.out.flush();
  }
}
