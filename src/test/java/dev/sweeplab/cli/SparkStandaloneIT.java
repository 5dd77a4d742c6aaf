package dev.sweeplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster jar on a real Spark standalone cluster: a Master and a Worker started from Spark's
 * own classes on loopback, a {@code SPARK_HOME} laid out as a Spark distribution (its {@code jars/}
 * holds the jars {@link SparkSubmitIT#sparkClasspath} finds; {@code SPARK_SCALA_VERSION} tells the
 * Worker's launcher which Scala build it is), and {@code SparkSubmit --master spark://...
 * --properties-file conf/cluster-cpu.conf} in client mode. The Worker starts an executor JVM with
 * the properties file's executor options, the executor fetches the cluster jar from the driver and
 * trains the runs; the driver commits them. Only the values a two-core machine cannot give are
 * lowered (executor cores and memory), JavaCPP's cache directory is the one the tests share, and
 * the event log goes to a temporary directory, where the test finds it. Runs in {@code verify},
 * after {@code package} (failsafe).
 */
class SparkStandaloneIT {
  static final long START_S = 120;
  static final long TIMEOUT_S = 400;

  @TempDir Path tmp;

  private final List<Process> daemons = new ArrayList<>();

  @AfterEach
  void stopTheCluster() throws InterruptedException {
    // The Worker first: it stops its executors on SIGTERM; anything left is killed.
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process p = daemons.get(i);
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void theQuickSweepRunsOnAStandaloneCluster() throws Exception {
    Path jar = SparkSubmitIT.clusterJar();
    Path sparkHome = sparkHome(SparkSubmitIT.sparkClasspath(jar));
    String classpath = sparkHome.resolve("jars").toString() + File.separator + "*";
    int masterPort = freePort();
    String master = "spark://127.0.0.1:" + masterPort;

    Path masterLog = tmp.resolve("master.log");
    daemons.add(
        start(
            List.of(
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                String.valueOf(masterPort),
                "--webui-port",
                String.valueOf(freePort())),
            classpath,
            sparkHome,
            masterLog));
    awaitLine(masterLog, "I have been elected leader", "the Master");
    Path workerLog = tmp.resolve("worker.log");
    daemons.add(
        start(
            List.of(
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                "127.0.0.1",
                "--cores",
                "2",
                "--memory",
                "2g",
                "--webui-port",
                String.valueOf(freePort()),
                "--work-dir",
                Files.createDirectories(tmp.resolve("work")).toString(),
                master),
            classpath,
            sparkHome,
            workerLog));
    awaitLine(workerLog, "Successfully registered with master", "the Worker");

    Path spec = tmp.resolve(SparkSubmitIT.NAME + ".yaml");
    Files.writeString(spec, SparkSubmitIT.SPEC);
    Path warehouse = tmp.resolve("warehouse");
    Path events = Files.createDirectories(tmp.resolve("events"));
    String cache =
        System.getProperty(
            "org.bytedeco.javacpp.cachedir",
            Path.of(System.getProperty("user.home"), ".javacpp", "cache").toString());
    Path properties = Path.of("conf", "cluster-cpu.conf").toAbsolutePath();
    // Spark reads the file as java.util.Properties.
    Properties conf = new Properties();
    try (var in = Files.newBufferedReader(properties)) {
      conf.load(in);
    }
    String executorOptions =
        conf.getProperty("spark.executor.extraJavaOptions")
            .replace("-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp-cache", "")
            .trim();
    List<String> submit = SparkSubmitIT.submitCommand(SparkSubmitIT.sparkClasspath(jar));
    submit.addAll(
        List.of(
            "--master",
            master,
            "--deploy-mode",
            "client",
            "--properties-file",
            properties.toString(),
            "--conf",
            "spark.executor.cores=2",
            "--conf",
            "spark.executor.memory=1g",
            "--conf",
            "spark.executor.extraJavaOptions="
                + executorOptions
                + " -Dorg.bytedeco.javacpp.cachedir="
                + cache,
            "--conf",
            "spark.eventLog.dir=" + events.toUri(),
            "--conf",
            "spark.driver.host=127.0.0.1",
            "--conf",
            "spark.ui.enabled=false",
            "--class",
            Main.class.getName()));
    submit.addAll(SparkSubmitIT.application(jar, spec, warehouse, tmp.resolve("reports")));
    Path stdout = tmp.resolve("submit-stdout.txt");
    Path stderr = tmp.resolve("submit-stderr.txt");
    String out =
        SparkSubmitIT.runToEnd(
            submit, environment(sparkHome), stdout, stderr, TIMEOUT_S, () -> workerLog(workerLog));
    int runs = SparkSubmitIT.RUNS;
    assertTrue(
        out.contains(
            runs
                + " runs planned, "
                + runs
                + " trained now, 0 reused; "
                + runs
                + " ok, 0 diverged"),
        "run summary line\n" + out + workerLog(workerLog));

    // The runs were trained in an executor the Worker launched, not in the driver.
    String worker = Files.readString(workerLog);
    assertTrue(worker.contains("Asked to launch executor"), "the Worker launched an executor");
    try (Stream<Path> files = Files.walk(tmp.resolve("work"))) {
      assertTrue(
          files.anyMatch(p -> p.getFileName().toString().equals(jar.getFileName().toString())),
          "the executor fetched " + jar.getFileName() + " into its work directory");
    }
    assertEquals(runs, SparkSubmitIT.rows(warehouse, "runs"), "rows in the runs table");
    // conf/cluster-cpu.conf's event log: what a History Server reads once the driver is gone.
    try (Stream<Path> files = Files.walk(events)) {
      assertTrue(
          files.anyMatch(p -> p.getFileName().toString().startsWith("events_")),
          "an event log in " + events);
    }
  }

  /** A directory laid out as a Spark distribution: {@code jars/} links to each classpath jar. */
  private Path sparkHome(String classpath) throws IOException {
    Path home = Files.createDirectories(tmp.resolve("spark-home"));
    Path jars = Files.createDirectories(home.resolve("jars"));
    for (String entry : classpath.split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      Path link = jars.resolve(jar.getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, jar.toAbsolutePath());
      }
    }
    return home;
  }

  private Process start(List<String> mainAndArgs, String classpath, Path sparkHome, Path log)
      throws IOException {
    // The daemons log at Spark's default INFO level: the test waits for their lines.
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx512m");
    cmd.add("@" + Path.of("conf", "jvm.options").toAbsolutePath());
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(environment(sparkHome));
    return pb.start();
  }

  private static Map<String, String> environment(Path sparkHome) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("SPARK_HOME", sparkHome.toString());
    // The Worker's launcher looks for a Scala build directory unless it is told the version.
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOCAL_HOSTNAME", "localhost");
    env.put("OMP_NUM_THREADS", "1");
    env.put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
    return env;
  }

  private void awaitLine(Path log, String line, String what)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_S);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(line)) {
        return;
      }
      for (Process p : daemons) {
        if (!p.isAlive()) {
          fail(what + " exited with " + p.exitValue() + ":\n" + Files.readString(log));
        }
      }
      Thread.sleep(200);
    }
    fail(what + " did not log '" + line + "' in " + START_S + " s:\n" + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String workerLog(Path log) throws IOException {
    return "\n--- worker log ---\n" + (Files.exists(log) ? Files.readString(log) : "(none)");
  }
}
