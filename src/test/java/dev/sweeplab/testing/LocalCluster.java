package dev.sweeplab.testing;

import dev.sweeplab.engine.Sessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerSpeculativeTaskSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;

/**
 * A SparkSession on {@code local-cluster[2,1,1024]}: an in-process master and two workers, each
 * launching one real executor JVM with one core, so a test can lose an executor for real (after
 * Spark's {@code DistributedSuite}). The Spark session is made by {@link Sessions}, as the product
 * makes it; the executors get the test classpath, the Java 17 flags of {@code conf/jvm.options},
 * the JavaCPP cache and log configuration of the test JVM, and {@code OMP_NUM_THREADS=1}.
 *
 * <p>Spark's workers build the executor command with the launcher's {@code AbstractCommandBuilder},
 * which wants a Spark home with a {@code jars/} directory and a Scala version. Outside a Spark
 * distribution the worker takes its home from the {@code spark.test.home} system property when
 * {@code spark.testing} is set, as Spark's own tests do; both are set only while the Spark session
 * starts (the workers read them then) and restored after, so later {@code local[2]} Spark sessions
 * of the same test JVM do not see them. This Spark session keeps {@code spark.testing} in its conf,
 * and Spark passes {@code SPARK_TESTING} on to its executors: they run in Spark's test mode, as in
 * Spark's own suites. The fake home is {@code target/local-cluster/}: an empty {@code jars/} and
 * the workers' {@code work/} directory, which holds each executor's stdout and stderr while the
 * Spark session runs (it is gone once the Spark session stops). The Scala version reaches the
 * command builder through the executor environment.
 */
public final class LocalCluster {
  public static final String MASTER = "local-cluster[2,1,1024]";
  public static final int EXECUTORS = 2;

  public static final Path HOME = Path.of("target", "local-cluster").toAbsolutePath();

  private LocalCluster() {}

  /**
   * Starts a Spark session on {@link #MASTER} with {@code settings} on top of the cluster's own;
   * {@code executorJavaOptions} are appended to the executors' JVM flags. Waits until both
   * executors registered. Fails if another SparkContext is still running (its settings would be
   * used).
   */
  public static SparkSession open(
      String appName, Map<String, String> settings, String... executorJavaOptions) {
    return open(appName, MASTER, EXECUTORS, settings, executorJavaOptions);
  }

  /**
   * As {@link #open(String, Map, String...)} on another {@code local-cluster[workers, cores,
   * memory]} master, waiting for {@code executors} executors (one per worker).
   */
  public static SparkSession open(
      String appName,
      String master,
      int executors,
      Map<String, String> settings,
      String... executorJavaOptions) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("spark.testing", "true");
    props.put("spark.test.home", home().toString());
    props.put("spark.executor.extraClassPath", System.getProperty("java.class.path"));
    props.put("spark.executor.extraJavaOptions", javaOptions(executorJavaOptions));
    props.put("spark.executorEnv.OMP_NUM_THREADS", "1");
    props.put("spark.executorEnv.SPARK_LOCAL_IP", Loopback.ADDRESS);
    // Read by the launcher's command builder from the executor environment.
    props.put("spark.executorEnv.SPARK_SCALA_VERSION", "2.12");
    props.put("spark.task.maxFailures", "4");
    props.put("spark.sql.shuffle.partitions", "2");
    props.putAll(settings);

    Map<String, String> saved = new HashMap<>();
    props.keySet().forEach(k -> saved.put(k, System.getProperty(k)));
    SparkSession spark;
    try {
      // A new SparkConf reads spark.* system properties: this is how the settings reach Sessions.
      props.forEach(System::setProperty);
      spark = Sessions.open(appName, master);
    } finally {
      saved.forEach(
          (k, v) -> {
            if (v == null) {
              System.clearProperty(k);
            } else {
              System.setProperty(k, v);
            }
          });
    }
    if (!master.equals(spark.sparkContext().master())) {
      String running = spark.sparkContext().master();
      throw new IllegalStateException(
          "a SparkContext on " + running + " is still running; stop it before opening " + master);
    }
    awaitExecutors(spark, executors, 120_000);
    Loopback.check(spark);
    return spark;
  }

  /** The executors' JVM flags: conf/jvm.options, the test JVM's JavaCPP cache and log config. */
  static String javaOptions(String... extra) {
    List<String> options = new ArrayList<>();
    try (Stream<String> lines = Files.lines(Path.of("conf", "jvm.options"))) {
      lines
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .forEach(options::add);
    } catch (IOException e) {
      throw new UncheckedIOException("read conf/jvm.options (tests run from the project root)", e);
    }
    for (String p : List.of("org.bytedeco.javacpp.cachedir", "log4j.configurationFile")) {
      String value = System.getProperty(p);
      if (value != null) {
        options.add("-D" + p + "=" + value);
      }
    }
    options.addAll(List.of(extra));
    for (String option : options) {
      if (option.contains(" ") || option.contains("\"") || option.contains("'")) {
        throw new IllegalArgumentException("executor JVM option must not need quoting: " + option);
      }
    }
    return String.join(" ", options);
  }

  /** Executors registered with the driver now, not counting the driver itself. */
  public static int executors(SparkSession spark) {
    return spark.sparkContext().getExecutorMemoryStatus().size() - 1;
  }

  /** Waits until {@code count} executors are registered. */
  public static void awaitExecutors(SparkSession spark, int count, long timeoutMs) {
    await(
        () -> executors(spark) >= count ? 1 : 0,
        1,
        timeoutMs,
        count + " executors on " + spark.sparkContext().master());
  }

  /** Waits until {@code value} reaches {@code atLeast}: listener events arrive asynchronously. */
  public static void await(IntSupplier value, int atLeast, long timeoutMs, String what) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (value.getAsInt() < atLeast) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(
            "timed out after "
                + timeoutMs
                + " ms waiting for "
                + what
                + " (executor logs under "
                + HOME.resolve("work")
                + ")");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  private static Path home() {
    try {
      Files.createDirectories(HOME.resolve("jars"));
      return HOME;
    } catch (IOException e) {
      throw new UncheckedIOException("create the local-cluster Spark home " + HOME, e);
    }
  }

  /**
   * Counts what happened to executors and tasks: executors added and removed (with the reasons),
   * tasks marked speculatable and speculative copies actually launched.
   */
  public static final class Events extends SparkListener {
    public final AtomicInteger executorsAdded = new AtomicInteger();
    public final AtomicInteger executorsRemoved = new AtomicInteger();
    public final AtomicInteger speculativeSubmitted = new AtomicInteger();
    public final AtomicInteger speculativeLaunched = new AtomicInteger();
    public final List<String> removedReasons = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Set<Integer> trainStages = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<Integer, Integer> trainSuccesses =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Integer> trainTaskEnds =
        new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void onJobStart(SparkListenerJobStart event) {
      String description = event.properties().getProperty("spark.job.description", "");
      if (description.startsWith("train ")) {
        event.stageIds().foreach(id -> trainStages.add((Integer) id));
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
      if (!trainStages.contains(event.stageId())) {
        return;
      }
      trainTaskEnds.merge(
          event.reason().getClass().getSimpleName().replace("$", ""), 1, Integer::sum);
      if (event.taskInfo().successful()) {
        trainSuccesses.merge(event.taskInfo().index(), 1, Integer::sum);
      }
    }

    /** The training job's task ends by the end reason's class: Success, ExceptionFailure, …. */
    public Map<String, Integer> trainTaskEnds() {
      return Map.copyOf(trainTaskEnds);
    }

    /** Runs whose training task succeeded more than once (each extra success counted). */
    public int retrained() {
      return trainSuccesses.values().stream().mapToInt(c -> c - 1).sum();
    }

    @Override
    public void onExecutorAdded(SparkListenerExecutorAdded event) {
      executorsAdded.incrementAndGet();
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved event) {
      executorsRemoved.incrementAndGet();
      removedReasons.add("executor " + event.executorId() + ": " + event.reason());
    }

    @Override
    public void onSpeculativeTaskSubmitted(SparkListenerSpeculativeTaskSubmitted event) {
      speculativeSubmitted.incrementAndGet();
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart event) {
      if (event.taskInfo().speculative()) {
        speculativeLaunched.incrementAndGet();
      }
    }

    @Override
    public String toString() {
      return "executors added "
          + executorsAdded
          + ", removed "
          + executorsRemoved
          + " "
          + removedReasons
          + "; speculative tasks submitted "
          + speculativeSubmitted
          + ", launched "
          + speculativeLaunched
          + "; runs trained more than once "
          + retrained();
    }
  }
}
