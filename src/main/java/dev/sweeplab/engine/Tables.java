package dev.sweeplab.engine;

import dev.sweeplab.store.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Registers the warehouse's tables as Spark SQL views. Driver-only. */
public final class Tables {
  public static final List<String> ALL =
      List.of(
          Warehouse.RUNS,
          Warehouse.CURVES,
          Warehouse.SWEEPS,
          Warehouse.SCALING_FITS,
          Warehouse.DOUBLE_DESCENT,
          Warehouse.COORD_CHECK);

  private Tables() {}

  /**
   * Registers each table that exists as a temporary view of the same name; returns their names.
   * Schemas are merged over partitions, so a warehouse written by an older version (without a
   * column added since) stays readable: the older sweeps read null there.
   */
  public static List<String> register(SparkSession spark, Warehouse warehouse) {
    List<String> found = new ArrayList<>();
    for (String name : ALL) {
      Path dir = warehouse.table(name);
      if (exists(spark, dir)) {
        spark
            .read()
            .option("mergeSchema", "true")
            .parquet(dir.toString())
            .createOrReplaceTempView(name);
        found.add(name);
      }
    }
    return found;
  }

  static boolean exists(SparkSession spark, Path dir) {
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      return fs.exists(dir) && fs.listStatus(dir).length > 0;
    } catch (IOException e) {
      throw new UncheckedIOException("could not look at " + dir, e);
    }
  }
}
