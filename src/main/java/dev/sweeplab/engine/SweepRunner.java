package dev.sweeplab.engine;

import dev.sweeplab.data.DatasetCache;
import dev.sweeplab.data.DatasetSpec;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.Staging;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.train.Platform;
import java.io.IOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes a sweep on Spark: plans its runs, skips those already staged (resume), trains the rest
 * one per task in longest-first order, commits staging into the tables, and appends the {@code
 * sweeps} row. Driver-only.
 */
public final class SweepRunner {
  private static final Logger LOG = LoggerFactory.getLogger(SweepRunner.class);

  static final StructType SWEEPS_SCHEMA =
      new StructType()
          .add("sweep", DataTypes.StringType, false)
          .add("spec", DataTypes.StringType, false)
          .add("version", DataTypes.StringType, false)
          .add("spark_app_id", DataTypes.StringType, false)
          .add("master", DataTypes.StringType, false)
          .add("started", DataTypes.TimestampType, false)
          .add("finished", DataTypes.TimestampType, false)
          .add("runs_planned", DataTypes.LongType, false)
          .add("runs_reused", DataTypes.LongType, false)
          .add("runs_trained", DataTypes.LongType, false)
          .add("runs_ok", DataTypes.LongType, false)
          .add("runs_diverged", DataTypes.LongType, false)
          .add("runs_failed", DataTypes.LongType, false);

  private final SparkSession spark;
  private final Warehouse warehouse;

  public SweepRunner(SparkSession spark, Warehouse warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
  }

  /** Runs {@code spec} to completion; {@code fresh} discards earlier results of the sweep first. */
  public SweepOutcome run(SweepSpec spec, boolean fresh) {
    long start = System.currentTimeMillis();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String sweep = spec.name();
    Path staging = warehouse.staging(sweep);
    prepare(hadoop, staging, sweep, fresh);

    List<RunConfig> planned = spec.expand();
    Set<String> staged = stagedRunIds(hadoop, staging);
    List<RunConfig> todo = new ArrayList<>();
    for (RunConfig run : planned) {
      if (!staged.contains(run.runId())) {
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
    if (!todo.isEmpty()) {
      // Bad data stops here, before any training, with the file and the problem named.
      todo.stream().map(DatasetSpec::of).distinct().forEach(DatasetCache::check);
      train(todo);
    }
    List<String> ids = planned.stream().map(RunConfig::runId).toList();
    Commit.runsAndCurves(spark, warehouse, sweep, ids);
    Map<String, Long> byStatus = statusCounts(sweep);
    long committed = byStatus.values().stream().mapToLong(Long::longValue).sum();
    if (committed != planned.size()) {
      throw new IllegalStateException(
          "sweep "
              + sweep
              + ": "
              + planned.size()
              + " runs planned but "
              + committed
              + " committed; staging is in "
              + staging);
    }
    SweepOutcome outcome =
        new SweepOutcome(
            planned.size(),
            reused,
            todo.size(),
            byStatus.getOrDefault("ok", 0L),
            byStatus.getOrDefault("diverged", 0L),
            byStatus.getOrDefault("failed", 0L),
            System.currentTimeMillis() - start);
    appendSweepRow(spec, start, outcome);
    return outcome;
  }

  private void train(List<RunConfig> todo) {
    List<RunConfig> order = new ArrayList<>(todo);
    // Longest first, so the biggest runs do not start last and straggle; run_id breaks ties.
    order.sort(
        Comparator.comparingDouble(RunConfig::cost).reversed().thenComparing(RunConfig::runId));
    double[] cost = order.stream().mapToDouble(RunConfig::cost).toArray();
    Map<String, String> conf = new HashMap<>();
    spark.sparkContext().hadoopConfiguration().forEach(e -> conf.put(e.getKey(), e.getValue()));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Map<String, String>> hadoopConf = jsc.broadcast(conf);
    Progress progress = new Progress(cost);
    spark.sparkContext().addSparkListener(progress);
    try {
      jsc.setJobDescription("train " + order.size() + " runs");
      List<TaskOutcome> outcomes =
          jsc.parallelize(order, order.size())
              .map(new RunTask(warehouse, hadoopConf, spark.sparkContext().applicationId()))
              .collect();
      long notOk = outcomes.stream().filter(o -> !"ok".equals(o.status())).count();
      LOG.info("trained {} runs, {} not ok", outcomes.size(), notOk);
    } finally {
      spark.sparkContext().removeSparkListener(progress);
      hadoopConf.destroy();
    }
  }

  private void prepare(Configuration hadoop, Path staging, String sweep, boolean fresh) {
    try {
      FileSystem fs = staging.getFileSystem(hadoop);
      if (fresh) {
        fs.delete(staging, true);
        for (String table : Tables.ALL) {
          fs.delete(warehouse.partition(table, sweep), true);
        }
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

  private static Set<String> stagedRunIds(Configuration hadoop, Path staging) {
    try {
      return Staging.runIds(hadoop, staging);
    } catch (IOException e) {
      throw UserError.io("list staged runs in", staging.toString(), e);
    }
  }

  private Map<String, Long> statusCounts(String sweep) {
    Map<String, Long> counts = new HashMap<>();
    for (Row row :
        spark
            .read()
            .parquet(warehouse.partition(Warehouse.RUNS, sweep).toString())
            .groupBy("status")
            .count()
            .collectAsList()) {
      counts.put(row.getString(0), row.getLong(1));
    }
    return counts;
  }

  private void appendSweepRow(SweepSpec spec, long start, SweepOutcome o) {
    Row row =
        RowFactory.create(
            spec.name(),
            spec.canonicalJson(),
            Platform.version(),
            spark.sparkContext().applicationId(),
            spark.sparkContext().master(),
            new Timestamp(start),
            new Timestamp(System.currentTimeMillis()),
            o.planned(),
            o.reused(),
            o.trained(),
            o.ok(),
            o.diverged(),
            o.failed());
    spark
        .createDataFrame(List.of(row), SWEEPS_SCHEMA)
        .coalesce(1)
        .write()
        .mode(SaveMode.Append)
        .partitionBy("sweep")
        .parquet(warehouse.table(Warehouse.SWEEPS).toString());
  }
}
