package dev.sweeplab.cli;

import static dev.sweeplab.cli.BenchCommand.format;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import dev.sweeplab.train.EvalSchedule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code sweeplab bench quickstart}: the whole command a user runs, {@code bin/sweeplab run SPEC},
 * timed from its start to its end (JVM and Spark start-up, training, commit, analyses, summary and
 * plots), against {@code bench/peer_sweep_torch.py}, a PyTorch process pool that trains the same
 * runs (written from the spec as JSON lines) with the same evaluation schedule and prints the same
 * summary table. The two alternate, never overlapping; each sweeplab round writes a fresh
 * warehouse, so every run trains.
 */
final class QuickstartBench {
  private QuickstartBench() {}

  /** One side's times in one round, in seconds. */
  record Timing(double command, double sweepLine, String summary) {}

  static int run(Path spec, String python, Path peer, int workers, int rounds, Path scratch)
      throws IOException, InterruptedException {
    SweepSpec sweep = SpecParser.parse(spec);
    List<RunConfig> runs = sweep.expand();
    for (RunConfig run : runs) {
      String why = unlikePeer(run);
      if (why != null) {
        throw UserError.of(
            "bench quickstart: the PyTorch pool trains ReLU networks with constant-rate Adam on"
                + " teacher-student classification, nothing else, so it cannot train run "
                + run.runId()
                + " of "
                + spec
                + ": "
                + why);
      }
    }
    Path dir = scratch != null ? scratch : Files.createTempDirectory("sweeplab-bench-quickstart");
    Files.createDirectories(dir);
    Path list = dir.resolve("runs.jsonl");
    Files.write(list, runs.stream().map(QuickstartBench::json).toList(), StandardCharsets.UTF_8);
    Path launcher = BenchCommand.inCheckout(Path.of("bin", "sweeplab"));
    String peerNote = BenchTable.peerSkipped(python, peer, oneThread());
    List<Timing[]> done = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      System.err.println("bench quickstart: round " + r + ", sweeplab ...");
      Timing ours =
          time(
              List.of(
                  launcher.toString(),
                  "run",
                  spec.toString(),
                  "--warehouse",
                  dir.resolve("warehouse-" + r).toString(),
                  "--reports",
                  dir.resolve("reports-" + r).toString()),
              Map.of(),
              "sweep " + sweep.name() + ": ");
      Timing theirs = null;
      if (peerNote == null) {
        System.err.println("bench quickstart: round " + r + ", PyTorch pool ...");
        theirs =
            time(
                List.of(
                    python, peer.toString(), "--runs", list.toString(), "--workers", "" + workers),
                oneThread().env(),
                runs.size() + " runs in ");
      }
      done.add(new Timing[] {ours, theirs});
    }
    print(sweep, runs.size(), workers, done, peerNote);
    return 0;
  }

  /** What in {@code run} the peer does not reproduce, or null when it trains the same run. */
  static String unlikePeer(RunConfig run) {
    List<String> unlike = new ArrayList<>();
    check(unlike, "teacher_student".equals(run.dataset()), "dataset " + run.dataset());
    check(
        unlike,
        "classification".equals(run.task()) && run.crossEntropy(),
        "task " + run.task() + " with loss " + run.loss());
    check(unlike, "relu".equals(run.activation()), "activation " + run.activation());
    check(unlike, "adam".equals(run.optimizer()), "optimizer " + run.optimizer());
    check(
        unlike,
        "constant".equals(run.schedule()) && run.warmupSteps() == 0,
        "schedule " + run.schedule() + " with " + run.warmupSteps() + " warm-up steps");
    check(unlike, run.weightDecay() == 0, "weight_decay " + run.weightDecay());
    check(unlike, run.labelNoise() == 0, "label_noise " + run.labelNoise());
    check(unlike, "all".equals(run.train()), "train " + run.train());
    check(unlike, run.outputScale() == 1, "output_scale " + run.outputScale());
    return unlike.isEmpty() ? null : String.join(", ", unlike);
  }

  private static void check(List<String> unlike, boolean same, String what) {
    if (!same) {
      unlike.add(what);
    }
  }

  /** The peer's environment: one BLAS and OpenMP thread per process. */
  private static BenchCommand.Shape oneThread() {
    BenchCommand.Shape shape = new BenchCommand.Shape();
    shape.threads = 1;
    return shape;
  }

  /** One run as the peer reads it. */
  static String json(RunConfig run) {
    long[] evalAt = EvalSchedule.logSpaced(run.totalSteps(), run.evalPoints());
    return format(
        "{\"run_id\": \"%s\", \"seed\": %d, \"data_seed\": %d, \"input_dim\": %d, \"classes\": %d,"
            + " \"teacher_width\": %d, \"train_size\": %d, \"test_size\": %d, \"val_size\": %d,"
            + " \"width\": %d, \"depth\": %d, \"batch_size\": %d, \"learning_rate\": %s,"
            + " \"steps\": %d, \"eval_steps\": %s}",
        run.runId(),
        run.seed() & Long.MAX_VALUE,
        run.dataSeed() & Long.MAX_VALUE,
        run.inputDim(),
        run.classes(),
        run.teacherWidth(),
        run.trainSize(),
        run.testSize(),
        run.valSize(),
        run.width(),
        run.depth(),
        run.batchSize(),
        Double.toString(run.learningRate()),
        run.totalSteps(),
        Arrays.toString(evalAt));
  }

  /**
   * Runs {@code command} to its end; the seconds to its exit and to the first stdout line starting
   * with {@code marker}, and that line (NaN and null when none came). Fails when the command does.
   */
  static Timing time(List<String> command, Map<String, String> env, String marker)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p = BenchCommand.start(command, env);
    double marked = Double.NaN;
    String line;
    String summary = null;
    StringBuilder out = new StringBuilder();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      while ((line = reader.readLine()) != null) {
        out.append(line).append('\n');
        if (summary == null && line.startsWith(marker)) {
          marked = (System.nanoTime() - start) / 1e9;
          summary = line;
        }
      }
    }
    int code = p.waitFor();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (code != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited with code " + code + "; its output:\n" + out);
    }
    return new Timing(seconds, marked, summary);
  }

  private static void print(
      SweepSpec sweep, int runs, int workers, List<Timing[]> done, String peerNote) {
    StringBuilder t = new StringBuilder();
    t.append(
        "| round | sweeplab: command s | sweeplab: to its sweep line s | PyTorch pool: command s"
            + " | sweeplab / PyTorch |\n");
    t.append("|---:|---:|---:|---:|---:|\n");
    for (int r = 0; r < done.size(); r++) {
      Timing ours = done.get(r)[0];
      Timing theirs = done.get(r)[1];
      t.append(
          format(
              "| %d | %.1f | %.1f | %s | %s |%n",
              r + 1,
              ours.command(),
              ours.sweepLine(),
              theirs == null ? "-" : format("%.1f", theirs.command()),
              theirs == null ? "-" : format("%.2f", ours.command() / theirs.command())));
    }
    t.append(
        format(
            "%nsweep %s: %d runs. sweeplab: bin/sweeplab run (local Spark, every core), a fresh"
                + " warehouse each round; PyTorch: %d processes, one thread each.%n",
            sweep.name(), runs, workers));
    for (int r = 0; r < done.size(); r++) {
      Timing ours = done.get(r)[0];
      Timing theirs = done.get(r)[1];
      t.append(format("round %d: %s%n", r + 1, ours.summary()));
      if (theirs != null) {
        t.append(format("round %d: PyTorch: %s%n", r + 1, theirs.summary()));
      }
    }
    if (peerNote != null) {
      t.append(peerNote.replace("PyTorch peer", "PyTorch pool")).append('\n');
    }
    System.out.print(t);
    System.out.flush();
  }
}
