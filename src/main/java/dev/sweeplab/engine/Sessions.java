package dev.sweeplab.engine;

import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.ForklessLocalFileSystem;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the SparkSession sweeplab runs in. Under {@code spark-submit} the master and settings
 * come from there; otherwise Spark runs in-process on {@code --master} (default {@code local[*]}).
 * Driver-only.
 */
public final class Sessions {
  private Sessions() {}

  /**
   * The Spark conf that bounds how long sweeplab waits for a cluster to answer and accept the
   * application (a time such as 30s or 2m; default {@value #DEFAULT_CONNECT_TIMEOUT}). Set it with
   * {@code spark-submit --conf}, or {@code -Dspark.sweeplab.connectTimeout=10s} in {@code
   * SWEEPLAB_JAVA_OPTS}.
   */
  public static final String CONNECT_TIMEOUT = "spark.sweeplab.connectTimeout";

  static final String DEFAULT_CONNECT_TIMEOUT = "30s";

  /**
   * Checks a {@code --master} value before anything starts: null (the default) passes; anything
   * else must be a master URL Spark accepts.
   */
  public static void checkMaster(String master) {
    if (master != null) {
      Masters.check("--master", master);
    }
  }

  /**
   * A Spark session for {@code appName}; {@code master} is used only when none was configured. A
   * master URL Spark cannot parse, or a standalone cluster that does not answer and accept the
   * application within {@link #CONNECT_TIMEOUT}, is a user error, raised before anything is
   * written.
   */
  public static SparkSession open(String appName, String master) {
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) {
      checkMaster(master);
      conf.setMaster(master == null ? "local[*]" : master);
    } else {
      Masters.check("spark.master", conf.get("spark.master"));
    }
    long timeoutMs = connectTimeoutMs(conf);
    Masters.probe(conf.get("spark.master"), timeoutMs);
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
    if (!Masters.standalone(conf.get("spark.master"))) {
      return SparkSession.builder().config(conf).getOrCreate();
    }
    return registered(conf, timeoutMs);
  }

  /**
   * A Spark session on a standalone cluster, once the master has accepted the application: Spark's
   * own wait is three registration attempts of 20 s, after which it stops the context and the first
   * job fails with an unrelated error. Past {@code timeoutMs} this gives up with a user error; a
   * Spark session that arrives later is stopped as it arrives.
   */
  private static SparkSession registered(SparkConf conf, long timeoutMs) {
    String master = conf.get("spark.master");
    CompletableFuture<SparkSession> opening = new CompletableFuture<>();
    Thread opener =
        new Thread(
            () -> {
              try {
                opening.complete(SparkSession.builder().config(conf).getOrCreate());
              } catch (Throwable e) {
                opening.completeExceptionally(e);
              }
            },
            "sweeplab-connect");
    opener.setDaemon(true);
    opener.start();
    SparkSession spark;
    try {
      spark = opening.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      opening.thenAccept(SparkSession::stop);
      throw Masters.unreachable(master, "the application was not accepted in time", timeoutMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      opening.thenAccept(SparkSession::stop);
      throw Masters.unreachable(master, "interrupted while connecting", timeoutMs);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException("opening the Spark session failed", e.getCause());
    }
    // A master that gave up on the application leaves Spark's placeholder id ("spark-application-
    // <time>") instead of the "app-..." id a registered application gets.
    if (spark.sparkContext().isStopped()
        || spark.sparkContext().applicationId().startsWith("spark-application-")) {
      spark.stop();
      throw Masters.unreachable(master, "the master did not accept the application", timeoutMs);
    }
    SparkSession.setActiveSession(spark); // opened on another thread: active there only
    return spark;
  }

  /** {@link #CONNECT_TIMEOUT} in milliseconds; a value that is no time is a user error. */
  static long connectTimeoutMs(SparkConf conf) {
    String value = conf.get(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
    long ms;
    try {
      ms = conf.getTimeAsMs(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
    } catch (RuntimeException e) {
      ms = -1;
    }
    if (ms < 1) {
      throw UserError.badValue(
          CONNECT_TIMEOUT, value, "must be a time of at least 1ms, such as 30s or 2m");
    }
    return ms;
  }

  /**
   * Whether {@code master} runs the tasks in the driver's JVM ({@code local}, {@code local[n]}).
   */
  static boolean inProcess(String master) {
    return master.equals("local") || master.startsWith("local[");
  }
}
