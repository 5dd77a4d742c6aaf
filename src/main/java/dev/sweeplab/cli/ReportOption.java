package dev.sweeplab.cli;

import dev.sweeplab.engine.Committed;
import dev.sweeplab.engine.ReportRows;
import dev.sweeplab.engine.Summary;
import dev.sweeplab.report.AnalysisPlots;
import dev.sweeplab.report.CoordCheckPlot;
import dev.sweeplab.report.HtmlReport;
import dev.sweeplab.report.LrTransferPlot;
import dev.sweeplab.report.SweepReport;
import dev.sweeplab.report.Table;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * The {@code --reports} option and the summary + report that {@code run} and {@code report} print.
 */
final class ReportOption {
  @Option(
      names = "--reports",
      defaultValue = "reports",
      description =
          "local directory for summaries and plots, one folder per sweep (default"
              + " ./${DEFAULT-VALUE})")
  Path reports;

  /**
   * Checks, before any training, that the sweep's report directory can be made and written: no part
   * of its path is a regular file, and the nearest existing directory is writable. Creates nothing.
   */
  void preflight(String sweep) {
    Path dir = reports.resolve(sweep).toAbsolutePath();
    Path at = LocalPaths.nearestExisting(dir);
    if (at != null && !Files.isDirectory(at)) {
      throw UserError.of(
          "--reports "
              + reports
              + ": "
              + at
              + " is a file, not a directory; the report of sweep '"
              + sweep
              + "' goes to "
              + dir
              + " (choose another --reports)");
    }
    if (at != null && !Files.isWritable(at)) {
      throw UserError.of(
          "--reports " + reports + ": cannot write into " + at + " (choose another --reports)");
    }
  }

  /**
   * Prints the sweep's summary table and writes its report, with the interactive page {@code
   * index.html} when {@code html}; returns the files written.
   */
  List<Path> write(SparkSession spark, Warehouse warehouse, SweepSpec spec, boolean html) {
    // One committed state for the summary, the plots and the page.
    Committed state = Committed.of(spark, warehouse);
    Table summary = Summary.of(state, spec);
    System.out.println("mean over " + spec.repeats() + " seed(s) per configuration:");
    System.out.print(summary.markdown());
    Path dir = reports.resolve(spec.name());
    // An analysis table absent from the state read (--as-of before its first write): no section.
    List<String> present = state.present();
    try {
      List<SweepReport.Figure> figures = new ArrayList<>();
      if ("yes".equals(spec.analysis(SpecKeys.COORD_CHECK))
          && present.contains(Warehouse.COORD_CHECK)) {
        figures.addAll(
            CoordCheckPlot.write(
                dir, spec.name(), state.rows(Warehouse.COORD_CHECK, spec.name(), null)));
      }
      if (!spec.analysis(SpecKeys.DOUBLE_DESCENT_X).isEmpty()
          && present.contains(Warehouse.DOUBLE_DESCENT)) {
        figures.addAll(
            AnalysisPlots.doubleDescent(
                dir, spec.name(), state.rows(Warehouse.DOUBLE_DESCENT, spec.name(), null)));
      }
      if (!spec.analysis(SpecKeys.SCALING_X).isEmpty()
          && present.contains(Warehouse.SCALING_FITS)) {
        figures.add(
            AnalysisPlots.scaling(
                dir, spec.name(), state.rows(Warehouse.SCALING_FITS, spec.name(), null)));
      }
      boolean lrTransfer =
          "yes".equals(spec.analysis(SpecKeys.LR_TRANSFER))
              && present.contains(Warehouse.LR_TRANSFER);
      if (lrTransfer) {
        figures.addAll(
            LrTransferPlot.write(
                dir, spec.name(), state.rows(Warehouse.LR_TRANSFER, spec.name(), null)));
      }
      List<SweepReport.Section> tables = new ArrayList<>();
      if ("yes".equals(spec.analysis(SpecKeys.WIDTH_EXPONENTS))
          && present.contains(Warehouse.WIDTH_EXPONENTS)) {
        tables.add(
            new SweepReport.Section(
                "Exponents in width: the slope of log quantity against log width per layer, with"
                    + " its 95 % bootstrap interval over seeds ("
                    + Warehouse.WIDTH_EXPONENTS
                    + " table).",
                state.rows(
                    Warehouse.WIDTH_EXPONENTS,
                    spec.name(),
                    List.of(
                        "group",
                        "parameterization",
                        "optimizer",
                        "quantity",
                        "layer",
                        "layer_kind",
                        "exponent",
                        "exponent_low",
                        "exponent_high",
                        "widths",
                        "seeds"))));
      }
      if (lrTransfer) {
        tables.add(
            new SweepReport.Section(
                "Learning-rate transfer: per width, the learning rate of least mean best"
                    + " validation loss, its 95 % bootstrap interval over seeds and the share of"
                    + " replicates that chose it; its shift from the smallest width and the spread"
                    + " over widths in grid steps ("
                    + Warehouse.LR_TRANSFER
                    + " table).",
                state.rows(
                    Warehouse.LR_TRANSFER,
                    spec.name(),
                    List.of(
                        "group",
                        "parameterization",
                        "width",
                        "optimal_lr",
                        "optimal_lr_low",
                        "optimal_lr_high",
                        "optimal_share",
                        "optimal_loss",
                        "shift_steps",
                        "spread_steps",
                        "at_edge"))));
      }
      List<Path> files =
          new ArrayList<>(SweepReport.write(dir, spec.name(), summary, figures, tables));
      if (html) {
        files.add(HtmlReport.write(dir, ReportRows.of(state, spec, summary)));
      }
      System.out.println(
          "report: " + files.stream().map(Path::toString).collect(Collectors.joining(", ")));
      return files;
    } catch (IOException e) {
      throw UserError.io("write the report into", dir.toString(), e);
    }
  }
}
