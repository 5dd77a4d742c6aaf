package dev.sweeplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.engine.Sessions;
import dev.sweeplab.engine.Tables;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Staging;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.ReliabilityLedger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver killed for real: {@code sweeplab run} in its own JVM gets SIGKILL part-way through a
 * sweep; the same command run again resumes, trains only what was not staged, and the tables hold
 * every run once. ({@code --fresh}, which trains everything again on purpose, is tested in-process
 * by SweepRunnerTest.)
 */
class DriverKillTest {
  static final String SPEC =
      """
      name: killed
      seed: 9
      repeats: 2
      dataset: {input_dim: 8, classes: 3, teacher_width: 16, train_size: [256, 512], test_size: 256}
      model: {width: [16, 32, 64, 128], depth: 1}
      training: {steps: 250, eval_points: 5}
      """;

  @TempDir Path tmp;

  @Test
  void aKilledRunCommandResumesWithoutRetrainingOrDuplicating() throws Exception {
    Path spec = tmp.resolve("killed.yaml");
    Files.writeString(spec, SPEC);
    Path warehouse = tmp.resolve("wh");
    SweepSpec sweep = SpecParser.parse(spec);
    int planned = sweep.expand().size();
    Path staging = Path.of(new Warehouse(warehouse.toString()).staging("killed").toString());

    Process first = run(spec, warehouse, "first");
    long deadline = System.currentTimeMillis() + 240_000;
    while (staged(staging).size() < 3) {
      assertTrue(
          first.isAlive(), "the sweep ended before it could be killed: " + log(tmp, "first"));
      assertTrue(System.currentTimeMillis() < deadline, "no runs staged in 240 s");
      Thread.sleep(50);
    }
    first.destroyForcibly(); // SIGKILL: no shutdown hook, no commit
    assertTrue(first.waitFor(30, TimeUnit.SECONDS));
    assertEquals(137, first.exitValue(), "killed by SIGKILL");
    Set<String> before = staged(staging);
    assertTrue(before.size() < planned, "killed part-way: " + before.size() + " of " + planned);
    assertTrue(
        !Files.exists(warehouse.resolve("default")), "nothing committed before the sweep finished");

    Process second = run(spec, warehouse, "second");
    assertTrue(second.waitFor(300, TimeUnit.SECONDS), "the rerun finished");
    String log = log(tmp, "second");
    assertEquals(0, second.exitValue(), log);
    Matcher m =
        Pattern.compile("(\\d+) runs planned, (\\d+) trained now, (\\d+) reused").matcher(log);
    assertTrue(m.find(), log);
    long trained = Long.parseLong(m.group(2));
    long reused = Long.parseLong(m.group(3));
    assertEquals(planned, Long.parseLong(m.group(1)));
    assertEquals(before.size(), reused, "every run staged before the kill is reused");
    assertEquals(planned - before.size(), trained, "only the missing runs are trained");

    try (SparkSession spark = Sessions.open("driver-kill-check", "local[1]")) {
      Warehouse wh = new Warehouse(warehouse.toString());
      Tables.register(spark, wh);
      ReliabilityLedger.Counts c = ReliabilityLedger.count(spark, sweep);
      // A run staged before the kill and trained again would carry the second app's id.
      List<Row> apps =
          spark.sql("SELECT run_id, spark_app_id FROM runs WHERE sweep = 'killed'").collectAsList();
      String secondApp =
          spark.sql("SELECT spark_app_id FROM sweeps WHERE sweep = 'killed'").first().getString(0);
      long retrained =
          apps.stream()
              .filter(r -> before.contains(r.getString(0)) && r.getString(1).equals(secondApp))
              .count();
      assertEquals(new ReliabilityLedger.Counts(planned, planned, 0, 0), c);
      assertEquals(0, retrained);
      assertEquals(
          planned - before.size(),
          apps.stream().filter(r -> r.getString(1).equals(secondApp)).count(),
          "the rerun trained exactly the runs that were missing");
      ReliabilityLedger.record(
          "driver SIGKILL after " + before.size() + " of " + planned + " runs, then rerun",
          c,
          retrained);
    }
  }

  /** {@code sweeplab run SPEC --warehouse W} in a new JVM, logging to {@code <name>.log}. */
  private Process run(Path spec, Path warehouse, String name) throws IOException {
    return sweeplab(
        tmp.resolve(name + ".log"),
        "run",
        spec.toString(),
        "--warehouse",
        warehouse.toString(),
        "--reports",
        tmp.resolve("reports").toString());
  }

  /** {@code sweeplab ARGS} in a new JVM on the test classpath, output to {@code log}. */
  static Process sweeplab(Path log, String... args) throws IOException {
    return sweeplab(log, List.of(), args);
  }

  /** As {@link #sweeplab(Path, String...)}, with {@code jvm} options for the new JVM. */
  static Process sweeplab(Path log, List<String> jvm, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx1g");
    cmd.addAll(jvm);
    cmd.add("@" + Path.of("conf", "jvm.options").toAbsolutePath());
    String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
    if (cache != null) {
      cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
    }
    cmd.add("-Dlog4j.configurationFile=" + Path.of("conf", "log4j2.properties").toAbsolutePath());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return pb.start();
  }

  static Set<String> staged(Path staging) throws IOException {
    return Staging.runIds(new Configuration(), new org.apache.hadoop.fs.Path(staging.toString()));
  }

  static String log(Path dir, String name) throws IOException {
    Path file = dir.resolve(name + ".log");
    return Files.exists(file) ? Files.readString(file) : "(no log)";
  }
}
