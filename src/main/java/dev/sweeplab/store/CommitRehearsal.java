package dev.sweeplab.store;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.train.CurvePoint;
import dev.sweeplab.train.RunResult;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sweep's commit rehearsed on scratch data while the sweep trains: one made-up run staged,
 * compacted into a {@code runs} and a {@code curves} file ({@link Compaction}) and published with
 * {@link SweepPublish}, as a sweep's commit is, into a Hadoop catalog in a temporary directory. In
 * a fresh JVM the first commit spends over a second loading and initialising the classes of
 * Parquet's readers and writers and of Iceberg's commit path (footers, Avro manifests, table
 * metadata); the rehearsal pays that on a driver thread that would otherwise wait for the
 * executors, so the commit does not (docs/benchmarks.md). Nothing of it stays and it touches no
 * table of the warehouse; a rehearsal that fails costs nothing but its log line at debug level.
 */
public final class CommitRehearsal {
  private static final Logger LOG = LoggerFactory.getLogger(CommitRehearsal.class);

  private static final String SWEEP = "rehearsal";

  /**
   * Times the made-up run is compacted: enough for the JIT to compile the compaction's inner loops
   * (the quickstart's 36 runs then compact in about 0.35 s instead of 0.8 s).
   */
  static final int REPEATS = 64;

  private CommitRehearsal() {}

  /**
   * Rehearses the commit of one made-up run of {@code sample}'s configuration in a directory made
   * in the system's temporary directory; returns whether it went through.
   */
  public static boolean run(Configuration hadoop, RunConfig sample) {
    return run(hadoop, sample, java.nio.file.Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** As {@link #run(Configuration, RunConfig)}, the scratch directory made in {@code parent}. */
  static boolean run(Configuration hadoop, RunConfig sample, java.nio.file.Path parent) {
    Configuration conf = new Configuration(hadoop);
    java.nio.file.Path dir = null;
    try {
      dir = Files.createTempDirectory(parent, "sweeplab-commit-rehearsal");
      Path staged =
          Staging.write(conf, new Path(dir.toUri().toString(), "staging"), record(sample));
      Catalog catalog = Catalogs.open(SWEEP, dir.toUri().toString(), null, Map.of(), conf);
      try (SweepPublish publish = SweepPublish.begin(catalog, conf, SWEEP)) {
        Path runsFile = new Path(publish.runsDir(), "part-00000.parquet");
        Path curvesFile = new Path(publish.curvesDir(), "part-00000.parquet");
        Compaction.compact(conf, Collections.nCopies(REPEATS, staged), runsFile, curvesFile);
        publish.publish(
            List.of(runsFile.toString()),
            List.of(curvesFile.toString()),
            new Compaction.SweepsRow(
                "{}", "", "", "", 0, 0, new SweepCounts(1, 0, 1, 1, 0, 0, 0), 0, 0),
            false,
            point -> {});
      } finally {
        if (catalog instanceof Closeable c) {
          c.close();
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.debug("the commit rehearsal failed; the commit initialises what it needs itself", e);
      return false;
    } finally {
      if (dir != null) {
        delete(dir);
      }
    }
  }

  /** A finished run of {@code config} with one curve point; its numbers mean nothing. */
  private static RunRecord record(RunConfig config) {
    CurvePoint point = new CurvePoint(1, 1, 0, 0, 0, 0, List.of(0.0), List.of(0.0), 0, 0);
    RunResult result =
        new RunResult(
            RunResult.OK,
            "",
            1,
            0,
            0,
            0,
            0,
            1,
            1,
            0,
            0,
            List.of(0.0),
            List.of(0.0),
            List.of(0.0),
            -1,
            0,
            SWEEP,
            List.of(point),
            1,
            1);
    Provenance provenance =
        new Provenance(SWEEP, "", "", "", "", "", "", "", "", "", "", 0, Provenance.TASK);
    return new RunRecord(config, result, provenance, 0);
  }

  private static void delete(java.nio.file.Path dir) {
    try (Stream<java.nio.file.Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("could not remove {}", dir, e);
    }
  }
}
