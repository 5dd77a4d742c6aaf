package dev.sweeplab.cli;

import dev.sweeplab.data.DatasetCache;
import dev.sweeplab.data.DatasetSpec;
import dev.sweeplab.engine.Analyses;
import dev.sweeplab.engine.Maintain;
import dev.sweeplab.engine.Sessions;
import dev.sweeplab.engine.SweepOutcome;
import dev.sweeplab.engine.SweepRunner;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sweeplab run SPEC}: trains a sweep and commits its tables. */
@Command(name = "run", description = "Run a sweep and write its tables.")
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC", description = "sweep definition (YAML)")
  Path spec;

  @Mixin WarehouseOption where;

  @Mixin ReportOption report;

  @Option(
      names = "--fresh",
      description = "discard this sweep's earlier results and train every run again")
  boolean fresh;

  @Option(
      names = "--night",
      arity = "0..1",
      fallbackValue = "today",
      paramLabel = "DATE",
      description =
          "a scheduled sweep: write into the partition <name>-night-DATE (an ISO date, default"
              + " today in UTC), so each night keeps its own results and running the same night"
              + " again resumes and replaces that night only")
  String night;

  @Option(
      names = "--maintain",
      arity = "0..1",
      fallbackValue = "30d",
      paramLabel = "RETAIN",
      description =
          "after the sweep, its analysis and report, maintain the warehouse's tables as"
              + " bin/sweeplab maintain --retain RETAIN does (default 30d): expire older"
              + " snapshots, remove orphan files, compact small files")
  String maintain;

  @Mixin ConfigsOption configs;

  @Override
  public Integer call() {
    Sessions.checkMaster(where.master);
    long retainMs = maintain == null ? -1 : MaintainCommand.retainMs("--maintain", maintain);
    SweepSpec sweep = nightly(configs.parse(spec), night);
    // What a person can get wrong fails here, in a second, before Spark starts or anything is
    // written: the warehouse path, then every data set the runs read (the engine checks again).
    where.preflight();
    report.preflight(sweep.name());
    sweep.expand().stream().map(DatasetSpec::of).distinct().forEach(DatasetCache::check);
    try (SparkSession spark = Sessions.open("sweeplab " + sweep.name(), where.master)) {
      SweepOutcome o = new SweepRunner(spark, where.resolve()).run(sweep, fresh);
      System.out.printf(
          "sweep %s: %d runs planned, %d trained now%s, %d reused; %d ok, %d diverged, %d failed,"
              + " %d timeout; %.1f s (training %.1f s, commit %.1f s)%n",
          sweep.name(),
          o.counts().planned(),
          o.counts().trained(),
          o.kept() > 0 ? " (" + o.kept() + " of them kept from failed task attempts)" : "",
          o.counts().reused(),
          o.counts().ok(),
          o.counts().diverged(),
          o.counts().failed(),
          o.counts().timeout(),
          o.wallMs() / 1000.0,
          o.trainMs() / 1000.0,
          o.commitMs() / 1000.0);
      o.setAside()
          .forEach(
              (file, why) ->
                  System.out.println(
                      "set aside unreadable staged file "
                          + file
                          + " ("
                          + why
                          + ") in _staging/sweep="
                          + sweep.name()
                          + "/_unreadable; its run was trained again"));
      if (!o.staleNumerics().isEmpty()) {
        System.out.println(
            "sweep " + sweep.name() + ": " + o.staleNumerics() + ": trained them again");
      }
      System.out.println("tables in " + where.warehouse + ": runs, curves, sweeps");
      Analyses.run(spark, where.resolve(), sweep)
          .forEach(line -> System.out.println(Analyses.describe(line)));
      try {
        report.write(spark, where.resolve(), sweep, true);
      } catch (RuntimeException | Error e) {
        if (e instanceof OutOfMemoryError || e instanceof StackOverflowError) {
          throw e;
        }
        reportNotWritten(sweep.name(), e);
      }
      if (maintain != null) {
        Maintain.run(spark, where.resolve(), retainMs, true)
            .forEach(done -> System.out.println("maintain " + done));
      }
    }
    return 0;
  }

  /**
   * The report is made from the committed tables, after them: when it fails (a directory that
   * cannot be written, a driver without fonts for the plots) the sweep's results are safe, so the
   * command says what failed and how to write the report again, and goes on; the run succeeds.
   */
  private void reportNotWritten(String sweep, Throwable e) {
    UserError user = Main.userError(e);
    String why =
        user != null
            ? user.getMessage()
            : Main.oneLine(e.getClass().getSimpleName() + ": " + e.getMessage())
                + "; "
                + Main.stackTraceLog(e);
    System.err.println(
        "sweeplab: warning: the report of sweep "
            + sweep
            + " was not written: "
            + why
            + ". The tables are committed; once that is fixed, 'sweeplab report "
            + sweep
            + " --warehouse "
            + where.warehouse
            + " --reports "
            + report.reports
            + "' writes it.");
  }

  /** {@code spec} under its partition for {@code night} (null: not a nightly run). */
  static SweepSpec nightly(SweepSpec spec, String night) {
    if (night == null) {
      return spec;
    }
    LocalDate date;
    try {
      date = night.equals("today") ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(night);
    } catch (DateTimeParseException e) {
      throw UserError.badValue("--night", night, "must be an ISO date such as 2026-11-24");
    }
    return spec.named(spec.name() + "-night-" + date);
  }
}
