package dev.sweeplab.store;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.SweepRows.Execution;
import dev.sweeplab.train.RunResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a sweep stands: its plan, runs staged by status, runs left, the share of the estimated cost
 * done, and its last commit. Read from the plan file the driver leaves in staging ({@link
 * SweepPlan}), the staged run files and the {@code sweeps} rows, through the Hadoop FileSystem and
 * parquet-hadoop without Spark, so it answers in seconds from another shell while {@code run} goes
 * on. Driver-side (CLI) only.
 *
 * @param sweep the sweep (partition) name
 * @param plan the plan of its latest execution; null when none was left (an older sweeplab)
 * @param lastCommit its latest committed execution; null when never committed
 * @param driver whether the plan's driver is known to be alive
 * @param staged runs planned ({@code planned}; -1 when no spec is known) and planned runs staged,
 *     by status (all staged runs when no spec is known); for a committed execution, its row's
 *     counts (the staged files are then not read); while an execution runs, its runs reused and
 *     trained are not known here (0)
 * @param left planned runs not staged yet at their current numerics (timed-out runs a longer limit
 *     retries, and runs staged only under other numerics, included)
 * @param costDone estimated cost of the staged runs over that of all planned ones; NaN if unknown
 * @param setAside staged files set aside as unreadable ({@link Unreadable}): file name → why
 * @param staleNumerics planned runs staged only under other numerics than their current {@link
 *     dev.sweeplab.train.Numerics} version, which the next {@code run} trains again (counted in
 *     {@code left}), for a person ({@link StaleRuns#description}); empty when none
 */
public record SweepStatus(
    String sweep,
    SweepPlan plan,
    Execution lastCommit,
    Driver driver,
    SweepCounts staged,
    long left,
    double costDone,
    Map<String, String> setAside,
    String staleNumerics) {

  /** What can be said from here about the driver of a plan. */
  public enum Driver {
    /** No plan, or its execution was committed. */
    NONE,
    /** The driver runs on this host and its process is alive. */
    ALIVE,
    /** The driver ran on this host and its process is gone. */
    GONE,
    /** The driver runs, or ran, on another host: its process cannot be checked from here. */
    ELSEWHERE
  }

  /** Whether the latest execution was committed (its commit is newer than its plan). */
  public boolean committed() {
    return lastCommit != null && (plan == null || lastCommit.finished() >= plan.started());
  }

  /** Sweeps with staged runs or a {@code sweeps} row in {@code warehouse}, sorted. */
  public static List<String> known(Configuration conf, Warehouse warehouse) throws IOException {
    Set<String> names = new TreeSet<>(SweepRows.sweeps(conf, warehouse));
    Path dir = new Path(warehouse.root(), "_staging");
    for (FileStatus f : Warehouse.list(dir.getFileSystem(conf), dir)) {
      String name = f.getPath().getName();
      if (f.isDirectory() && name.startsWith("sweep=")) {
        names.add(name.substring("sweep=".length()));
      }
    }
    return new ArrayList<>(names);
  }

  /** The status of {@code sweep}; a user error naming the known sweeps if it has none. */
  public static SweepStatus of(Configuration conf, Warehouse warehouse, String sweep)
      throws IOException {
    Path dir = warehouse.staging(sweep);
    FileSystem fs = dir.getFileSystem(conf);
    SweepPlan plan = SweepPlan.read(conf, dir).orElse(null);
    List<Execution> commits = SweepRows.read(conf, warehouse, sweep);
    Execution last = commits.isEmpty() ? null : commits.get(commits.size() - 1);
    if (plan == null && last == null && !fs.exists(dir)) {
      List<String> known = known(conf, warehouse);
      throw UserError.unknownSweep(sweep, warehouse.root(), known);
    }
    String spec = plan != null ? plan.spec() : last != null ? last.spec() : null;
    boolean committed = last != null && (plan == null || last.finished() >= plan.started());
    Driver driver = plan == null || committed ? Driver.NONE : driver(plan, SweepPlan.localHost());
    if (spec == null) {
      SweepCounts staged = count(conf, -1, new ArrayList<>(Staging.files(conf, dir).values()));
      return new SweepStatus(
          sweep, plan, last, driver, staged, -1, Double.NaN, Unreadable.list(conf, dir), "");
    }
    SweepSpec sweepSpec = SpecParser.fromCanonicalJson(spec);
    List<RunConfig> runs = sweepSpec.expand();
    long limit = sweepSpec.runTimeoutMs();
    // Runs staged only under other numerics are not in files: they count as left.
    Staging.Found found = Staging.find(conf, dir, runs);
    Map<String, Path> files = found.files();
    List<Path> done = new ArrayList<>();
    double doneCost = 0;
    double totalCost = 0;
    for (RunConfig run : runs) {
      totalCost += run.cost();
      Path file = files.get(run.runId());
      long stoppedAt = file == null ? 0 : Staging.timeoutMs(file);
      // A timed-out run is trained again under a longer limit than it had (or none): still left.
      if (file != null && (stoppedAt == 0 || (limit > 0 && limit <= stoppedAt))) {
        done.add(file);
        doneCost += run.cost();
      }
    }
    return new SweepStatus(
        sweep,
        plan,
        last,
        driver,
        // Committed: the row has the counts, and reading thousands of footers takes seconds.
        committed ? last.counts() : count(conf, runs.size(), done),
        runs.size() - done.size(),
        totalCost > 0 ? doneCost / totalCost : (double) done.size() / runs.size(),
        Unreadable.list(conf, dir),
        StaleRuns.of(found, runs).description());
  }

  /** Whether the plan's driver is alive, as far as this host can tell. */
  public static Driver driver(SweepPlan plan, String localHost) {
    if (!plan.host().equals(localHost)) {
      return Driver.ELSEWHERE;
    }
    return SweepPlan.processAlive(plan.pid(), plan.started()) ? Driver.ALIVE : Driver.GONE;
  }

  /**
   * Staged runs by status: a timed-out file's name says {@code timeout}; the others' footers are
   * read, several at a time (the latency of a remote file system, not the bytes, is the cost).
   */
  private static SweepCounts count(Configuration conf, long planned, List<Path> files)
      throws IOException {
    Map<String, Long> by = new HashMap<>();
    List<Path> toRead = new ArrayList<>();
    for (Path f : files) {
      if (Staging.timeoutMs(f) > 0) {
        by.merge(RunResult.TIMEOUT, 1L, Long::sum);
      } else {
        toRead.add(f);
      }
    }
    if (!toRead.isEmpty()) {
      ExecutorService pool =
          Executors.newFixedThreadPool(
              Math.min(16, toRead.size()),
              r -> {
                Thread t = new Thread(r, "sweeplab-status");
                t.setDaemon(true);
                return t;
              });
      try {
        List<Future<String>> statuses = new ArrayList<>();
        for (Path f : toRead) {
          statuses.add(pool.submit(() -> Staging.status(conf, f)));
        }
        for (Future<String> s : statuses) {
          by.merge(s.get(), 1L, Long::sum);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading staged runs", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io
            ? io
            : new IOException("could not read a staged run", e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }
    return SweepCounts.of(planned, 0, 0, by);
  }
}
