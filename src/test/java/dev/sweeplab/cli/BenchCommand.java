package dev.sweeplab.cli;

import dev.sweeplab.engine.Sessions;
import dev.sweeplab.engine.SweepBench;
import dev.sweeplab.model.StepBench;
import dev.sweeplab.spec.UserError;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sweeplab bench}: how fast sweeplab trains one step of an MLP, against the same step in
 * PyTorch on the same CPU ({@code bench/peer_torch.py}). {@code bench step} measures one size in
 * this JVM ({@link StepBench}); {@code bench} (or {@code bench all}) measures each width in a fresh
 * JVM, so JIT and ND4J state do not carry from one size to the next, runs the PyTorch peer for the
 * same sizes when the Python given has torch, and prints a Markdown table.
 *
 * <p>Threads: ND4J's OpenMP and BLAS read {@code OMP_NUM_THREADS} once, when the JVM starts, so a
 * measurement asked to use {@code --threads} other than the environment's runs in a child JVM (same
 * java, JVM options and class path) started with {@code OMP_NUM_THREADS}, {@code
 * OPENBLAS_NUM_THREADS} and {@code MKL_NUM_THREADS} set to it; the PyTorch peer is started with the
 * same variables, since {@code torch.set_num_threads} does not limit the BLAS.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Step speed: ms per training step and GFLOP/s of sweeplab (DL4J) against PyTorch on CPU.",
      "Without a subcommand it prints the table, as 'bench all' does."
    },
    subcommands = {
      BenchCommand.Step.class,
      BenchCommand.All.class,
      BenchCommand.Roof.class,
      BenchCommand.Quickstart.class,
      BenchCommand.Sweep.class,
      BenchCommand.Scale.class
    })
final class BenchCommand implements Callable<Integer> {
  /** Set in a child JVM's environment, so that it never starts another. */
  static final String CHILD = "SWEEPLAB_BENCH_CHILD";

  @Mixin TableOptions table;

  @Override
  public Integer call() throws IOException, InterruptedException {
    return BenchTable.run(table);
  }

  /** The shape and length of a measurement, shared by {@code step} and the table. */
  static final class Shape {
    @Option(names = "--depth", defaultValue = "2", description = "hidden layers (default 2)")
    int depth;

    @Option(names = "--batch", defaultValue = "128", description = "minibatch (default 128)")
    int batch;

    @Option(names = "--input", defaultValue = "784", description = "input features (default 784)")
    int input;

    @Option(names = "--classes", defaultValue = "10", description = "classes (default 10)")
    int classes;

    @Option(
        names = "--steps",
        defaultValue = "500",
        description = "timed steps, after max(20, steps/5) warm-up steps (default 500)")
    int steps;

    @Option(
        names = "--threads",
        defaultValue = "1",
        description = "OpenMP / BLAS threads (default 1)")
    int threads;

    /** The size at {@code width}, with every option checked. */
    StepBench.Size size(int width) {
      if (steps < 1) {
        throw UserError.badValue("--steps", steps, "must be >= 1");
      }
      if (threads < 1) {
        throw UserError.badValue("--threads", threads, "must be >= 1");
      }
      return new StepBench.Size(width, depth, batch, input, classes);
    }

    /**
     * The options of one measurement at {@code width}, as the step command and the peer take them.
     */
    List<String> args(int width) {
      return List.of(
          "--width",
          "" + width,
          "--depth",
          "" + depth,
          "--batch",
          "" + batch,
          "--input",
          "" + input,
          "--classes",
          "" + classes,
          "--steps",
          "" + steps,
          "--threads",
          "" + threads);
    }

    /** The thread variables a child process must start with. */
    Map<String, String> env() {
      String n = Integer.toString(threads);
      return Map.of("OMP_NUM_THREADS", n, "OPENBLAS_NUM_THREADS", n, "MKL_NUM_THREADS", n);
    }
  }

  /** The widths a table measures ({@code bench}, {@code bench all}, {@code bench roof}). */
  static final class Widths {
    @Option(
        names = "--widths",
        split = ",",
        defaultValue = "16,64,256,1024",
        description = "widths to measure (default 16,64,256,1024)")
    List<Integer> widths;

    /** The size at each width, with every option checked. */
    List<StepBench.Size> sizes(Shape shape) {
      if (widths == null || widths.isEmpty()) {
        throw UserError.badValue("--widths", "", "must list at least one width, e.g. 16,64");
      }
      List<StepBench.Size> sizes = new ArrayList<>();
      for (int width : widths) {
        if (width < 1) {
          throw UserError.badValue("--widths", width, "must list widths >= 1");
        }
        sizes.add(shape.size(width));
      }
      return sizes;
    }

    /** The option as a child command takes it. */
    List<String> args() {
      return List.of("--widths", String.join(",", widths.stream().map(String::valueOf).toList()));
    }
  }

  /** Options of the table ({@code bench} and {@code bench all}). */
  static final class TableOptions {
    @Mixin Widths widths;

    @Mixin Shape shape;

    @Option(
        names = "--python",
        defaultValue = "/usr/bin/python3",
        description = "Python that runs the PyTorch peer (default /usr/bin/python3)")
    String python;

    @Option(
        names = "--peer",
        description = "the peer script (default bench/peer_torch.py of this checkout)")
    Path peer;
  }

  @Command(
      name = "step",
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      description = {
        "Time one size; print one line: width depth batch ms_per_step gflops.",
        "ms_per_step is the median of 5 blocks' mean step time; gflops = 6 x params x batch / time."
      })
  static final class Step implements Callable<Integer> {
    @Option(names = "--width", defaultValue = "64", description = "hidden units (default 64)")
    int width;

    @Mixin Shape shape;

    @Option(
        names = "--blas",
        description =
            "also print a second line, starting with '# ', naming ND4J's backend and BLAS")
    boolean blas;

    @Option(
        names = "--dl4j-fit",
        description =
            "time DL4J's own MultiLayerNetwork.fit instead of the step runs take (DenseStep)")
    boolean dl4jFit;

    @Option(
        names = "--dl4j-updater",
        description = "time the step runs take with DL4J's updater instead of FusedUpdate")
    boolean dl4jUpdater;

    @Override
    public Integer call() throws IOException, InterruptedException {
      StepBench.Size size = shape.size(width);
      List<String> args = new ArrayList<>(List.of("step"));
      args.addAll(shape.args(width));
      if (blas) {
        args.add("--blas");
      }
      if (dl4jFit) {
        args.add("--dl4j-fit");
      }
      if (dl4jUpdater) {
        args.add("--dl4j-updater");
      }
      Integer child = inChild(shape, args);
      if (child != null) {
        return child;
      }
      StepBench.Result r =
          StepBench.measure(
              size,
              shape.steps,
              dl4jFit
                  ? StepBench.Method.DL4J_FIT
                  : dl4jUpdater ? StepBench.Method.DL4J_UPDATER : StepBench.Method.RUN);
      System.out.println(r.line());
      if (blas) {
        System.out.println("# " + StepBench.backend() + "; step: " + r.method());
      }
      return 0;
    }
  }

  @Command(
      name = "all",
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      description = "The table: every width, sweeplab and the PyTorch peer.")
  static final class All implements Callable<Integer> {
    @Mixin TableOptions table;

    @Override
    public Integer call() throws IOException, InterruptedException {
      return BenchTable.run(table);
    }
  }

  @Command(
      name = "roof",
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      description = {
        "The machine's limit: the sgemm roof of the BLAS sweeplab calls (the best GFLOP/s of an"
            + " n x n product, one BLAS thread unless --threads), then the step at each width"
            + " and its fraction of the roof."
      })
  static final class Roof implements Callable<Integer> {
    @Mixin Widths widths;

    @Option(
        names = "--order",
        defaultValue = "" + StepBench.ROOF_ORDER,
        description = "n of the roof's n x n sgemm (default ${DEFAULT-VALUE})")
    int order;

    @Mixin Shape shape;

    @Override
    public Integer call() throws IOException, InterruptedException {
      List<StepBench.Size> sizes = widths.sizes(shape);
      if (order < 1) {
        throw UserError.badValue("--order", order, "must be >= 1");
      }
      List<String> args = new ArrayList<>(List.of("roof", "--order", "" + order));
      args.addAll(widths.args());
      args.addAll(shape.args(sizes.get(0).width()).subList(2, shape.args(0).size()));
      Integer child = inChild(shape, args);
      if (child != null) {
        return child;
      }
      System.err.println("bench roof: sgemm " + order + " x " + order + " ...");
      double roof = StepBench.sgemmRoof(order, 5);
      StringBuilder t = new StringBuilder();
      t.append("| width | params | ms/step | GFLOP/s | fraction of the sgemm roof |\n");
      t.append("|---:|---:|---:|---:|---:|\n");
      String method = null;
      for (StepBench.Size size : sizes) {
        System.err.println("bench roof: step, width " + size.width() + " ...");
        StepBench.Result r = StepBench.measure(size, shape.steps, StepBench.Method.RUN);
        method = r.method();
        t.append(
            format(
                "| %d | %,d | %.3f | %.2f | %.2f |%n",
                size.width(), size.params(), r.msPerStep(), r.gflops(), r.gflops() / roof));
      }
      t.append(
          format(
              "%nsgemm roof: %.1f GFLOP/s (C = A·B, %d x %d floats, best of 5, %d thread(s))."
                  + " Steps: MLP %d -> w x %d -> %d, batch %d, Adam, %d timed steps, in this"
                  + " JVM one width after another.%n",
              roof,
              order,
              order,
              shape.threads,
              shape.input,
              shape.depth,
              shape.classes,
              shape.batch,
              shape.steps));
      t.append("sweeplab: ").append(StepBench.backend()).append("; step: ").append(method);
      t.append('\n');
      System.out.print(t);
      System.out.flush();
      return 0;
    }
  }

  @Command(
      name = "quickstart",
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      description = {
        "End to end: 'sweeplab run' of a sweep (default jobs/quickstart.yaml) from the command's"
            + " start to its end, against a PyTorch process pool training the same runs with the"
            + " same evaluation schedule (bench/peer_sweep_torch.py); the two alternate."
      })
  static final class Quickstart implements Callable<Integer> {
    @Option(
        names = "--spec",
        description = "the sweep (default jobs/quickstart.yaml of this checkout)")
    Path spec;

    @Option(
        names = "--rounds",
        defaultValue = "1",
        description = "sweeplab and the peer alternated this many times (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(
        names = "--workers",
        description = "the peer's processes (default: this machine's cores)")
    Integer workers;

    @Option(
        names = "--python",
        defaultValue = "/usr/bin/python3",
        description = "Python that runs the peer (default ${DEFAULT-VALUE})")
    String python;

    @Option(
        names = "--peer",
        description = "the peer script (default bench/peer_sweep_torch.py of this checkout)")
    Path peer;

    @Option(
        names = "--scratch",
        description =
            "directory for the warehouses, reports and run list (default: a temporary one)")
    Path scratch;

    @Override
    public Integer call() throws IOException, InterruptedException {
      if (rounds < 1) {
        throw UserError.badValue("--rounds", rounds, "must be >= 1");
      }
      int processes = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
      if (processes < 1) {
        throw UserError.badValue("--workers", processes, "must be >= 1");
      }
      return QuickstartBench.run(
          spec == null ? inCheckout(Path.of("jobs", "quickstart.yaml")) : spec,
          python,
          peer == null ? inCheckout(Path.of("bench", "peer_sweep_torch.py")) : peer,
          processes,
          rounds,
          scratch);
    }
  }

  @Command(
      name = "sweep",
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      description = {
        "Sweep efficiency: a heterogeneous sweep (5 widths x 5 step counts x REPEATS seeds, costs"
            + " over 100x apart) on Spark; wall time against the sum of run times over the cores,"
            + " and the time each run costs beyond its training."
      })
  static final class Sweep implements Callable<Integer> {
    @Option(
        names = "--repeats",
        defaultValue = "8",
        description = "seeds per configuration (default ${DEFAULT-VALUE}: 200 runs)")
    int repeats;

    @Option(
        names = "--rounds",
        defaultValue = "1",
        description =
            "sweeps run one after the other in this JVM, a row each (default ${DEFAULT-VALUE});"
                + " the first pays the JVM's warm-up, the later ones show a warm executor")
    int rounds;

    @Mixin WarehouseOption where;

    @Override
    public Integer call() {
      if (rounds < 1) {
        throw UserError.badValue("--rounds", rounds, "must be >= 1");
      }
      if (repeats < 1) {
        throw UserError.badValue("--repeats", repeats, "must be >= 1");
      }
      where.check();
      try (SparkSession spark = Sessions.open("sweeplab bench sweep", where.master)) {
        List<SweepBench.Efficiency> done = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
          if (rounds > 1) {
            System.err.println("bench sweep: round " + r + " of " + rounds + " ...");
          }
          done.add(SweepBench.efficiency(spark, where.resolve(), repeats));
        }
        System.out.print(SweepBench.table(done).markdown());
      }
      return 0;
    }
  }

  @Command(
      name = "scale",
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      description = {
        "Scale: plan, run and commit RUNS tiny runs; times and driver heap (MB in use after a GC)."
      })
  static final class Scale implements Callable<Integer> {
    @Option(
        names = "--runs",
        defaultValue = "10000",
        description = "runs in the sweep (default ${DEFAULT-VALUE})")
    int runs;

    @Mixin WarehouseOption where;

    @Override
    public Integer call() {
      if (runs < 1) {
        throw UserError.badValue("--runs", runs, "must be >= 1");
      }
      where.check();
      try (SparkSession spark = Sessions.open("sweeplab bench scale", where.master)) {
        System.out.print(SweepBench.scale(spark, where.resolve(), runs).table().markdown());
      }
      return 0;
    }
  }

  /**
   * Runs {@code bench ARGS} in a child JVM started with {@code shape}'s thread variables and prints
   * what it printed, when this JVM's {@code OMP_NUM_THREADS} is not {@code shape}'s thread count
   * (ND4J reads it once per JVM); returns its exit code, or null when this JVM has the right count.
   */
  static Integer inChild(Shape shape, List<String> args) throws IOException, InterruptedException {
    String omp = System.getenv("OMP_NUM_THREADS");
    if (Integer.toString(shape.threads).equals(omp)) {
      return null;
    }
    if (System.getenv(CHILD) != null) {
      throw new IllegalStateException(
          "child JVM started with OMP_NUM_THREADS=" + omp + ", not " + shape.threads);
    }
    List<String> command = new ArrayList<>(List.of("bench"));
    command.addAll(args);
    Output child = Output.of(javaCommand(command), shape.env());
    System.out.print(child.out());
    System.out.flush();
    return child.code();
  }

  /**
   * Starts {@code command} as the bench's child: {@code env} added to this environment, {@link
   * #CHILD} set, stderr to ours, no stdin.
   */
  static Process start(List<String> command, Map<String, String> env) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.environment().put(CHILD, "1");
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.redirectInput(ProcessBuilder.Redirect.DISCARD.file());
    return builder.start();
  }

  /**
   * What a child process printed on stdout and its exit code; its stderr goes to ours as it comes.
   */
  record Output(int code, String out) {
    static Output of(List<String> command, Map<String, String> env)
        throws IOException, InterruptedException {
      Process p = start(command, env);
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Output(p.waitFor(), out);
    }

    /** The {@code width depth batch ms_per_step gflops} line's numbers. */
    double[] numbers() {
      for (String line : out.lines().toList()) {
        String[] fields = line.strip().split(" ");
        if (!line.startsWith("#") && fields.length == 5) {
          double[] v = new double[5];
          for (int i = 0; i < 5; i++) {
            v[i] = Double.parseDouble(fields[i]);
          }
          return v;
        }
      }
      throw new IllegalStateException("no 'width depth batch ms_per_step gflops' line in: " + out);
    }

    /** The text of the first line starting with "# ", or null. */
    String note() {
      return out.lines()
          .filter(l -> l.startsWith("# "))
          .map(l -> l.substring(2))
          .findFirst()
          .orElse(null);
    }
  }

  /** This JVM's java, JVM options and class path running {@link Main} with {@code args}. */
  static List<String> javaCommand(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(args);
    return command;
  }

  /**
   * {@code bench/peer_torch.py} in the checkout this code runs from (up from target/classes or the
   * jar), else under the working directory.
   */
  static Path peerScript() {
    return inCheckout(Path.of("bench", "peer_torch.py"));
  }

  /**
   * {@code file} (relative) in the checkout this code runs from (up from target/classes or the
   * jar), else under the working directory.
   */
  static Path inCheckout(Path file) {
    try {
      Path code =
          Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path dir = code; dir != null; dir = dir.getParent()) {
        if (Files.exists(dir.resolve(file))) {
          return dir.resolve(file);
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // no code location: fall back to the working directory
    }
    return file.toAbsolutePath();
  }

  static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
