package dev.sweeplab.store;

import dev.sweeplab.spec.CanonicalJson;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a driver is executing, left in the sweep's staging directory as {@code _plan.json} before
 * its runs train, so that {@code sweeplab status} can tell from another shell (or host) what is
 * planned and who is running it while the sweep has no {@code sweeps} row yet. The leading
 * underscore keeps it out of Spark's and {@link Staging}'s listings of run files.
 *
 * @param spec the sweep's canonical JSON ({@link SweepSpec#canonicalJson})
 * @param runs runs planned
 * @param started when the driver started the sweep (epoch ms)
 * @param sparkAppId the driver's Spark application id
 * @param host the driver's host name
 * @param pid the driver's process id
 */
public record SweepPlan(
    String spec, long runs, long started, String sparkAppId, String host, long pid) {
  public static final String FILE = "_plan.json";

  /** The plan of {@code spec} as this process executes it, started at {@code started}. */
  public static SweepPlan of(SweepSpec spec, long started, String sparkAppId) {
    return new SweepPlan(
        spec.canonicalJson(),
        spec.runCount(),
        started,
        sparkAppId,
        localHost(),
        ProcessHandle.current().pid());
  }

  /** The plan's spec. */
  public SweepSpec sweepSpec() {
    return SpecParser.fromCanonicalJson(spec);
  }

  /**
   * Writes the plan into the staging directory {@code dir}, replacing an earlier one: written under
   * a hidden temporary name and renamed, so a reader sees a whole plan (or, for the moment between
   * the two, none).
   */
  public void write(Configuration conf, Path dir) throws IOException {
    Map<String, Object> json = new TreeMap<>();
    json.put("spec", spec);
    json.put("runs_planned", runs);
    json.put("started", started);
    json.put("spark_app_id", sparkAppId);
    json.put("host", host);
    json.put("pid", pid);
    FileSystem fs = dir.getFileSystem(conf);
    fs.mkdirs(dir);
    Path temp = new Path(dir, "." + FILE + "." + UUID.randomUUID() + ".tmp");
    Path target = new Path(dir, FILE);
    try (OutputStream out = fs.create(temp, true)) {
      out.write(CanonicalJson.write(json).getBytes(StandardCharsets.UTF_8));
    }
    fs.delete(target, false); // HDFS's rename does not replace a file
    if (!fs.rename(temp, target)) {
      fs.delete(temp, false);
      throw new IOException("could not rename " + temp + " to " + target);
    }
  }

  /** The plan in the staging directory {@code dir}, if there is one. */
  public static Optional<SweepPlan> read(Configuration conf, Path dir) throws IOException {
    Path file = new Path(dir, FILE);
    String text;
    try (InputStream in = file.getFileSystem(conf).open(file)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
    Map<String, Object> json = CanonicalJson.read(text);
    return Optional.of(
        new SweepPlan(
            (String) json.get("spec"),
            ((Number) json.get("runs_planned")).longValue(),
            ((Number) json.get("started")).longValue(),
            String.valueOf(json.get("spark_app_id")),
            String.valueOf(json.get("host")),
            ((Number) json.get("pid")).longValue()));
  }

  /**
   * Whether the process {@code pid} of this host, started no later than {@code started} (epoch ms),
   * is alive: a live process with that pid that started later is another process.
   */
  public static boolean processAlive(long pid, long started) {
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    return process.isPresent()
        && process.get().info().startInstant().map(t -> t.toEpochMilli() <= started).orElse(true);
  }

  /** This machine's host name, as runs record theirs ("unknown" if it has none). */
  public static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
