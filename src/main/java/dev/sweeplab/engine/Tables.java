package dev.sweeplab.engine;

import dev.sweeplab.store.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** Registers the warehouse's tables as Spark SQL views. Driver-only. */
public final class Tables {
  public static final List<String> ALL =
      List.of(
          Warehouse.RUNS,
          Warehouse.CURVES,
          Warehouse.SWEEPS,
          Warehouse.SCALING_FITS,
          Warehouse.DOUBLE_DESCENT,
          Warehouse.COORD_CHECK,
          Warehouse.WIDTH_EXPONENTS,
          Warehouse.LR_TRANSFER);

  /**
   * Columns added to a table after warehouses were first written, with their types: a warehouse all
   * of whose partitions predate one still shows it, null, so queries written for the current tables
   * run on it.
   */
  static final Map<String, Map<String, DataType>> NEWER_COLUMNS =
      Map.of(
          Warehouse.RUNS,
          columns(
              "val_size", DataTypes.IntegerType,
              "best_val_loss", DataTypes.DoubleType,
              "best_step", DataTypes.LongType,
              "test_loss_at_best", DataTypes.DoubleType,
              "test_error_at_best", DataTypes.DoubleType,
              "eval_train_size", DataTypes.IntegerType,
              "eval_test_size", DataTypes.IntegerType),
          Warehouse.CURVES,
          columns("val_loss", DataTypes.DoubleType, "val_error", DataTypes.DoubleType));

  private Tables() {}

  private static Map<String, DataType> columns(Object... nameThenType) {
    Map<String, DataType> out = new LinkedHashMap<>();
    for (int i = 0; i < nameThenType.length; i += 2) {
      out.put((String) nameThenType[i], (DataType) nameThenType[i + 1]);
    }
    return out;
  }

  /** {@code table} with each of its {@link #NEWER_COLUMNS} that no partition has, as null. */
  private static Dataset<Row> withNewerColumns(String name, Dataset<Row> table) {
    List<String> present = List.of(table.columns());
    for (Map.Entry<String, DataType> c : NEWER_COLUMNS.getOrDefault(name, Map.of()).entrySet()) {
      if (!present.contains(c.getKey())) {
        table = table.withColumn(c.getKey(), functions.lit(null).cast(c.getValue()));
      }
    }
    return table;
  }

  /**
   * Registers each table that exists as a temporary view of the same name; returns their names.
   * Schemas are merged over partitions, so a warehouse written by an older version (without a
   * column added since) stays readable: the older sweeps read null there, and a column of {@link
   * #NEWER_COLUMNS} that no partition has is null throughout.
   */
  public static List<String> register(SparkSession spark, Warehouse warehouse) {
    List<String> found = new ArrayList<>();
    for (String name : ALL) {
      Path dir = warehouse.table(name);
      if (exists(spark, dir)) {
        withNewerColumns(name, spark.read().option("mergeSchema", "true").parquet(dir.toString()))
            .createOrReplaceTempView(name);
        found.add(name);
      }
    }
    return found;
  }

  /**
   * Registers the tables and runs {@code query} on them, isolated from commits (see {@link
   * Commit}): the query waits while a commit is swapping partitions and is run again when one
   * finished while it ran, so its result reflects one committed state of the warehouse. A commit
   * left pending by a driver that died is waited on for at most {@link Commit#STALE_MS}.
   */
  public static <T> T read(SparkSession spark, Warehouse warehouse, Supplier<T> query) {
    Path commits = Commit.commits(warehouse);
    for (int attempt = 1; attempt <= MAX_READ_ATTEMPTS; attempt++) {
      List<String> before = commitState(spark, commits, true);
      if (before == null) {
        sleep(20); // a commit is swapping partitions right now
        attempt--;
        continue;
      }
      T result;
      try {
        register(spark, warehouse);
        result = query.get();
      } catch (Exception e) { // Spark's exceptions are checked in Java but thrown undeclared
        // Files renamed away under a running query surface as errors: retry if a commit ran.
        if (!before.equals(commitState(spark, commits, false))) {
          continue;
        }
        throw e;
      }
      if (before.equals(commitState(spark, commits, false))) {
        return result;
      }
    }
    throw new IllegalStateException(
        "the warehouse "
            + warehouse.root()
            + " changed under "
            + MAX_READ_ATTEMPTS
            + " attempts of one query: commits arrive faster than it runs");
  }

  private static final int MAX_READ_ATTEMPTS = 50;

  /**
   * The sorted names in {@code _commits}; null when {@code nullIfSwapping} and a commit younger
   * than {@link Commit#STALE_MS} is pending.
   */
  private static List<String> commitState(
      SparkSession spark, Path commits, boolean nullIfSwapping) {
    try {
      FileSystem fs = commits.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(commits)) {
        return List.of();
      }
      List<String> names = new ArrayList<>();
      for (FileStatus f : fs.listStatus(commits)) {
        String name = f.getPath().getName();
        if (nullIfSwapping
            && name.endsWith(Commit.PENDING)
            && System.currentTimeMillis() - f.getModificationTime() < Commit.STALE_MS) {
          return null;
        }
        names.add(name);
      }
      names.sort(null);
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException("could not look at " + commits, e);
    }
  }

  /** Sleeps while a commit finishes; an interrupt ends the wait with an exception. */
  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a commit", e);
    }
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
