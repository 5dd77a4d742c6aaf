package dev.sweeplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sweeplab.store.TableStore;
import dev.sweeplab.store.Warehouse;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster jar under {@code spark-submit}: a child JVM runs {@code
 * org.apache.spark.deploy.SparkSubmit --master local[2]} with {@code target/sweeplab-cluster.jar}
 * as the application jar and, as its own classpath, only what a Spark distribution brings (the
 * Maven-resolved Spark, Scala, Hadoop and Parquet jars of this build: the test classpath less this
 * project and every jar the cluster jar already holds). In client mode SparkSubmit runs the main
 * class in its own JVM with the application jar added to a child class loader, so this checks that
 * the shaded jar is complete and that ND4J finds its backend through the merged {@code
 * META-INF/services}. Runs in {@code verify}, after {@code package} (failsafe).
 */
class SparkSubmitIT {
  static final String NAME = "submit_smoke";

  static final String SPEC =
      """
      name: submit_smoke
      seed: 11
      repeats: 2
      dataset: {input_dim: 6, classes: 3, teacher_width: 8, train_size: 64, test_size: 32}
      model: {width: [4, 8], depth: 1}
      training: {batch_size: 32, steps: 5, eval_points: 2}
      """;

  static final int RUNS = 4;

  static final long TIMEOUT_S = 300;

  @TempDir Path tmp;

  /**
   * The product jars hold no benchmark harness (it ships in a jar of its own) and no fault
   * injection.
   */
  @Test
  void theBenchmarkHarnessShipsApartAndNoJarInjectsFaults() throws IOException {
    String bench = Main.BENCH.replace('.', '/') + ".class";
    Path target = Path.of("target");
    List<Path> jars;
    try (var files = Files.list(target)) {
      jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).toList();
    }
    int benchJars = 0;
    for (Path jar : jars) {
      boolean benchJar = jar.getFileName().toString().endsWith("-bench.jar");
      benchJars += benchJar ? 1 : 0;
      try (ZipFile z = new ZipFile(jar.toFile())) {
        assertEquals(benchJar, z.getEntry(bench) != null, jar + " holds " + bench);
        assertEquals(
            benchJar, z.getEntry("dev/sweeplab/engine/SweepBench.class") != null, jar.toString());
        assertEquals(null, z.getEntry("dev/sweeplab/engine/Faults.class"), jar + ": no faults");
        assertEquals(
            null,
            z.getEntry("META-INF/services/dev.sweeplab.engine.FaultPoints$Injector"),
            jar + ": no fault injector");
      }
    }
    assertEquals(1, benchJars, "one bench jar among " + jars);
    assertTrue(jars.size() >= 3, "the plain, cluster and bench jars: " + jars);
  }

  /**
   * {@code mvn package} records bin/sweeplab's class-data archive, and bin/sweeplab starts from it:
   * sweeplab's and Spark's classes come from the archive ("shared objects file"), not from the
   * jars. A class path or Java build that no longer matches it would show as "source: jar:" here.
   */
  @Test
  void binSweeplabStartsFromItsClassDataArchive() throws Exception {
    assertTrue(Files.isRegularFile(Path.of("target", "sweeplab.jsa")), "target/sweeplab.jsa");
    ProcessBuilder pb =
        new ProcessBuilder(Path.of("bin", "sweeplab").toAbsolutePath().toString(), "--version")
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("SWEEPLAB_JAVA_OPTS", "-Xlog:class+load=info");
    Process child = pb.start();
    String out = new String(child.getInputStream().readAllBytes());
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "bin/sweeplab --version finished");
    assertEquals(0, child.exitValue(), out);
    for (String cls : List.of("dev.sweeplab.cli.Main", "org.apache.spark.sql.SparkSession")) {
      assertTrue(
          out.contains(" " + cls + " source: shared objects file"),
          cls
              + " is loaded from target/sweeplab.jsa:\n"
              + out.lines().filter(l -> l.contains(" " + cls + " ")).toList());
    }
  }

  @Test
  void aTinySweepRunsFromTheClusterJar() throws Exception {
    Path jar = clusterJar();
    Path spec = tmp.resolve(NAME + ".yaml");
    Files.writeString(spec, SPEC);
    Path warehouse = tmp.resolve("warehouse");
    String classpath = sparkClasspath(jar);

    List<String> cmd = submitCommand(classpath);
    cmd.addAll(
        List.of(
            "--master",
            "local[2]",
            "--class",
            Main.class.getName(),
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.ui.showConsoleProgress=false"));
    cmd.addAll(application(jar, spec, warehouse, tmp.resolve("reports")));
    Path stdout = tmp.resolve("stdout.txt");
    Path stderr = tmp.resolve("stderr.txt");
    Map<String, String> env = new java.util.HashMap<>();
    env.put("OMP_NUM_THREADS", "1");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_HOME", null);
    long start = System.currentTimeMillis();
    String out = runToEnd(cmd, env, stdout, stderr, TIMEOUT_S, () -> "");
    long wallMs = System.currentTimeMillis() - start;
    assertTrue(
        out.contains(
            "sweep "
                + NAME
                + ": "
                + RUNS
                + " runs planned, "
                + RUNS
                + " trained now, 0 reused; "
                + RUNS
                + " ok, 0 diverged, 0 failed, 0 timeout"),
        "run summary line" + tails(stdout, stderr));

    assertEquals(RUNS, rows(warehouse, "runs"), "rows in the runs table's partition");
    sameNumbersThroughBinSweeplab(spec, warehouse);
    System.out.printf(
        "SparkSubmitIT: %d runs through spark-submit with %s (%d MB) in %d ms; child classpath"
            + " %d entries%n",
        RUNS,
        jar.getFileName(),
        Files.size(jar) >> 20,
        wallMs,
        classpath.split(File.pathSeparator).length);
  }

  /**
   * The same sweep trained by {@code bin/sweeplab} (its default native build, Spark in-process)
   * gives the cluster jar's numbers to the bit: every double of every {@code runs} and {@code
   * curves} row, keyed by run (and step), and the same native libraries.
   */
  private void sameNumbersThroughBinSweeplab(Path spec, Path clusterWarehouse) throws Exception {
    Path warehouse = tmp.resolve("warehouse-bin");
    Path stdout = tmp.resolve("bin-stdout.txt");
    Path stderr = tmp.resolve("bin-stderr.txt");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of("bin", "sweeplab").toAbsolutePath().toString(),
                "run",
                spec.toString(),
                "--warehouse",
                warehouse.toString(),
                "--reports",
                tmp.resolve("reports-bin").toString())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().remove("SWEEPLAB_ND4J");
    pb.environment().put("SWEEPLAB_HEAP", "1g");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process child = pb.start();
    if (!child.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      fail("bin/sweeplab did not finish in " + TIMEOUT_S + " s" + tails(stdout, stderr));
    }
    assertEquals(0, child.exitValue(), "bin/sweeplab exit status" + tails(stdout, stderr));
    for (String table : List.of("runs", "curves")) {
      Map<String, String> cluster = numbers(clusterWarehouse, table);
      Map<String, String> local = numbers(warehouse, table);
      assertTrue(cluster.size() >= RUNS, table + " rows: " + cluster.size());
      assertEquals(cluster, local, table + ": the cluster jar's numbers against bin/sweeplab's");
    }
  }

  /** The rows of the sweep's partition of {@code table}, counted from its Parquet footers. */
  static long rows(Path warehouse, String table) throws IOException {
    List<Path> files = dataFiles(warehouse, table);
    assertFalse(files.isEmpty(), "Parquet files of the " + table + " table");
    long rows = 0;
    for (Path f : files) {
      try (ParquetFileReader reader =
          ParquetFileReader.open(
              HadoopInputFile.fromPath(
                  new org.apache.hadoop.fs.Path(f.toUri()), new Configuration()))) {
        rows += reader.getRecordCount();
      }
    }
    return rows;
  }

  /** The data files of the sweep's partition of {@code table} at its current snapshot. */
  static List<Path> dataFiles(Path warehouse, String table) {
    org.apache.iceberg.Table t =
        TableStore.open(
                java.util.Map.of(), new Configuration(), new Warehouse(warehouse.toString()))
            .load(table)
            .orElseThrow();
    List<Path> files = new java.util.ArrayList<>();
    t.newScan()
        .filter(org.apache.iceberg.expressions.Expressions.equal("sweep", NAME))
        .planFiles()
        .forEach(f -> files.add(Path.of(java.net.URI.create(f.file().location()))));
    return files;
  }

  /**
   * Each row of {@code table} in the sweep's partition, keyed by run_id (and step for curves), as
   * the text of every double column (Double.toString round-trips every bit) and, for runs, its
   * native libraries.
   */
  private static Map<String, String> numbers(Path warehouse, String table) throws IOException {
    Map<String, String> rows = new TreeMap<>();
    for (Path f : dataFiles(warehouse, table)) {
      try (ParquetReader<Group> reader =
          ParquetReader.builder(new GroupReadSupport(), new org.apache.hadoop.fs.Path(f.toUri()))
              .withConf(new Configuration())
              .build()) {
        for (Group g = reader.read(); g != null; g = reader.read()) {
          GroupType type = g.getType();
          StringBuilder values = new StringBuilder();
          for (int i = 0; i < type.getFieldCount(); i++) {
            Type field = type.getType(i);
            if (field.isPrimitive()
                && field.asPrimitiveType().getPrimitiveTypeName()
                    == PrimitiveType.PrimitiveTypeName.DOUBLE
                && g.getFieldRepetitionCount(i) == 1) {
              values.append(field.getName()).append('=').append(g.getDouble(i, 0)).append(' ');
            }
          }
          if (table.equals("runs")) {
            values.append(g.getString("native_libraries", 0));
          }
          String key =
              g.getString("run_id", 0) + (table.equals("curves") ? "@" + g.getLong("step", 0) : "");
          rows.put(key, values.toString());
        }
      }
    }
    return rows;
  }

  /**
   * Libraries that Spark 3.5.9 depends on (its distribution's {@code jars/} has them) and that the
   * cluster jar holds too, because DL4J or sweeplab declare them: Spark starts with its own copy
   * (SparkSubmit needs slf4j before the application jar is loaded). Found with {@code mvn
   * dependency:tree -Dverbose}: the shaded artifacts that also appear under spark-sql_2.12 and
   * hadoop-client-*.
   */
  static final Set<String> SPARK_ALSO_BRINGS =
      Set.of(
          "com/fasterxml/jackson/core/jackson-annotations",
          "com/fasterxml/jackson/core/jackson-core",
          "com/fasterxml/jackson/core/jackson-databind",
          "com/google/code/gson/gson",
          "com/google/flatbuffers/flatbuffers-java",
          "commons-codec/commons-codec",
          "commons-io/commons-io",
          "commons-logging/commons-logging",
          "org/apache/commons/commons-collections4",
          "org/apache/commons/commons-compress",
          "org/apache/commons/commons-lang3",
          "org/apache/commons/commons-math3",
          "org/slf4j/slf4j-api");

  /**
   * The test JVM's classpath less this project (classes, test classes, its plain jar) and every jar
   * whose files the cluster jar holds, except those Spark brings itself: what a Spark distribution
   * puts on the classpath.
   */
  static String sparkClasspath(Path clusterJar) throws IOException {
    List<String> kept = new ArrayList<>();
    try (ZipFile shaded = new ZipFile(clusterJar.toFile())) {
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        Path p = Path.of(entry);
        if (entry.isEmpty() || Files.isDirectory(p) || !Files.isRegularFile(p)) {
          continue; // target/classes, target/test-classes
        }
        if (!inside(shaded, p) || sparkBrings(p)) {
          kept.add(entry);
        }
      }
    }
    for (String entry : kept) {
      for (String ours : List.of("/org/nd4j/", "/org/deeplearning4j/", "/org/bytedeco/")) {
        assertFalse(entry.contains(ours), "ND4J and DL4J come from the cluster jar only: " + entry);
      }
    }
    return String.join(File.pathSeparator, kept);
  }

  /** Whether {@code jar} (in a Maven repository layout) is one of {@link #SPARK_ALSO_BRINGS}. */
  private static boolean sparkBrings(Path jar) {
    Path artifact = jar.getParent() == null ? null : jar.getParent().getParent();
    String path = artifact == null ? "" : artifact.toString().replace(File.separatorChar, '/');
    return SPARK_ALSO_BRINGS.stream().anyMatch(ga -> path.endsWith("/" + ga));
  }

  /**
   * Whether most of {@code jar}'s files (META-INF aside) are in {@code shaded}; for a jar of
   * metadata only, whether {@code shaded} has its Maven descriptor.
   */
  private static boolean inside(ZipFile shaded, Path jar) throws IOException {
    int files = 0;
    int found = 0;
    boolean descriptor = false;
    try (ZipFile z = new ZipFile(jar.toFile())) {
      for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        String name = entry.getName();
        if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
          descriptor |= shaded.getEntry(name) != null;
        }
        if (entry.isDirectory()
            || name.startsWith("META-INF/")
            || name.endsWith("module-info.class")) {
          continue;
        }
        files++;
        if (shaded.getEntry(name) != null) {
          found++;
        }
      }
    }
    return files > 0 ? 2 * found > files : descriptor;
  }

  /**
   * The JVM command that runs {@code SparkSubmit} on {@code classpath}, with the flags
   * spark-submit's launcher gives the JVM it starts (this test starts SparkSubmit itself, so it
   * passes them: --driver-java-options would only reach a JVM that SparkSubmit starts, which client
   * mode does not).
   */
  static List<String> submitCommand(String classpath) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx1g");
    cmd.add("@" + Path.of("conf", "jvm.options").toAbsolutePath());
    cmd.add(
        "-Dorg.bytedeco.javacpp.cachedir="
            + System.getProperty(
                "org.bytedeco.javacpp.cachedir",
                Path.of(System.getProperty("user.home"), ".javacpp", "cache").toString()));
    cmd.add("-Dlog4j.configurationFile=" + Path.of("conf", "log4j2.properties").toAbsolutePath());
    cmd.add("-Djava.awt.headless=true");
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    return cmd;
  }

  /** The cluster jar that {@code mvn package} built, which must exist. */
  static Path clusterJar() {
    Path jar =
        Path.of(System.getProperty("sweeplab.clusterJar", "target/sweeplab-cluster.jar"))
            .toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), jar + " exists (mvn package builds it)");
    return jar;
  }

  /** SparkSubmit's application: the jar, then {@code run SPEC --warehouse W --reports R}. */
  static List<String> application(Path jar, Path spec, Path warehouse, Path reports) {
    return List.of(
        jar.toString(),
        "run",
        spec.toString(),
        "--warehouse",
        warehouse.toString(),
        "--reports",
        reports.toString());
  }

  /**
   * Runs {@code cmd} with {@code env} set (a null value removes a variable), stdout and stderr to
   * files, no standard input; fails unless it exits 0 within {@code timeoutS}, showing the ends of
   * its output and {@code more}. Returns its stdout.
   */
  static String runToEnd(
      List<String> cmd,
      Map<String, String> env,
      Path stdout,
      Path stderr,
      long timeoutS,
      java.util.concurrent.Callable<String> more)
      throws Exception {
    Process child = dev.sweeplab.testing.Processes.start(cmd, env, stdout, stderr);
    if (!child.waitFor(timeoutS, TimeUnit.SECONDS)) {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      fail(
          "the command did not finish in " + timeoutS + " s" + tails(stdout, stderr) + more.call());
    }
    assertEquals(0, child.exitValue(), "exit status" + tails(stdout, stderr) + more.call());
    return Files.readString(stdout);
  }

  static String tails(Path stdout, Path stderr) throws IOException {
    return "\n--- stdout (last 3000 chars) ---\n"
        + tail(stdout, 3000)
        + "\n--- stderr (last 6000 chars) ---\n"
        + tail(stderr, 6000);
  }

  private static String tail(Path file, int chars) throws IOException {
    if (!Files.exists(file)) {
      return "(none)";
    }
    String s = Files.readString(file);
    return s.length() <= chars ? s : "..." + s.substring(s.length() - chars);
  }
}
