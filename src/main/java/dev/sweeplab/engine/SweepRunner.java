package dev.sweeplab.engine;

import dev.sweeplab.data.DatasetCache;
import dev.sweeplab.data.DatasetSpec;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.DriverLease;
import dev.sweeplab.store.Staging;
import dev.sweeplab.store.StaleRuns;
import dev.sweeplab.store.Superseded;
import dev.sweeplab.store.SweepPlan;
import dev.sweeplab.store.Unreadable;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.train.Numerics;
import dev.sweeplab.train.RunResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes a sweep on Spark: plans its runs, skips those already staged at their current {@link
 * dev.sweeplab.train.Numerics} (resume; files of other numerics are set aside), trains the rest
 * longest first, tiny runs several to a task ({@link Bundles}), after those above {@code
 * limits.distributed_above}, each trained data-parallel across the executors ({@link
 * DistributedTraining}); then publishes the runs, curves and the {@code sweeps} row in one commit
 * (see {@link Commit}): readers see all of the sweep's new state or none of it. Nothing is written
 * before the spec's data files have been checked. Before training it leaves the sweep's {@link
 * dev.sweeplab.store.SweepPlan} in staging for {@link SweepStatus}. Driver-only.
 */
public final class SweepRunner {
  private static final Logger LOG = LoggerFactory.getLogger(SweepRunner.class);

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final int tasksPerCore;
  private final Runnable beforeCommit;

  public SweepRunner(SparkSession spark, Warehouse warehouse) {
    this(spark, warehouse, Bundles.TASKS_PER_CORE);
  }

  /** With {@code tasksPerCore} in place of {@link Bundles#TASKS_PER_CORE} (tests). */
  SweepRunner(SparkSession spark, Warehouse warehouse, int tasksPerCore) {
    this(spark, warehouse, tasksPerCore, () -> {});
  }

  /**
   * With {@code beforeCommit} run after the training, before the commit (tests: what an executor of
   * another sweeplab stages meanwhile).
   */
  SweepRunner(SparkSession spark, Warehouse warehouse, int tasksPerCore, Runnable beforeCommit) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.tasksPerCore = tasksPerCore;
    this.beforeCommit = beforeCommit;
  }

  /**
   * Runs {@code spec} to completion; {@code fresh} discards earlier results of the sweep first. The
   * driver holds the sweep's {@link DriverLease} throughout: a second driver of the same sweep and
   * warehouse is refused before it writes anything.
   */
  public SweepOutcome run(SweepSpec spec, boolean fresh) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    // Before the lease, the first write: a run that cannot fit leaves nothing behind.
    List<RunConfig> planned = spec.expand();
    if (Boolean.parseBoolean(spark.conf().get(MemoryCheck.ENABLED, "true"))) {
      MemoryCheck.of(spark.sparkContext().master(), spark.sparkContext().getConf())
          .check(planned.stream().filter(run -> !spec.distributed(run)).toList());
    }
    // The catalog settings checked (a Hadoop catalog on S3 is a user error) and an earlier
    // warehouse imported before anything trains.
    Tables.store(spark, warehouse);
    DriverLease lease = DriverLease.acquire(hadoop, warehouse, spec.name());
    try {
      return runHeld(spec, planned, fresh, lease);
    } finally {
      lease.close();
    }
  }

  private SweepOutcome runHeld(
      SweepSpec spec, List<RunConfig> planned, boolean fresh, DriverLease lease) {
    long start = System.currentTimeMillis();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String sweep = spec.name();
    Path staging = warehouse.staging(sweep);
    long limit = spec.runTimeoutMs();

    Map<String, String> setAside =
        new LinkedHashMap<>(
            fresh ? Map.of() : staged(() -> Unreadable.setAside(hadoop, staging, false)));
    // One listing: the runs staged at their current numerics, and the files of other numerics,
    // which are set aside and their runs trained again.
    Staging.Found listed =
        fresh ? Staging.Found.none() : staged(() -> Staging.find(hadoop, staging, planned));
    Staging.Found found = fresh ? listed : otherValidation(hadoop, staging, spec, planned, listed);
    StaleRuns stale = StaleRuns.of(found, planned);
    staged(() -> setAsideSuperseded(hadoop, staging, found));
    List<String> staleNotes = new ArrayList<>();
    if (!stale.isEmpty()) {
      LOG.info("sweep {}: {}: training them again", sweep, stale.description());
      staleNotes.add(stale.description());
    }
    Map<String, Long> timedOut = new HashMap<>();
    found.files().forEach((id, file) -> timedOut.put(id, Staging.timeoutMs(file)));
    timedOut.values().removeIf(ms -> ms == 0);
    List<RunConfig> todo = new ArrayList<>();
    for (RunConfig run : planned) {
      Long stoppedAt = timedOut.get(run.runId());
      // A run that timed out is tried again only under a longer limit than it had (or none).
      boolean stillTooLong = stoppedAt != null && limit > 0 && limit <= stoppedAt;
      boolean finished = found.files().containsKey(run.runId()) && stoppedAt == null;
      if (!finished && !stillTooLong) {
        todo.add(run);
      }
    }
    long reused = planned.size() - todo.size();
    LOG.info(
        "sweep {}: {} runs planned, {} already staged, {} to train",
        sweep,
        planned.size(),
        reused,
        todo.size());
    List<RunConfig> distributed = todo.stream().filter(spec::distributed).toList();
    List<RunConfig> tasks = todo.stream().filter(run -> !spec.distributed(run)).toList();
    // The driver checks the data and prepares staging on a thread of its own while this one makes
    // the training job ready (bundles, broadcast, closure): in a fresh JVM each takes a few hundred
    // ms of class loading and first calls, and the cores have nothing else to do yet. Nothing runs
    // before both are done.
    Preparation ready = new Preparation(() -> prepare(spec, todo, hadoop, staging, fresh, start));
    long kept;
    long trainStart;
    Preparation commitReady;
    try (TaskJob job =
        tasks.isEmpty() ? null : ready.unlessFailed(() -> new TaskJob(tasks, limit, timedOut))) {
      trainStart = ready.await();
      // A driver with cores of its own (a cluster) readies the commit meanwhile: the tables
      // created, the commit rehearsed. In local mode (local-cluster too) the executors share the
      // driver's cores, and the rehearsal's CPU (class loading, JIT) slowed the quickstart's
      // training by more than it saved its commit (docs/benchmarks.md), so there the commit
      // does that work itself.
      commitReady =
          spark.sparkContext().master().startsWith("local")
              ? null
              : new Preparation(() -> SweepCommit.prepare(spark, warehouse, planned));
      // Sequential: the distributed runs first, the biggest first, each using every executor;
      // then the task runs as one Spark job. Overlapping the two would leave the distributed runs
      // competing with tasks for the same cores.
      if (!distributed.isEmpty()) {
        trainDistributed(distributed, spec.distributedWorkers(), limit, timedOut);
      }
      kept = job == null ? 0 : job.run();
    }
    long commitStart = System.currentTimeMillis();

    if (commitReady != null) {
      commitReady.awaitQuietly();
    }
    SweepOutcome outcome;
    beforeCommit.run();
    lease.check(); // a driver that lost its lease to another must not publish
    try {
      outcome = commit(spec, planned, start, reused, todo.size(), fresh);
    } catch (Exception e) { // Spark's own SparkException reaches Java undeclared

      // A staged file that the listing could not tell from a good one (cut short, not empty) fails
      // the commit, which leaves the tables as they were: set it aside, train its run again, and
      // commit once more. So does a file staged under other numerics during this execution (an
      // executor still running an older sweeplab): the commit never publishes it.
      Map<String, String> bad;
      StaleRuns staleNow;
      try {
        bad = staged(() -> Unreadable.setAside(hadoop, staging, true));
        Staging.Found now = staged(() -> Staging.find(hadoop, staging, planned));
        staleNow = StaleRuns.of(now, planned);
        staged(() -> setAsideSuperseded(hadoop, staging, now));
      } catch (RuntimeException second) {
        e.addSuppressed(second);
        throw e;
      }
      if (bad.isEmpty() && staleNow.isEmpty()) {
        throw e;
      }
      if (!bad.isEmpty()) {
        LOG.warn(
            "{} staged file(s) unreadable, set aside in {}/{}: {}; training their runs again",
            bad.size(),
            staging,
            Unreadable.DIR,
            bad);
      }
      if (!staleNow.isEmpty()) {
        LOG.warn(
            "sweep {}: {} during this execution: not committed, set aside in {}/{}; training"
                + " again",
            sweep,
            staleNow.description(),
            staging,
            Superseded.DIR);
        staleNotes.add(staleNow.description());
      }
      setAside.putAll(bad);
      Set<String> staleIds = new HashSet<>(staleNow.runs().stream().map(RunConfig::runId).toList());
      List<RunConfig> again =
          planned.stream()
              .filter(
                  r ->
                      staleIds.contains(r.runId())
                          || bad.keySet().stream().anyMatch(name -> name.startsWith(r.runId())))
              .toList();
      train(spec, again, limit, timedOut);
      // Runs counted as reused move to trained; a run trained in this execution stays trained.
      Set<String> trainedNow = new HashSet<>(todo.stream().map(RunConfig::runId).toList());
      long wasReused = again.stream().filter(r -> !trainedNow.contains(r.runId())).count();
      outcome = commit(spec, planned, start, reused - wasReused, todo.size() + wasReused, fresh);
    }
    long end = System.currentTimeMillis();
    if (!setAside.isEmpty()) {
      LOG.warn("set aside unreadable staged file(s), their runs trained again: {}", setAside);
    }
    return outcome
        .after(kept, end - start, commitStart - trainStart, end - commitStart)
        .setAside(setAside)
        .staleNumerics(String.join("; ", staleNotes));
  }

  /**
   * The staged runs of {@code found} that were early-stopped on this execution's validation split.
   * {@code dataset.val_size: auto} resolves from the sweep's largest train_size and stays out of
   * the run_id, so a sweep whose train_size list changed since its last execution (its plan in
   * staging says) plans the same run_ids with another validation split: their staged files are set
   * aside into {@code _superseded/} and the runs trained again (the same networks, since the
   * training seed leaves val_size out), so one sweep never mixes two validation splits.
   */
  private Staging.Found otherValidation(
      Configuration hadoop,
      Path staging,
      SweepSpec spec,
      List<RunConfig> planned,
      Staging.Found found) {
    if (found.files().isEmpty()) {
      return found;
    }
    int before =
        staged(() -> SweepPlan.read(hadoop, staging))
            .map(plan -> plan.sweepSpec().valSize())
            .orElse(spec.valSize());
    if (before == spec.valSize()) {
      return found;
    }
    LOG.warn(
        "sweep {}: the validation split is now {} samples, {} when {} staged run(s) trained"
            + " (dataset.val_size: auto follows the largest train_size): setting them aside in"
            + " {}/{} and training them again",
        spec.name(),
        spec.valSize(),
        before,
        found.files().size(),
        staging,
        Superseded.DIR);
    List<Superseded> aside = new ArrayList<>();
    for (RunConfig run : planned) {
      Path file = found.files().get(run.runId());
      if (file != null) {
        int numerics = Numerics.version(run);
        aside.add(new Superseded(file, run.runId(), numerics, numerics));
      }
    }
    staged(
        () -> {
          Superseded.setAside(hadoop, staging, aside);
          return null;
        });
    return new Staging.Found(Map.of(), found.superseded());
  }

  /** Moves the files of other numerics {@code found} lists aside; returns how many. */
  private static int setAsideSuperseded(Configuration hadoop, Path staging, Staging.Found found)
      throws IOException {
    Superseded.setAside(hadoop, staging, found.superseded());
    return found.superseded().size();
  }

  private SweepOutcome commit(
      SweepSpec spec,
      List<RunConfig> planned,
      long start,
      long reused,
      long trained,
      boolean fresh) {
    return SweepCommit.commit(
        spark, warehouse, spec, planned, start, reused, trained, fresh, SweepCommit.FILES_PER_TASK);
  }

  /** Trains {@code runs} (the distributed ones first), outside the main path's preparation. */
  private void train(SweepSpec spec, List<RunConfig> runs, long limit, Map<String, Long> timedOut) {
    List<RunConfig> distributed = runs.stream().filter(spec::distributed).toList();
    List<RunConfig> tasks = runs.stream().filter(run -> !spec.distributed(run)).toList();
    if (!distributed.isEmpty()) {
      trainDistributed(distributed, spec.distributedWorkers(), limit, timedOut);
    }
    if (!tasks.isEmpty()) {
      try (TaskJob job = new TaskJob(tasks, limit, timedOut)) {
        job.run();
      }
    }
  }

  /**
   * Checks the data {@code todo} needs (bad data stops here, before anything is written, with the
   * file and the problem named), then prepares staging and leaves the sweep's plan there for {@code
   * sweeplab status}, which reads it while the sweep has no sweeps row yet.
   */
  private void prepare(
      SweepSpec spec,
      List<RunConfig> todo,
      Configuration hadoop,
      Path staging,
      boolean fresh,
      long start) {
    todo.stream().map(DatasetSpec::of).distinct().forEach(DatasetCache::check);
    prepareStaging(hadoop, staging, fresh);
    try {
      SweepPlan.of(spec, start, spark.sparkContext().applicationId()).write(hadoop, staging);
    } catch (IOException e) {
      throw UserError.io("write the sweep's plan into", staging.toString(), e);
    }
  }

  /**
   * The Spark job that trains runs as tasks ({@link Bundles}, {@link RunTask}), made ready (bundles
   * planned, the Hadoop settings broadcast, the closure checked) before it is run; closing it frees
   * the broadcast.
   */
  private final class TaskJob implements AutoCloseable {
    private final int runs;
    private final int cores;
    private final List<List<RunConfig>> tasks;
    private final Broadcast<Map<String, String>> hadoopConf;
    private final LongAccumulator notOkRuns;
    private final JavaRDD<TaskOutcome> outcomes;

    TaskJob(List<RunConfig> todo, long timeoutMs, Map<String, Long> timedOut) {
      runs = todo.size();
      cores = Math.max(1, spark.sparkContext().defaultParallelism());
      tasks = Bundles.of(todo, cores, tasksPerCore);
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      hadoopConf = HadoopConf.broadcast(spark);
      try {
        notOkRuns = spark.sparkContext().longAccumulator(Progress.NOT_OK);
        outcomes =
            jsc.parallelize(tasks, tasks.size())
                .flatMap(
                    new RunTask(
                        warehouse,
                        hadoopConf,
                        spark.sparkContext().applicationId(),
                        timeoutMs,
                        timedOut,
                        notOkRuns));
      } catch (RuntimeException e) {
        hadoopConf.destroy();
        throw e;
      }
    }

    /** Trains the runs; returns how many were kept from failed attempts of their tasks. */
    long run() {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Progress progress =
          Progress.console(Bundles.cost(tasks), Bundles.runs(tasks), notOkRuns.id());
      spark.sparkContext().addSparkListener(progress);
      try {
        jsc.setJobDescription("train " + runs + " runs");
        LOG.info("training {} runs in {} tasks on {} cores", runs, tasks.size(), cores);
        List<TaskOutcome> collected = outcomes.collect();
        long notOk = collected.stream().filter(o -> !RunResult.OK.equals(o.status())).count();
        long earlier = collected.stream().filter(TaskOutcome::earlier).count();
        progress.complete(notOk);
        LOG.info(
            "trained {} runs, {} not ok{}",
            collected.size(),
            notOk,
            earlier > 0
                ? ", " + earlier + " of them staged by a failed attempt of their task"
                : "");
        return earlier;
      } finally {
        jsc.setJobDescription(null); // the commit's jobs are not "train" jobs
        spark.sparkContext().removeSparkListener(progress);
        progress.close();
      }
    }

    @Override
    public void close() {
      hadoopConf.destroy();
    }
  }

  private void trainDistributed(
      List<RunConfig> runs, int workers, long timeoutMs, Map<String, Long> timedOut) {
    List<RunConfig> order = Bundles.longestFirst(runs);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    DistributedTraining training =
        new DistributedTraining(jsc, warehouse, workers, timeoutMs, timedOut);
    LOG.info(
        "training {} runs above limits.distributed_above by {}", order.size(), training.method());
    try {
      for (RunConfig run : order) {
        training.train(run);
      }
    } finally {
      jsc.setJobDescription(null);
    }
  }

  private void prepareStaging(Configuration hadoop, Path staging, boolean fresh) {
    try {
      FileSystem fs = staging.getFileSystem(hadoop);
      if (fresh) {
        fs.delete(staging, true);
      }
      fs.mkdirs(staging);
      Path probe = new Path(staging, "._write_probe");
      fs.create(probe, true).close();
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      throw UserError.io(
          "write to the warehouse (choose another with --warehouse)", warehouse.root(), e);
    }
  }

  /**
   * A task run on a thread of its own, awaited before what depends on it. The thread has the
   * caller's context class loader, through which Hadoop finds file systems (spark-submit's {@code
   * --jars} and {@code --packages} are only there).
   */
  private static final class Preparation {
    /** The task; its value is when it ended (ms since the epoch). */
    private final FutureTask<Long> task;

    Preparation(Runnable work) {
      task =
          new FutureTask<>(
              () -> {
                work.run();
                return System.currentTimeMillis();
              });
      Thread thread = new Thread(task, "sweeplab-prepare");
      thread.setDaemon(true);
      thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
      thread.start();
    }

    /** Waits for the task to end; what it threw is logged, not thrown. */
    void awaitQuietly() {
      try {
        await();
      } catch (RuntimeException e) {
        LOG.debug("a preparation failed; what it prepares is done again where needed", e);
      }
    }

    /** Waits for the task to end and returns when it ended (ms); throws what it threw. */
    long await() {
      boolean interrupted = false;
      try {
        while (true) {
          try {
            return task.get();
          } catch (InterruptedException e) {
            interrupted = true; // the task is short and writes staging: let it finish
          } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
              throw r;
            }
            if (e.getCause() instanceof Error error) {
              throw error;
            }
            throw new IllegalStateException("preparing the sweep failed", e.getCause());
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /**
     * What {@code make} makes meanwhile; should it throw, the task is awaited first, and a failure
     * of the task (the user's data or warehouse) is thrown in its place.
     */
    <T> T unlessFailed(Supplier<T> make) {
      try {
        return make.get();
      } catch (RuntimeException e) {
        try {
          await();
        } catch (RuntimeException | Error first) {
          first.addSuppressed(e);
          throw first;
        }
        throw e;
      }
    }
  }

  /** A listing of staging; a failure to list is the user's warehouse problem. */
  private <T> T staged(StagingListing<T> listing) {
    try {
      return listing.list();
    } catch (IOException e) {
      throw UserError.io("list staged runs in", warehouse.root(), e);
    }
  }

  private interface StagingListing<T> {
    T list() throws IOException;
  }
}
