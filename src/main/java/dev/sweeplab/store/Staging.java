package dev.sweeplab.store;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.train.CurvePoint;
import dev.sweeplab.train.RunResult;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Per-run staging files: one Parquet file per run, {@code <run_id>.parquet}, written with
 * parquet-hadoop through the Hadoop FileSystem under a hidden temporary name and then renamed, so a
 * reader sees a whole file or none. The first attempt to stage a run wins: a retried or speculative
 * attempt that finds the file already there discards its own (the numbers are the same; a run is a
 * pure function of its config), so a staged file is never replaced or briefly absent.
 *
 * <p>A run stopped by the sweep's time limit is staged as {@code <run_id>.timeout-<limit
 * ms>.parquet}: it is not finished, so {@link #runIds} leaves it out, and {@link #timedOut} tells
 * under which limit it stopped. When the run later finishes its file is written and the timed-out
 * one removed; the commit prefers the finished one if both are seen. Other names in the directory
 * (the driver's {@link SweepPlan} file, hidden temporary files) are not runs and are ignored.
 */
public final class Staging {
  private static final String SUFFIX = ".parquet";
  static final Pattern FINISHED = Pattern.compile("([0-9a-f]{16})\\.parquet");
  static final Pattern TIMED_OUT = Pattern.compile("([0-9a-f]{16})\\.timeout-([0-9]+)\\.parquet");

  private Staging() {}

  /** Writes a finished run's {@code record} into {@code dir} and returns the final path. */
  public static Path write(Configuration conf, Path dir, RunRecord record) throws IOException {
    return write(conf, dir, record, 0, 0);
  }

  /**
   * Writes {@code record} into {@code dir} and returns the final path; {@code timeoutMs} is the
   * limit a {@code timeout} run was stopped at, {@code earlierTimeoutMs} the limit of the run's
   * earlier timed-out file that this one replaces (0: none; see {@link #timedOut}). Naming the
   * earlier file, instead of listing the directory for it, keeps a write O(1) in the number of
   * staged runs.
   */
  public static Path write(
      Configuration conf, Path dir, RunRecord record, long timeoutMs, long earlierTimeoutMs)
      throws IOException {
    String runId = record.config().runId();
    boolean timedOut = RunResult.TIMEOUT.equals(record.result().status());
    Path target = new Path(dir, runId + (timedOut ? ".timeout-" + timeoutMs + SUFFIX : SUFFIX));
    Path temp = new Path(dir, "." + runId + "." + UUID.randomUUID() + ".tmp");
    FileSystem fs = dir.getFileSystem(conf);
    fs.mkdirs(dir);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(HadoopOutputFile.fromPath(temp, conf))
            .withType(RunSchema.MESSAGE)
            .withConf(conf)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            // One row: compressing its ~100 one-value pages and building a dictionary per column
            // costs more than the write itself (docs/benchmarks.md). The commit compresses the
            // tables.
            .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
            .withDictionaryEncoding(false)
            .build()) {
      writer.write(toGroup(record));
    } catch (IOException | RuntimeException e) {
      fs.delete(temp, false);
      throw new IOException("could not write staging file " + temp + " for run " + runId, e);
    }
    if (timedOut) {
      fs.delete(target, false); // a later timeout of the same run replaces an earlier one
    } else if (fs.exists(target)) {
      fs.delete(temp, false); // another attempt staged it first
      return target;
    }
    if (!fs.rename(temp, target)) {
      fs.delete(temp, false);
      if (!timedOut && fs.exists(target)) {
        return target; // lost a race with another attempt (HDFS refuses to overwrite)
      }
      throw new IOException("could not rename " + temp + " to " + target);
    }
    // The newest state of the run is the only one left: an earlier timed-out attempt goes.
    Path earlier = new Path(dir, runId + ".timeout-" + earlierTimeoutMs + SUFFIX);
    if (earlierTimeoutMs > 0 && !earlier.equals(target)) {
      fs.delete(earlier, false);
    }
    return target;
  }

  /**
   * The file in {@code dir} that already stages {@code runId} for a sweep whose limit is {@code
   * timeoutMs} (0: none): its finished file, or the file of a timeout at that same limit; null if
   * neither exists. A retried task asks before training a run again (two existence checks, no
   * listing).
   */
  public static Path staged(Configuration conf, Path dir, String runId, long timeoutMs)
      throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    Path finished = new Path(dir, runId + SUFFIX);
    if (fs.exists(finished)) {
      return finished;
    }
    Path timedOut = new Path(dir, runId + ".timeout-" + timeoutMs + SUFFIX);
    return timeoutMs > 0 && fs.exists(timedOut) ? timedOut : null;
  }

  /** Run ids that have a finished staging file in {@code dir} (none if it does not exist). */
  public static Set<String> runIds(Configuration conf, Path dir) throws IOException {
    Set<String> ids = new HashSet<>();
    for (FileStatus f : Warehouse.list(dir.getFileSystem(conf), dir)) {
      Matcher m = FINISHED.matcher(f.getPath().getName());
      if (f.isFile() && m.matches()) {
        ids.add(m.group(1));
      }
    }
    return ids;
  }

  /** Run id → the limit (ms) it timed out under, for runs staged only as timed out. */
  public static Map<String, Long> timedOut(Configuration conf, Path dir) throws IOException {
    Map<String, Long> limits = new HashMap<>();
    for (FileStatus f : Warehouse.list(dir.getFileSystem(conf), dir)) {
      Matcher m = TIMED_OUT.matcher(f.getPath().getName());
      if (f.isFile() && m.matches()) {
        limits.merge(m.group(1), Long.parseLong(m.group(2)), Math::max);
      }
    }
    limits.keySet().removeAll(runIds(conf, dir));
    return limits;
  }

  /**
   * The staging file that stands for each of {@code planned} run ids in {@code dir}: its finished
   * file if there is one, else its timed-out file with the longest limit (the latest attempt; a run
   * is retried only under a longer one). Ids with no file are absent. One listing of {@code dir}.
   */
  public static Map<String, Path> files(
      Configuration conf, Path dir, java.util.Collection<String> planned) throws IOException {
    Set<String> wanted = new HashSet<>(planned);
    Map<String, Path> finished = new HashMap<>();
    Map<String, Long> limit = new HashMap<>();
    Map<String, Path> timedOut = new HashMap<>();
    for (FileStatus f : Warehouse.list(dir.getFileSystem(conf), dir)) {
      if (!f.isFile()) {
        continue;
      }
      String name = f.getPath().getName();
      Matcher m = FINISHED.matcher(name);
      if (m.matches()) {
        if (wanted.contains(m.group(1))) {
          finished.put(m.group(1), f.getPath());
        }
        continue;
      }
      m = TIMED_OUT.matcher(name);
      if (m.matches()) {
        long ms = Long.parseLong(m.group(2));
        if (wanted.contains(m.group(1)) && ms > limit.getOrDefault(m.group(1), -1L)) {
          limit.put(m.group(1), ms);
          timedOut.put(m.group(1), f.getPath());
        }
      }
    }
    timedOut.keySet().removeAll(finished.keySet());
    timedOut.putAll(finished);
    return timedOut;
  }

  /**
   * The {@code status} of the run staged in {@code file}, read from the footer alone: a staging
   * file holds one row, so its column statistics' minimum is the value. Files without statistics
   * are read with the column projected to {@code status}.
   */
  public static String status(Configuration conf, Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData column : block.getColumns()) {
          Statistics<?> stats = column.getStatistics();
          if (column.getPath().toDotString().equals("status")
              && stats != null
              && stats.hasNonNullValue()
              && stats.genericGetMin() instanceof Binary min) {
            return min.toStringUsingUTF8();
          }
        }
      }
    }
    Configuration projected = new Configuration(conf);
    projected.set(ReadSupport.PARQUET_READ_SCHEMA, STATUS_ONLY.toString());
    try (ParquetReader<Group> reader =
        ParquetReader.builder(new GroupReadSupport(), file).withConf(projected).build()) {
      Group row = reader.read();
      if (row == null) {
        throw new IOException("staging file " + file + " holds no run");
      }
      return row.getString("status", 0);
    }
  }

  private static final MessageType STATUS_ONLY =
      new MessageType(
          RunSchema.MESSAGE.getName(),
          RunSchema.MESSAGE.getType(RunSchema.MESSAGE.getFieldIndex("status")));

  /** The limit (ms) a timed-out run's staging file was stopped at; 0 for a finished run's file. */
  public static long timeoutMs(Path file) {
    Matcher m = TIMED_OUT.matcher(file.getName());
    return m.matches() ? Long.parseLong(m.group(2)) : 0;
  }

  private static Group toGroup(RunRecord record) {
    RunConfig c = record.config();
    RunResult r = record.result();
    Provenance p = record.provenance();
    Group g = new SimpleGroupFactory(RunSchema.MESSAGE).newGroup();
    g.add("sweep", c.sweep());
    g.add("run_id", c.runId());
    c.columns()
        .forEach(
            (name, value) -> {
              if (value instanceof Integer i) {
                g.add(name, i);
              } else if (value instanceof Long l) {
                g.add(name, l);
              } else if (value instanceof Double d) {
                g.add(name, d);
              } else {
                g.add(name, (String) value);
              }
            });
    g.add("seed", c.seed());
    g.add("data_seed", c.dataSeed());
    g.add("config_json", c.canonicalJson());
    g.add("status", r.status());
    g.add("reason", r.reason());
    g.add("params", r.params());
    g.add("final_train_loss", r.trainLoss());
    g.add("final_train_error", r.trainError());
    g.add("final_test_loss", r.testLoss());
    g.add("final_test_error", r.testError());
    g.add("best_test_loss", r.bestTestLoss());
    g.add("best_test_error", r.bestTestError());
    g.add("steps_done", r.steps());
    g.add("epochs_done", r.epochs());
    g.add("wall_ms", r.wallMs());
    g.add("weight_change", r.weightChange());
    addDoubles(g, "weight_change_layers", r.layerWeightChange());
    addDoubles(g, "weight_change_spectral", r.layerSpectralChange());
    addDoubles(g, "feature_change", r.featureChange());
    g.add("interpolation_step", r.interpolationStep());
    g.add("noisy_labels", r.noisyLabels());
    g.add("implementation", r.implementation());
    g.add("device", p.device());
    g.add("trained_by", p.trainedBy());
    g.add("sweeplab_version", p.version());
    g.add("java_version", p.java());
    g.add("os", p.os());
    g.add("arch", p.arch());
    g.add("nd4j_backend", p.nd4jBackend());
    g.add("spark_app_id", p.sparkAppId());
    g.add("executor_id", p.executorId());
    g.add("host", p.host());
    g.add("attempt", p.attempt());
    g.add("finished_at", record.finishedAtMillis());
    Group curve = g.addGroup(RunSchema.CURVE);
    for (CurvePoint point : r.curve()) {
      Group e = curve.addGroup("list").addGroup("element");
      e.add("step", point.step());
      e.add("epoch", point.epoch());
      e.add("train_loss", point.trainLoss());
      e.add("train_error", point.trainError());
      e.add("test_loss", point.testLoss());
      e.add("test_error", point.testError());
      addDoubles(e, "activations", point.activations());
      addDoubles(e, "activation_changes", point.activationChanges());
    }
    return g;
  }

  private static void addDoubles(Group parent, String field, java.util.List<Double> values) {
    Group list = parent.addGroup(field);
    for (double v : values) {
      list.addGroup("list").add("element", v);
    }
  }
}
