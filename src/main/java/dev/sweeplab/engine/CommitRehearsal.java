package dev.sweeplab.engine;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.store.Compaction;
import dev.sweeplab.store.Provenance;
import dev.sweeplab.store.RunRecord;
import dev.sweeplab.store.Staging;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.table.Catalogs;
import dev.sweeplab.table.IcebergTables;
import dev.sweeplab.table.PartitionCommit;
import dev.sweeplab.table.TableStore;
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
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sweep's commit rehearsed on scratch data while the sweep trains: one made-up run staged,
 * compacted into a {@code runs} and a {@code curves} file, and the three tables' partitions
 * replaced in a Hadoop catalog in a temporary directory, as {@link SweepCommit} does. In a fresh
 * JVM the first commit spends over a second loading and initialising the classes of Parquet's
 * readers and writers and of Iceberg's commit path (footers, Avro manifests, table metadata); the
 * rehearsal pays that on a driver thread that would otherwise wait for the executors, so the commit
 * does not (docs/benchmarks.md). Nothing of it stays and it touches no table of the warehouse; a
 * rehearsal that fails costs nothing but its log line at debug level.
 */
final class CommitRehearsal {
  private static final Logger LOG = LoggerFactory.getLogger(CommitRehearsal.class);

  private static final String SWEEP = "rehearsal";

  /**
   * Times the made-up run is compacted: enough for the JIT to compile the compaction's inner loops
   * (the commit of a 36-run sweep compacts in about 0.35 s instead of 0.8 s; docs/benchmarks.md).
   */
  static final int REPEATS = 64;

  private CommitRehearsal() {}

  /** Rehearses the commit of one made-up run of {@code sample}'s configuration. */
  static void run(Configuration hadoop, RunConfig sample) {
    Configuration conf = new Configuration(hadoop);
    java.nio.file.Path dir = null;
    try {
      dir = Files.createTempDirectory("sweeplab-commit-rehearsal");
      Path staged =
          Staging.write(conf, new Path(dir.toUri().toString(), "staging"), record(sample));
      Catalog catalog = Catalogs.open(SWEEP, dir.toUri().toString(), null, Map.of(), conf);
      try {
        Table runs = table(catalog, Warehouse.RUNS, Compaction.RUNS);
        Table curves = table(catalog, Warehouse.CURVES, Compaction.CURVES);
        Table sweeps = table(catalog, Warehouse.SWEEPS, Compaction.SWEEPS);
        Path runsFile = file(runs);
        Path curvesFile = file(curves);
        Compaction.compact(conf, Collections.nCopies(REPEATS, staged), runsFile, curvesFile);
        Map<String, String> summary = Map.of(PartitionCommit.COMMIT, "0");
        PartitionCommit.replace(runs, SWEEP, List.of(runsFile.toString()), summary);
        PartitionCommit.replace(curves, SWEEP, List.of(curvesFile.toString()), summary);
        sweeps.refresh();
        try (CloseableIterable<FileScanTask> tasks =
            sweeps.newScan().filter(Expressions.equal("sweep", SWEEP)).planFiles()) {
          tasks.forEach(t -> t.file().location());
        }
        Path sweepsFile = file(sweeps);
        Compaction.writeSweeps(
            conf,
            List.of(),
            sweepsFile,
            new Compaction.SweepsRow("{}", "", "", "", 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0));
        PartitionCommit.replace(sweeps, SWEEP, List.of(sweepsFile.toString()), summary);
      } finally {
        if (catalog instanceof Closeable c) {
          c.close();
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("the commit rehearsal failed; the commit initialises what it needs itself", e);
    } finally {
      if (dir != null) {
        delete(dir);
      }
    }
  }

  private static Table table(
      Catalog catalog, String name, org.apache.parquet.schema.MessageType t) {
    return IcebergTables.createOrLoad(catalog, name, IcebergTables.schema(t));
  }

  private static Path file(Table table) {
    return new Path(TableStore.dataDir(table, SWEEP, "0"), "part-00000.parquet");
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
