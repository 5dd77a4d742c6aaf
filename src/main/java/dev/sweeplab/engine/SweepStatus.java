package dev.sweeplab.engine;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.Staging;
import dev.sweeplab.store.SweepPlan;
import dev.sweeplab.store.Unreadable;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.train.RunResult;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
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
 * @param planned runs planned; -1 when no spec is known
 * @param staged planned runs staged, by status (all staged runs when no spec is known; for a
 *     committed execution, its row's counts: the staged files are then not read)
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
    long planned,
    Counts staged,
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

  /** Runs by status. */
  public record Counts(long ok, long diverged, long failed, long timeout) {
    public long total() {
      return ok + diverged + failed + timeout;
    }

    @Override
    public String toString() {
      return ok + " ok, " + diverged + " diverged, " + failed + " failed, " + timeout + " timeout";
    }
  }

  /** One committed execution of a sweep, as its {@code sweeps} row recorded it. */
  public record Execution(
      String spec,
      String sparkAppId,
      long started,
      long finished,
      long planned,
      long reused,
      long trained,
      Counts counts) {}

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
      Counts staged = count(conf, new ArrayList<>(Staging.files(conf, dir).values()));
      return new SweepStatus(
          sweep, plan, last, driver, -1, staged, -1, Double.NaN, Unreadable.list(conf, dir), "");
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
        runs.size(),
        // Committed: the row has the counts, and reading thousands of footers takes seconds.
        committed ? last.counts() : count(conf, done),
        runs.size() - done.size(),
        totalCost > 0 ? doneCost / totalCost : (double) done.size() / runs.size(),
        Unreadable.list(conf, dir),
        StaleRuns.of(found, runs).description());
  }

  /** Whether the plan's driver is alive, as far as this host can tell. */
  static Driver driver(SweepPlan plan, String localHost) {
    if (!plan.host().equals(localHost)) {
      return Driver.ELSEWHERE;
    }
    return SweepPlan.processAlive(plan.pid(), plan.started()) ? Driver.ALIVE : Driver.GONE;
  }

  /**
   * Staged runs by status: a timed-out file's name says {@code timeout}; the others' footers are
   * read, several at a time (the latency of a remote file system, not the bytes, is the cost).
   */
  private static Counts count(Configuration conf, List<Path> files) throws IOException {
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
    return new Counts(
        by.getOrDefault(RunResult.OK, 0L),
        by.getOrDefault(RunResult.DIVERGED, 0L),
        by.getOrDefault(RunResult.FAILED, 0L),
        by.getOrDefault(RunResult.TIMEOUT, 0L));
  }

  /** The status as a block of lines for a person; times in {@code zone}, dates unless today. */
  public String render(ZoneId zone, long now) {
    StringBuilder text = new StringBuilder(renderState(zone, now));
    setAside.forEach(
        (file, why) ->
            text.append("  unreadable staged file set aside: ")
                .append(Unreadable.DIR)
                .append('/')
                .append(file)
                .append(" (")
                .append(why)
                .append("); its run counts as not staged\n"));
    if (!staleNumerics.isEmpty()) {
      text.append("  ")
          .append(staleNumerics)
          .append(": not done; the next run trains them again\n");
    }
    return text.toString();
  }

  private String renderState(ZoneId zone, long now) {
    StringBuilder out = new StringBuilder("sweep ").append(sweep).append(": ");
    if (committed()) {
      Execution c = lastCommit;
      out.append("finished ")
          .append(at(c.finished(), zone, now))
          .append(", committed ")
          .append(c.counts().total())
          .append(" runs (")
          .append(c.counts())
          .append(")\n  started ")
          .append(at(c.started(), zone, now))
          .append(" (app ")
          .append(c.sparkAppId())
          .append(plan == null ? "" : ", host " + plan.host())
          .append("); ")
          .append(c.planned())
          .append(" planned, ")
          .append(c.reused())
          .append(" reused, ")
          .append(c.trained())
          .append(" trained\n");
      return out.toString();
    }
    if (plan == null) {
      out.append(staged.total())
          .append(" runs staged (")
          .append(staged)
          .append(
              "), not committed; no plan was recorded (started by an older sweeplab?), so the"
                  + " runs left are unknown\n");
    } else {
      String since = at(plan.started(), zone, now);
      String app = "app " + plan.sparkAppId();
      out.append(
              switch (driver) {
                case ALIVE ->
                    "running (pid "
                        + plan.pid()
                        + ") since "
                        + since
                        + " ("
                        + app
                        + ", host "
                        + plan.host()
                        + ")";
                case GONE ->
                    "stopped before its commit: its driver (pid "
                        + plan.pid()
                        + " on this host, started "
                        + since
                        + ", "
                        + app
                        + ") has exited; run it again to resume";
                default ->
                    "not committed: running, or stopped before its commit (run it again to resume);"
                        + " started "
                        + since
                        + " ("
                        + app
                        + ") by pid "
                        + plan.pid()
                        + " on host "
                        + plan.host()
                        + ", which cannot be checked from here";
              })
          .append("\n  ")
          .append(staged.total())
          .append(" of ")
          .append(planned)
          .append(" runs staged (")
          .append(staged)
          .append("), ")
          .append(left)
          .append(" left; estimated cost done ")
          .append(Math.round(100 * costDone))
          .append("%\n");
    }
    out.append("  last commit: ");
    if (lastCommit == null) {
      out.append("none\n");
    } else {
      out.append(at(lastCommit.finished(), zone, now))
          .append(", ")
          .append(lastCommit.counts().total())
          .append(" runs (")
          .append(lastCommit.counts())
          .append(")\n");
    }
    return out.toString();
  }

  private static String at(long millis, ZoneId zone, long now) {
    ZonedDateTime t = Instant.ofEpochMilli(millis).atZone(zone);
    boolean today = t.toLocalDate().equals(LocalDate.ofInstant(Instant.ofEpochMilli(now), zone));
    return t.format(DateTimeFormatter.ofPattern(today ? "HH:mm" : "yyyy-MM-dd HH:mm"));
  }
}
