package dev.sweeplab.engine;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import dev.sweeplab.store.RunSchema;
import dev.sweeplab.store.Warehouse;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Compacts a sweep's staged run files into the {@code runs} and {@code curves} tables. Each table's
 * partition for the sweep is replaced as a whole by Spark's dynamic partition overwrite, so
 * committing again never duplicates a row, and other sweeps' partitions are untouched. Driver-only.
 */
final class Commit {
  private Commit() {}

  /** Replaces the sweep's partitions with the staged runs whose ids are in {@code planned}. */
  static void runsAndCurves(
      SparkSession spark, Warehouse warehouse, String sweep, List<String> planned) {
    Dataset<Row> ids = spark.createDataset(planned, Encoders.STRING()).toDF("run_id");
    Dataset<Row> staged =
        spark
            .read()
            .parquet(warehouse.staging(sweep).toString())
            .join(broadcast(ids), "run_id")
            .cache();
    try {
      Dataset<Row> runs =
          staged.select(
              RunSchema.runColumns().stream()
                  .map(c -> col(c))
                  .toArray(org.apache.spark.sql.Column[]::new));
      overwritePartition(runs, warehouse.table(Warehouse.RUNS).toString());
      Dataset<Row> curves =
          staged
              .select(col("sweep"), col("run_id"), explode(col(RunSchema.CURVE)).as("p"))
              .select(
                  col("sweep"),
                  col("run_id"),
                  col("p.step"),
                  col("p.epoch"),
                  col("p.train_loss"),
                  col("p.train_error"),
                  col("p.test_loss"),
                  col("p.test_error"),
                  col("p.activations"));
      overwritePartition(curves, warehouse.table(Warehouse.CURVES).toString());
    } finally {
      staged.unpersist();
    }
  }

  /** Replaces the partitions of {@code table} that {@code rows} has, leaving the others. */
  static void overwritePartition(Dataset<Row> rows, String table) {
    rows.coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .option("partitionOverwriteMode", "dynamic")
        .partitionBy("sweep")
        .parquet(table);
  }
}
