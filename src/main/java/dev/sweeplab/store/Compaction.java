package dev.sweeplab.store;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.train.Numerics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Staged runs compacted into the files of the {@code runs} and {@code curves} tables, and the
 * {@code sweeps} table's rows, written with parquet-hadoop. The engine runs {@link #compact} in
 * Spark tasks, one group of staging files each; the files land in a commit's pending directories.
 *
 * <p>The table schemas are the staging file's, as Spark would write them after reading it: every
 * top-level column nullable (optional), nested lists unchanged, the {@code sweep} column left to
 * the partition directory. A staging file from an older version that lacks a column leaves it null
 * there, except {@code trained_by}: every run staged before it existed was trained in a task; and
 * {@code numerics}: such a run was computed by numerics 1.
 *
 * <p>A staged run whose recorded numerics is not its configuration's current {@link
 * Numerics#version} is refused: the call fails naming the file, and nothing it wrote is kept. The
 * engine picks files by the numerics their names carry; this check on the rows themselves keeps a
 * file whose name and row disagree out of the tables as well.
 */
public final class Compaction {
  /** The {@code runs} table: every staged column but the curve. */
  public static final MessageType RUNS =
      optional(
          "runs",
          RunSchema.MESSAGE.getFields().stream()
              .filter(f -> !f.getName().equals("sweep") && !f.getName().equals(RunSchema.CURVE))
              .toList());

  /** The {@code curves} table: one row per evaluation point, with its run's id. */
  public static final MessageType CURVES = curves();

  /** The {@code sweeps} table: one row per execution of a sweep. */
  public static final MessageType SWEEPS = sweeps();

  private static final String NUMERICS = "numerics";

  private Compaction() {}

  /**
   * Reads each of {@code staged} and writes its run to {@code runsFile} and its curve points to
   * {@code curvesFile} (both written whole or not at all, see {@link ParquetRows#create}); returns
   * the number of runs per status. An unreadable staging file fails the whole call, naming it.
   */
  public static Map<String, Long> compact(
      Configuration conf, List<Path> staged, Path runsFile, Path curvesFile) throws IOException {
    Map<String, Long> byStatus = new TreeMap<>();
    ParquetRows.Output runs = ParquetRows.create(conf, runsFile, RUNS);
    ParquetRows.Output curves = null;
    try {
      curves = ParquetRows.create(conf, curvesFile, CURVES);
      List<Group> rows = new ArrayList<>(1);
      for (Path file : staged) {
        rows.clear();
        try {
          Staging.read(conf, file, rows::add);
        } catch (IOException | RuntimeException e) {
          throw new IOException("could not read staging file " + file + ": " + e.getMessage(), e);
        }
        for (Group run : rows) {
          checkNumerics(run, file);
          write(run, runs, curves);
          byStatus.merge(run.getString("status", 0), 1L, Long::sum);
        }
      }
      runs.close();
      curves.close();
      return byStatus;
    } catch (IOException | RuntimeException e) {
      runs.discard();
      if (curves != null) {
        curves.discard();
      }
      throw e;
    }
  }

  private static void write(Group staged, ParquetRows.Output runs, ParquetRows.Output curves)
      throws IOException {
    Group run = runs.row();
    ParquetRows.copy(staged, run);
    if (!staged.getType().containsField("trained_by")) {
      run.add("trained_by", Provenance.TASK);
    }
    if (!staged.getType().containsField(NUMERICS)) {
      run.add(NUMERICS, 1);
    }
    runs.write(run);
    String runId = staged.getString("run_id", 0);
    Group curve = staged.getGroup(RunSchema.CURVE, 0);
    for (int i = 0; i < curve.getFieldRepetitionCount("list"); i++) {
      Group point = curves.row();
      point.add("run_id", runId);
      ParquetRows.copy(curve.getGroup("list", i).getGroup("element", 0), point);
      curves.write(point);
    }
  }

  /** The numerics {@code staged} records (1 when it predates the column). */
  static int numerics(Group staged) {
    return staged.getType().containsField(NUMERICS) ? staged.getInteger(NUMERICS, 0) : 1;
  }

  private static void checkNumerics(Group staged, Path file) throws IOException {
    RunConfig run =
        RunConfig.fromJson(staged.getString("sweep", 0), staged.getString("config_json", 0));
    int recorded = numerics(staged);
    int current = Numerics.version(run);
    if (recorded != current) {
      throw new IOException(
          "staging file "
              + file
              + " records run "
              + run.runId()
              + " as computed by numerics "
              + recorded
              + ", but that configuration is computed by numerics "
              + current
              + "; it is not committed. Move the file out of the staging directory and run the"
              + " sweep again to train the run again");
    }
  }

  /** One execution of a sweep: its {@code sweeps} row. */
  public record SweepsRow(
      String spec,
      String version,
      String sparkAppId,
      String master,
      long startedMs,
      long finishedMs,
      SweepCounts counts,
      long runsSnapshot,
      long curvesSnapshot) {

    /** The same row naming the {@code runs} and {@code curves} snapshots of its commit. */
    public SweepsRow withSnapshots(long runs, long curves) {
      return new SweepsRow(
          spec, version, sparkAppId, master, startedMs, finishedMs, counts, runs, curves);
    }
  }

  /**
   * Writes {@code file}: the rows of the sweep's earlier executions, read from the files {@code
   * earlier}, then {@code latest}. Rows written before a column existed read null there.
   */
  public static void writeSweeps(
      Configuration conf, List<Path> earlier, Path file, SweepsRow latest) throws IOException {
    List<Group> rows = new ArrayList<>();
    for (Path f : earlier) {
      ParquetRows.read(conf, f, rows::add);
    }
    try (ParquetRows.Output out = ParquetRows.create(conf, file, SWEEPS)) {
      for (Group old : rows) {
        Group row = out.row();
        ParquetRows.copy(old, row);
        out.write(row);
      }
      Group row = out.row();
      row.add("spec", latest.spec());
      row.add("version", latest.version());
      row.add("spark_app_id", latest.sparkAppId());
      row.add("master", latest.master());
      row.add("started", latest.startedMs() * 1_000L);
      row.add("finished", latest.finishedMs() * 1_000L);
      SweepCounts counts = latest.counts();
      row.add("runs_planned", counts.planned());
      row.add("runs_reused", counts.reused());
      row.add("runs_trained", counts.trained());
      row.add("runs_ok", counts.ok());
      row.add("runs_diverged", counts.diverged());
      row.add("runs_failed", counts.failed());
      row.add("runs_timeout", counts.timeout());
      row.add("runs_snapshot", latest.runsSnapshot());
      row.add("curves_snapshot", latest.curvesSnapshot());
      out.write(row);
    }
  }

  private static MessageType curves() {
    GroupType element =
        RunSchema.MESSAGE
            .getType(RunSchema.CURVE)
            .asGroupType()
            .getType("list")
            .asGroupType()
            .getType("element")
            .asGroupType();
    List<Type> fields = new ArrayList<>();
    fields.add(RunSchema.MESSAGE.getType("run_id"));
    fields.addAll(element.getFields());
    return optional("curves", fields);
  }

  private static MessageType sweeps() {
    Types.MessageTypeBuilder m = Types.buildMessage();
    for (String c : new String[] {"spec", "version", "spark_app_id", "master"}) {
      m.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c);
    }
    for (String c : new String[] {"started", "finished"}) {
      m.optional(PrimitiveTypeName.INT64)
          .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
          .named(c);
    }
    for (String c :
        new String[] {
          "runs_planned",
          "runs_reused",
          "runs_trained",
          "runs_ok",
          "runs_diverged",
          "runs_failed",
          "runs_timeout",
          "runs_snapshot",
          "curves_snapshot"
        }) {
      m.optional(PrimitiveTypeName.INT64).named(c);
    }
    return m.named("sweeps");
  }

  /** A message of {@code fields}, each made optional at the top level (as Spark writes them). */
  private static MessageType optional(String name, List<Type> fields) {
    List<Type> out = new ArrayList<>();
    for (Type f : fields) {
      if (f.isPrimitive()) {
        PrimitiveType p = f.asPrimitiveType();
        out.add(
            Types.optional(p.getPrimitiveTypeName())
                .as(p.getLogicalTypeAnnotation())
                .named(p.getName()));
      } else {
        GroupType g = f.asGroupType();
        out.add(
            Types.optionalGroup()
                .as(g.getLogicalTypeAnnotation())
                .addFields(g.getFields().toArray(new Type[0]))
                .named(g.getName()));
      }
    }
    return new MessageType(name, out);
  }
}
