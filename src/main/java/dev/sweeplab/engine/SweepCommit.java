package dev.sweeplab.engine;

import dev.sweeplab.model.Platform;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.CommitRehearsal;
import dev.sweeplab.store.Compaction;
import dev.sweeplab.store.Staging;
import dev.sweeplab.store.StaleRuns;
import dev.sweeplab.store.Superseded;
import dev.sweeplab.store.SweepCounts;
import dev.sweeplab.store.SweepPublish;
import dev.sweeplab.store.TableStore;
import dev.sweeplab.store.Warehouse;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a sweep's execution: its staged runs compacted by Spark tasks into new data files of
 * the {@code runs} and {@code curves} tables, published with its {@code sweeps} row by {@link
 * SweepPublish} (one Iceberg snapshot per table; readers pin the snapshots the row names).
 * Driver-only. Data files a failed commit wrote and did not commit are removed.
 *
 * <p>The compaction is one Spark job of plain tasks that read staging files and write Parquet with
 * parquet-hadoop ({@link Compaction}), not Spark SQL: a first Spark SQL query in a JVM spends
 * seconds planning and warming up before it reads a file, and its Parquet reader opens a small
 * staging file several times slower (measured in docs/benchmarks.md).
 */
final class SweepCommit {
  private static final Logger LOG = LoggerFactory.getLogger(SweepCommit.class);

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
    TableStore store = Tables.store(spark, warehouse);
    try (SweepPublish publish = SweepPublish.begin(store.catalog(), conf, sweep)) {
      if (fresh) {
        // Analyses of the discarded results go with them; the sweep's analysis writes them anew.
        publish.empty(Tables.ANALYSES);
      }
      Compacted compacted =
          compact(spark, files, filesPerTask, publish.runsDir(), publish.curvesDir());
      long found = compacted.byStatus().values().stream().mapToLong(Long::longValue).sum();
      if (found != planned.size()) {
        throw notAllStaged(sweep, planned.size(), found, staging);
      }
      SweepCounts counts = SweepCounts.of(planned.size(), reused, trained, compacted.byStatus());
      publish.publish(
          compacted.runs(),
          compacted.curves(),
          new Compaction.SweepsRow(
              spec.canonicalJson(),
              Platform.version(),
              spark.sparkContext().applicationId(),
              spark.sparkContext().master(),
              start,
              System.currentTimeMillis(),
              counts,
              0,
              0),
          fresh,
          FaultPoints::commitReached); // tests only: nothing happens in the product
      return new SweepOutcome(counts, 0, System.currentTimeMillis() - start, 0, 0, Map.of(), "");
    }
  }

  /**
   * Readies the commit while the sweep trains, on a driver thread that would otherwise wait: the
   * three tables the commit writes are created (or loaded), and the commit is rehearsed on a
   * scratch copy ({@link CommitRehearsal}) with the first of the {@code planned} runs.
   */
  static void prepare(SparkSession spark, Warehouse warehouse, List<RunConfig> planned) {
    SweepPublish.createTables(Tables.store(spark, warehouse).catalog());
    if (!planned.isEmpty()) {
      CommitRehearsal.run(spark.sparkContext().hadoopConfiguration(), planned.get(0));
    }
  }

  /** What the compaction wrote: runs per status and the files of each table. */
  private record Compacted(Map<String, Long> byStatus, List<String> runs, List<String> curves) {}

  /** Writes {@code files}' runs and curves into the two directories. */
  private static Compacted compact(
      SparkSession spark, List<Path> files, int filesPerTask, Path runsDir, Path curvesDir) {
    Map<String, Long> byStatus = new HashMap<>();
    if (files.isEmpty()) {
      return new Compacted(byStatus, List.of(), List.of());
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
    List<String> runs = new ArrayList<>();
    List<String> curves = new ArrayList<>();
    for (CompactTask.Group g : work) {
      runs.add(new Path(runsDir, CompactTask.fileName(g)).toString());
      curves.add(new Path(curvesDir, CompactTask.fileName(g)).toString());
    }
    return new Compacted(byStatus, runs, curves);
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
