package dev.sweeplab.engine;

import dev.sweeplab.store.ForklessLocalFileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the SparkSession sweeplab runs in. Under {@code spark-submit} the master and settings
 * come from there; otherwise Spark runs in-process on {@code --master} (default {@code local[*]}).
 * Driver-only.
 */
public final class Sessions {
  private Sessions() {}

  /** A Spark session for {@code appName}; {@code master} is used only when none was configured. */
  public static SparkSession open(String appName, String master) {
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) {
      conf.setMaster(master == null ? "local[*]" : master);
    }
    conf.setIfMissing("spark.app.name", appName);
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    conf.setIfMissing("spark.sql.shuffle.partitions", "8");
    conf.setIfMissing("spark.sql.debug.maxToStringFields", "200");
    // Sweep names are text: without this a sweep called "2026" or "2026-11-24" reads back as a
    // number or date.
    conf.setIfMissing("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
    // One BLAS/OpenMP thread per task: with one task per core, more threads only fight for the
    // cores.
    conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1");
    if (conf.get("spark.master").startsWith("local")) {
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    if (inProcess(conf.get("spark.master"))) {
      // Local file writes without a forked chmod each (see ForklessLocalFileSystem). Only where
      // every task runs in this JVM: executors elsewhere might start their file system before
      // the application's jar is on their class path.
      conf.setIfMissing("spark.hadoop.fs.file.impl", ForklessLocalFileSystem.class.getName());
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /**
   * Whether {@code master} runs the tasks in the driver's JVM ({@code local}, {@code local[n]}).
   */
  static boolean inProcess(String master) {
    return master.equals("local") || master.startsWith("local[");
  }
}
