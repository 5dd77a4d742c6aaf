package dev.sweeplab.store;

import dev.sweeplab.engine.Sessions;
import dev.sweeplab.engine.SweepBench;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.train.RunResult;
import dev.sweeplab.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Not a test: how long {@link PartitionCommit} takes to make {@code runs} staged files (default
 * 10,000, the tiny runs of {@code bench scale}) one sweep's partition of an Iceberg table in a
 * Hadoop catalog on the local disk. The files are real staging files ({@link Staging#write}, the
 * run schema with its curve), all holding one trained run's numbers under the sweep's run ids. It
 * prints the time to stage the files (skipped when a run of the bench left them), then three times
 * over the time to read their footers and to commit them (the second and third replace the
 * partition with the same files), and the time of two counts through Spark SQL:
 *
 * <pre>
 * mvn -o -q -DskipTests test-compile
 * java -Xmx3g @conf/jvm.options -cp target/test-classes:target/classes:$(cat target/classpath.txt) \
 *   dev.sweeplab.store.PartitionCommitBench 10000 target/partition-commit-bench
 * </pre>
 */
public final class PartitionCommitBench {
  private PartitionCommitBench() {}

  public static void main(String[] args) throws IOException {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    java.nio.file.Path dir =
        java.nio.file.Path.of(args.length > 1 ? args[1] : "target/partition-commit-bench")
            .toAbsolutePath();
    String sweep = "bench_iceberg";
    Configuration conf = new Configuration();
    java.nio.file.Path stagingDir = dir.resolve("_staging/sweep=" + sweep);
    List<String> files = staged(stagingDir);
    if (files.size() != runs) {
      delete(dir);
      List<RunConfig> planned = SweepBench.tinyRuns(sweep, runs).expand();
      RunResult result = Trainer.run(planned.get(0));
      Provenance provenance = Provenance.here("cpu", "bench", "driver", "localhost", 0, "task");
      Path staging = new Path(stagingDir.toUri());
      long t0 = System.nanoTime();
      for (RunConfig run : planned) {
        RunRecord record = new RunRecord(run, result, provenance, System.currentTimeMillis());
        Staging.write(conf, staging, record);
      }
      System.out.printf("write %d files: %.1f s%n", runs, (System.nanoTime() - t0) / 1e9);
      files = staged(stagingDir);
    } else {
      System.out.printf("%d files staged by an earlier run of the bench: reused%n", runs);
      delete(dir.resolve("iceberg"));
    }

    try (SparkSession spark = Sessions.open("partition commit bench", "local[2]")) {
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      String warehouse = dir.resolve("iceberg").toString();
      Catalogs.sparkConf(warehouse, null, Map.of(), hadoop).forEach(spark.conf()::set);
      Catalog catalog = Catalogs.open(warehouse, null, Map.of(), hadoop);
      StructType schema = spark.read().parquet(files.get(0)).schema();
      Table table = IcebergTables.createOrLoad(catalog, "runs", SparkSchemaUtil.convert(schema));
      for (int round = 1; round <= 3; round++) {
        long t0 = System.nanoTime();
        List<DataFile> dataFiles = PartitionCommit.dataFiles(table, sweep, files);
        long t1 = System.nanoTime();
        PartitionCommit.commit(table, sweep, dataFiles, Map.of());
        long t2 = System.nanoTime();
        System.out.printf(
            "commit %d of %d files: %.1f s = footers %.1f s + Iceberg commit %.1f s%n",
            round, runs, (t2 - t0) / 1e9, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
      }
      long t0 = System.nanoTime();
      long all = spark.sql("SELECT count(*) FROM runs").first().getLong(0);
      long t1 = System.nanoTime();
      long ok = spark.sql("SELECT count(*) FROM runs WHERE status = 'ok'").first().getLong(0);
      long t2 = System.nanoTime();
      if (all != runs || ok != runs) {
        throw new IllegalStateException(
            "the table has " + all + " runs, " + ok + " ok; not " + runs);
      }
      System.out.printf(
          "Spark SQL: count(*) %.1f s, count(*) WHERE status = 'ok' (reads every file) %.1f s%n",
          (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }
  }

  /** The staged run files in {@code dir}, sorted; none if it does not exist. */
  private static List<String> staged(java.nio.file.Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<java.nio.file.Path> list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .sorted()
          .map(p -> new Path(p.toUri()).toString())
          .toList();
    }
  }

  private static void delete(java.nio.file.Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<java.nio.file.Path> walk = Files.walk(dir)) {
      for (java.nio.file.Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
