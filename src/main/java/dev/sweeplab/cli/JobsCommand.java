package dev.sweeplab.cli;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sweeplab jobs}: the shipped sweep files, one line each: name, what the file's opening
 * comment says it shows, runs, and the wall time the cost model estimates on this machine.
 */
@Command(
    name = "jobs",
    description =
        "List the shipped sweeps (jobs/*.yaml): name, what each shows, runs, and the wall time"
            + " the cost model estimates on this machine's cores.")
final class JobsCommand implements Callable<Integer> {
  /**
   * FLOP-equivalents of {@link RunConfig#cost()} a core trains per second: the shipped
   * teacher–student jobs' measured rates on a 2-core machine (quickstart 1.7·10¹⁰, lazy_rich
   * 1.3·10¹⁰, mup_coord_check 1.9·10¹⁰). The image-file jobs and scaling_teacher took 2 to 8 times
   * longer than this rate predicts, which is why the listing shows the time each job file states
   * beside the estimate.
   */
  static final double COST_PER_CORE_SECOND = 1.5e10;

  /**
   * "About 26 minutes" or "About 20-25 minutes" in a job's comment: the time it was measured at.
   */
  private static final java.util.regex.Pattern STATED =
      java.util.regex.Pattern.compile("About ([0-9]+(?:-[0-9]+)?) minutes");

  @Option(
      names = "--dir",
      description = "folder of sweep files (default: jobs/ of this checkout, else ./jobs)")
  Path dir;

  @Override
  public Integer call() throws IOException {
    Path folder = dir != null ? dir : defaultDir();
    if (!Files.isDirectory(folder)) {
      throw UserError.of(
          "--dir '" + folder + "' is not a folder: give the folder that holds the sweep files");
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
    }
    if (files.isEmpty()) {
      throw UserError.of("--dir '" + folder + "' holds no sweep files (*.yaml)");
    }
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(
        "%-18s %6s %10s %10s  %s%n",
        "job", "runs", "estimated", "stated", "what it shows (its opening comment)");
    for (Path file : files) {
      SweepSpec spec = SpecParser.parse(file);
      double cost = spec.expand().stream().mapToDouble(RunConfig::cost).sum();
      System.out.printf(
          "%-18s %6d %10s %10s  %s%n",
          spec.name(),
          spec.runCount(),
          duration(cost / (COST_PER_CORE_SECOND * cores)),
          stated(file),
          summary(file));
    }
    System.out.printf(
        "estimated: the cost model (RunConfig.cost) on %d cores at %.2g per core-second, fitted to"
            + " the teacher-student jobs; stated: the time the job file says it took on 2 cores."
            + " Run one with: bin/sweeplab run %s/<job>.yaml%n",
        cores, COST_PER_CORE_SECOND, folder);
    return 0;
  }

  private static Path defaultDir() {
    String home = System.getProperty("sweeplab.home");
    return home != null ? Path.of(home, "jobs") : Path.of("jobs");
  }

  /** The first line of the file's opening comment, without its '#'; empty when there is none. */
  static String summary(Path file) throws IOException {
    try (Stream<String> lines = Files.lines(file)) {
      return lines
          .takeWhile(l -> l.startsWith("#"))
          .map(l -> l.replaceFirst("^#+\\s*", ""))
          .filter(l -> !l.isBlank())
          .findFirst()
          .orElse("");
    }
  }

  /** The time the file's comment says the job took ("About N minutes"), or "-". */
  static String stated(Path file) throws IOException {
    java.util.regex.Matcher m = STATED.matcher(Files.readString(file));
    return m.find() ? m.group(1) + " min" : "-";
  }

  /** Seconds as "45 s", "12 min" or "1.5 h". */
  static String duration(double seconds) {
    if (seconds < 90) {
      return String.format(Locale.ROOT, "%.0f s", seconds);
    }
    if (seconds < 5400) {
      return String.format(Locale.ROOT, "%.0f min", seconds / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }
}
