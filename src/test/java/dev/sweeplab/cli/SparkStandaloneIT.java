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
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
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
    Path jar =
        Path.of(System.getProperty("sweeplab.clusterJar", "target/sweeplab-cluster.jar"))
            .toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), jar + " exists (mvn package builds it)");
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
    List<String> submit = new ArrayList<>(javaCommand(classpathOfSubmit(jar)));
    submit.addAll(
        List.of(
            "org.apache.spark.deploy.SparkSubmit",
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
            Main.class.getName(),
            jar.toString(),
            "run",
            spec.toString(),
            "--warehouse",
            warehouse.toString(),
            "--reports",
            tmp.resolve("reports").toString()));
    Path stdout = tmp.resolve("submit-stdout.txt");
    Path stderr = tmp.resolve("submit-stderr.txt");
    ProcessBuilder pb =
        new ProcessBuilder(submit)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    environment(pb, sparkHome);
    Process child = pb.start();
    if (!child.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      fail("SparkSubmit did not finish in " + TIMEOUT_S + " s" + logs(stdout, stderr, workerLog));
    }
    assertEquals(0, child.exitValue(), "SparkSubmit exit status" + logs(stdout, stderr, workerLog));
    String out = Files.readString(stdout);
    int runs = SparkSubmitIT.RUNS;
    assertTrue(
        out.contains(
            runs
                + " runs planned, "
                + runs
                + " trained now, 0 reused; "
                + runs
                + " ok, 0 diverged"),
        "run summary line" + logs(stdout, stderr, workerLog));

    // The runs were trained in an executor the Worker launched, not in the driver.
    String worker = Files.readString(workerLog);
    assertTrue(worker.contains("Asked to launch executor"), "the Worker launched an executor");
    try (Stream<Path> files = Files.walk(tmp.resolve("work"))) {
      assertTrue(
          files.anyMatch(p -> p.getFileName().toString().equals(jar.getFileName().toString())),
          "the executor fetched " + jar.getFileName() + " into its work directory");
    }
    long rows = 0;
    for (Path f : SparkSubmitIT.dataFiles(warehouse, "runs")) {
      try (ParquetFileReader reader =
          ParquetFileReader.open(
              HadoopInputFile.fromPath(
                  new org.apache.hadoop.fs.Path(f.toUri()), new Configuration()))) {
        rows += reader.getRecordCount();
      }
    }
    assertEquals(runs, rows, "rows in the runs table's partition");
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

  /** SparkSubmit's own classpath: the distribution's jars, as in {@link SparkSubmitIT}. */
  private static String classpathOfSubmit(Path jar) throws IOException {
    return SparkSubmitIT.sparkClasspath(jar);
  }

  private static List<String> javaCommand(String classpath) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx1g");
    cmd.add("@" + Path.of("conf", "jvm.options").toAbsolutePath());
    cmd.add("-Dlog4j.configurationFile=" + Path.of("conf", "log4j2.properties").toAbsolutePath());
    cmd.add("-Djava.awt.headless=true");
    cmd.add("-cp");
    cmd.add(classpath);
    return cmd;
  }

  private Process start(List<String> mainAndArgs, String classpath, Path sparkHome, Path log)
      throws IOException {
    List<String> cmd = new ArrayList<>(javaCommand(classpath));
    cmd.set(1, "-Xmx512m");
    // The daemons log at INFO: the test waits for their lines.
    cmd.removeIf(a -> a.startsWith("-Dlog4j.configurationFile="));
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    environment(pb, sparkHome);
    return pb.start();
  }

  private static void environment(ProcessBuilder pb, Path sparkHome) {
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    // The Worker's launcher looks for a Scala build directory unless it is told the version.
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOCAL_HOSTNAME", "localhost");
    env.put("OMP_NUM_THREADS", "1");
    env.put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
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

  private static String logs(Path stdout, Path stderr, Path workerLog) throws IOException {
    return SparkSubmitIT.tails(stdout, stderr)
        + "\n--- worker log ---\n"
        + (Files.exists(workerLog) ? Files.readString(workerLog) : "(none)");
  }
}
