package dev.sweeplab.engine;

import dev.sweeplab.model.Platform;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Compaction;
import dev.sweeplab.store.Staging;
import dev.sweeplab.store.Superseded;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.train.RunResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * The end of a sweep's execution: its staged runs compacted into the {@code runs} and {@code
 * curves} tables and its {@code sweeps} row added, published in one commit (see {@link Commit}).
 * Driver-only.
 *
 * <p>The compaction is one Spark job of plain tasks that read staging files and write Parquet with
 * parquet-hadoop ({@link Compaction}), not Spark SQL: a first Spark SQL query in a JVM spends
 * seconds planning and warming up before it reads a file, and its Parquet reader opens a small
 * staging file several times slower (measured in docs/benchmarks.md).
 */
final class SweepCommit {
  /** Staging files one compaction task reads at least (about 0.5 ms each on a local disk). */
  static final int FILES_PER_TASK = 500;

  private SweepCommit() {}

  /**
   * Commits the sweep's planned runs from staging; fails, committing nothing, unless every planned
   * run is staged at its current {@link dev.sweeplab.train.Numerics} version (a file of other
   * numerics is never committed: the failure names those runs). {@code reused}, {@code trained} and
   * {@code start} (ms) go into the {@code sweeps} row; {@code fresh} replaces the sweep's earlier
   * rows and analyses instead of adding to them. Each compaction task reads at least {@code
   * filesPerTask} staging files ({@link #FILES_PER_TASK} in production).
   */
  static SweepOutcome commit(
      SparkSession spark,
      Warehouse warehouse,
      SweepSpec spec,
      List<RunConfig> planned,
      long start,
      long reused,
      long trained,
      boolean fresh,
      int filesPerTask) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String sweep = spec.name();
    Path staging = warehouse.staging(sweep);
    Staging.Found staged;
    try {
      staged = Staging.find(conf, staging, planned);
    } catch (IOException e) {
      throw new UncheckedIOException("list staged runs in " + staging, e);
    }
    List<Path> files = new ArrayList<>(staged.files().values());
    if (files.size() != planned.size()) {
      StaleRuns stale = StaleRuns.of(staged, planned);
      if (!stale.isEmpty()) {
        throw new IllegalStateException(
            "sweep "
                + sweep
                + ": "
                + stale.description()
                + "; nothing was committed ("
                + planned.size()
                + " runs planned, "
                + files.size()
                + " staged at their current numerics). Running the sweep again sets their files"
                + " aside in "
                + staging
                + "/"
                + Superseded.DIR
                + " and trains them again");
      }
      throw notAllStaged(sweep, planned.size(), files.size(), staging);
    }
    files.sort(Comparator.comparing(Path::getName)); // by run id: the same files, the same order
    List<String> tables =
        new ArrayList<>(List.of(Warehouse.RUNS, Warehouse.CURVES, Warehouse.SWEEPS));
    if (fresh) {
      // Analyses of the discarded results go with them; the sweep's analysis writes them anew.
      Tables.ALL.stream().filter(t -> !tables.contains(t)).forEach(tables::add);
    }
    SweepOutcome[] outcome = new SweepOutcome[1];
    Commit.publish(
        conf,
        warehouse,
        sweep,
        tables,
        pending -> {
          Map<String, Long> byStatus =
              compact(
                  spark,
                  files,
                  filesPerTask,
                  pending.apply(Warehouse.RUNS),
                  pending.apply(Warehouse.CURVES));
          long found = byStatus.values().stream().mapToLong(Long::longValue).sum();
          if (found != planned.size()) {
            throw notAllStaged(sweep, planned.size(), found, staging);
          }
          SweepOutcome o =
              new SweepOutcome(
                  planned.size(),
                  reused,
                  trained,
                  0,
                  byStatus.getOrDefault(RunResult.OK, 0L),
                  byStatus.getOrDefault(RunResult.DIVERGED, 0L),
                  byStatus.getOrDefault(RunResult.FAILED, 0L),
                  byStatus.getOrDefault(RunResult.TIMEOUT, 0L),
                  System.currentTimeMillis() - start,
                  0,
                  0,
                  Map.of(),
                  "");
          Compaction.writeSweeps(
              conf,
              fresh ? null : warehouse.partition(Warehouse.SWEEPS, sweep),
              new Path(pending.apply(Warehouse.SWEEPS), "part-00000.parquet"),
              new Compaction.SweepsRow(
                  spec.canonicalJson(),
                  Platform.version(),
                  spark.sparkContext().applicationId(),
                  spark.sparkContext().master(),
                  start,
                  System.currentTimeMillis(),
                  o.planned(),
                  o.reused(),
                  o.trained(),
                  o.ok(),
                  o.diverged(),
                  o.failed(),
                  o.timeout()));
          outcome[0] = o;
        });
    return outcome[0];
  }

  /** Runs per status, after writing {@code files}' runs and curves into the two directories. */
  private static Map<String, Long> compact(
      SparkSession spark, List<Path> files, int filesPerTask, Path runsDir, Path curvesDir) {
    Map<String, Long> byStatus = new HashMap<>();
    if (files.isEmpty()) {
      return byStatus;
    }
    int n = files.size();
    int groups =
        (int)
            Math.max(
                1,
                Math.min(
                    Math.ceil(n / (double) filesPerTask),
                    spark.sparkContext().defaultParallelism()));
    List<CompactTask.Group> work = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      List<String> part =
          files.subList((int) ((long) g * n / groups), (int) ((long) (g + 1) * n / groups)).stream()
              .map(Path::toString)
              .toList();
      work.add(new CompactTask.Group(g, part));
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Map<String, String>> conf = HadoopConf.broadcast(spark);
    try {
      jsc.setJobDescription("commit " + n + " runs");
      for (Map<String, Long> part :
          jsc.parallelize(work, groups).map(new CompactTask(conf, runsDir, curvesDir)).collect()) {
        part.forEach((status, count) -> byStatus.merge(status, count, Long::sum));
      }
    } finally {
      jsc.setJobDescription(null);
      conf.destroy();
    }
    return byStatus;
  }

  private static IllegalStateException notAllStaged(
      String sweep, long planned, long found, Path staging) {
    return new IllegalStateException(
        "sweep "
            + sweep
            + ": "
            + planned
            + " runs planned but "
            + found
            + " staged; nothing was committed. Staging is in "
            + staging);
  }
}
