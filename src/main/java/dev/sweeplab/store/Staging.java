package dev.sweeplab.store;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.train.Numerics;
import dev.sweeplab.train.RunResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Per-run staging files: one file per run, {@code <run_id>.avro}, its row ({@link RunSchema}) in an
 * Avro container file ({@link AvroRows}: a one-row Parquet file costs several times as much to
 * write and to read), written through the Hadoop FileSystem under a hidden temporary name and then
 * renamed, so a reader sees a whole file or none. The first attempt to stage a run wins: a retried
 * or speculative attempt that finds the file already there discards its own (the numbers are the
 * same; a run is a pure function of its config and its numerics), so a staged file is never
 * replaced or briefly absent. Runs staged by an earlier version as one-row Parquet files, {@code
 * <run_id>.parquet} and the same marks as below, are read as they are ({@link #read}): a sweep
 * resumes over them without a migration.
 *
 * <p>A run stopped by the sweep's time limit is staged as {@code <run_id>.timeout-<limit ms>.avro}:
 * it is not finished, so {@link #runIds} leaves it out, and {@link #timedOut} tells under which
 * limit it stopped. When the run later finishes its file is written and the timed-out one removed;
 * the commit prefers the finished one if both are seen. Other names in the directory (the driver's
 * {@link SweepPlan} file, hidden temporary files) are not runs and are ignored.
 *
 * <p>The name also carries the run's {@link Numerics} version when it is above 1: {@code
 * <run_id>.n2.avro}, {@code <run_id>.n2.timeout-<limit ms>.avro}; a name without the mark is
 * numerics 1 (see {@link StagedName}). The row records the same number in its {@code numerics}
 * column. Resume, the commit and {@code sweeplab status} tell the staged runs computed by other
 * maths from the same one listing that tells them which runs are staged ({@link #find}): reading
 * the footers of thousands of files instead costs seconds on a remote file system, a listing does
 * not. Writing numerics 1 under the plain name means a staged file an older sweeplab left needs no
 * migration (it has no column and is numerics 1), and an older sweeplab, whose patterns do not
 * match a marked name, never takes a newer run's file for one of its own.
 */
public final class Staging {
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
    int numerics = Numerics.version(record.config());
    boolean timedOut = RunResult.TIMEOUT.equals(record.result().status());
    Path target = new Path(dir, new StagedName(runId, numerics, timedOut ? timeoutMs : 0).file());
    Path temp = new Path(dir, "." + runId + "." + UUID.randomUUID() + ".tmp");
    FileSystem fs = dir.getFileSystem(conf);
    fs.mkdirs(dir);
    try {
      AvroRows.write(
          fs.create(temp, true), RunSchema.MESSAGE, List.of(RunSchema.row(record, numerics)));
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
    if (earlierTimeoutMs > 0) {
      StagedName earlier = new StagedName(runId, numerics, earlierTimeoutMs);
      for (StagedName.Format format : StagedName.Format.values()) {
        Path file = new Path(dir, earlier.in(format).file());
        if (!file.equals(target)) {
          fs.delete(file, false);
        }
      }
    }
    return target;
  }

  /**
   * The file in {@code dir} that already stages {@code run} at its current {@link Numerics} for a
   * sweep whose limit is {@code timeoutMs} (0: none): its finished file, or the file of a timeout
   * at that same limit; null if neither exists. A retried task asks before training a run again
   * (two existence checks, no listing).
   */
  public static Path staged(Configuration conf, Path dir, RunConfig run, long timeoutMs)
      throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    int numerics = Numerics.version(run);
    Path finished = new Path(dir, new StagedName(run.runId(), numerics, 0).file());
    if (fs.exists(finished)) {
      return finished;
    }
    if (timeoutMs <= 0) {
      return null;
    }
    Path timedOut = new Path(dir, new StagedName(run.runId(), numerics, timeoutMs).file());
    return fs.exists(timedOut) ? timedOut : null;
  }

  /**
   * Run ids that have a finished staging file in {@code dir}, of any numerics (none if it does not
   * exist).
   */
  public static Set<String> runIds(Configuration conf, Path dir) throws IOException {
    Set<String> ids = new HashSet<>();
    for (Map.Entry<Path, StagedName> f : list(conf, dir).entrySet()) {
      if (f.getValue().timeoutMs() == 0) {
        ids.add(f.getValue().runId());
      }
    }
    return ids;
  }

  /**
   * Run id → the longest limit (ms) it timed out under, for runs staged only as timed out (of any
   * numerics).
   */
  public static Map<String, Long> timedOut(Configuration conf, Path dir) throws IOException {
    Map<String, Long> limits = new HashMap<>();
    Set<String> finished = new HashSet<>();
    for (StagedName n : list(conf, dir).values()) {
      if (n.timeoutMs() > 0) {
        limits.merge(n.runId(), n.timeoutMs(), Math::max);
      } else {
        finished.add(n.runId());
      }
    }
    limits.keySet().removeAll(finished);
    return limits;
  }

  /**
   * The staging files of {@code planned} runs in {@code dir}, from one listing: for each run, the
   * file that stands for it at its current {@link Numerics} (its finished file if there is one,
   * else its timed-out file with the longest limit: the latest attempt, as a run is retried only
   * under a longer one), and every file of it staged under other numerics. Runs with no file are
   * absent.
   */
  public static Found find(Configuration conf, Path dir, Collection<RunConfig> planned)
      throws IOException {
    Map<String, Integer> numerics = new HashMap<>();
    for (RunConfig run : planned) {
      numerics.put(run.runId(), Numerics.version(run));
    }
    return find(conf, dir, numerics);
  }

  /** {@link #find} for run id → its current numerics. */
  public static Found find(Configuration conf, Path dir, Map<String, Integer> planned)
      throws IOException {
    Map<String, StagedName> best = new HashMap<>();
    Map<String, Path> files = new HashMap<>();
    List<Superseded> superseded = new ArrayList<>();
    for (Map.Entry<Path, StagedName> f : list(conf, dir).entrySet()) {
      StagedName n = f.getValue();
      Integer current = planned.get(n.runId());
      if (current == null) {
        continue;
      }
      if (n.numerics() != current) {
        superseded.add(new Superseded(f.getKey(), n.runId(), n.numerics(), current));
      } else if (!best.containsKey(n.runId()) || n.standsBefore(best.get(n.runId()))) {
        best.put(n.runId(), n);
        files.put(n.runId(), f.getKey());
      }
    }
    superseded.sort(Comparator.comparing(x -> x.file().getName()));
    return new Found(files, superseded);
  }

  /**
   * The file that stands for each run staged in {@code dir}, whatever its numerics: finished before
   * timed out, then the longer limit, then the higher numerics. For a sweep whose runs are not
   * known.
   */
  public static Map<String, Path> files(Configuration conf, Path dir) throws IOException {
    Map<String, StagedName> best = new HashMap<>();
    Map<String, Path> files = new HashMap<>();
    for (Map.Entry<Path, StagedName> f : list(conf, dir).entrySet()) {
      StagedName n = f.getValue();
      StagedName held = best.get(n.runId());
      if (held == null
          || n.standsBefore(held)
          || (!held.standsBefore(n) && n.numerics() > held.numerics())) {
        best.put(n.runId(), n);
        files.put(n.runId(), f.getKey());
      }
    }
    return files;
  }

  /** What {@link #find} found: run id → its file, and the files of other numerics. */
  public record Found(Map<String, Path> files, List<Superseded> superseded) {
    public Found {
      files = Map.copyOf(files);
      superseded = List.copyOf(superseded);
    }

    /** Nothing staged (a fresh sweep). */
    public static Found none() {
      return new Found(Map.of(), List.of());
    }
  }

  /** Every staged run file in {@code dir} (plain files with a run's name), in listing order. */
  private static Map<Path, StagedName> list(Configuration conf, Path dir) throws IOException {
    Map<Path, StagedName> names = new LinkedHashMap<>();
    for (FileStatus f : Warehouse.list(dir.getFileSystem(conf), dir)) {
      StagedName n = f.isFile() ? StagedName.of(f.getPath().getName()) : null;
      if (n != null) {
        names.put(f.getPath(), n);
      }
    }
    return names;
  }

  /**
   * Hands the row of the run staged in {@code file} to {@code row}, with the schema it was staged
   * with: a Parquet file of an earlier version when its name ends in {@code .parquet}, else an Avro
   * file.
   */
  public static void read(Configuration conf, Path file, Consumer<Group> row) throws IOException {
    if (parquet(file)) {
      ParquetRows.read(conf, file, row);
    } else {
      AvroRows.read(file.getFileSystem(conf).open(file), file.toString(), row);
    }
  }

  /**
   * The {@code status} of the run staged in {@code file}. Of a Parquet file it is read from the
   * footer alone: a staging file holds one row, so its column statistics' minimum is the value.
   * Parquet files without statistics are read with the column projected to {@code status}.
   */
  public static String status(Configuration conf, Path file) throws IOException {
    if (!parquet(file)) {
      List<String> statuses = new ArrayList<>(1);
      read(conf, file, g -> statuses.add(g.getString("status", 0)));
      if (statuses.isEmpty()) {
        throw new IOException("staging file " + file + " holds no run");
      }
      return statuses.get(0);
    }
    return parquetStatus(conf, file);
  }

  private static boolean parquet(Path file) {
    return file.getName().endsWith("." + StagedName.Format.PARQUET.extension());
  }

  private static String parquetStatus(Configuration conf, Path file) throws IOException {
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
    StagedName n = StagedName.of(file.getName());
    return n == null ? 0 : n.timeoutMs();
  }
}
