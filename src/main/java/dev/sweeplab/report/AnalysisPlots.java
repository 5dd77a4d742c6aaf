package dev.sweeplab.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Figures of the analysis tables: test error along the double-descent axis with its seed spread,
 * the detected peak and the interpolation threshold marked (Nakkiran et al. 2019, Fig. 1); and the
 * scaling-law points on log–log axes with the fitted E + A·x^−α (Kaplan et al. 2020, Fig. 1).
 */
public final class AnalysisPlots {
  private AnalysisPlots() {}

  /**
   * From {@code double_descent} rows (group, axis, metric, x, value, value_sd, detected, peak_x,
   * interpolation_threshold): one figure per metric, one line per group, markers per group.
   */
  public static List<SweepReport.Figure> doubleDescent(Path dir, String sweep, Table dd)
      throws IOException {
    List<SweepReport.Figure> figures = new ArrayList<>();
    for (String metric :
        dd.rows().stream().map(r -> (String) r.get(dd.column("metric"))).distinct().toList()) {
      figures.add(doubleDescent(dir, sweep, dd, metric));
    }
    return figures;
  }

  private static SweepReport.Figure doubleDescent(Path dir, String sweep, Table dd, String metric)
      throws IOException {
    Plot plot = doubleDescentPlot(sweep, dd, metric);
    Path base = dir.resolve("double_descent_" + plot.axis() + "_" + metric);
    Plots.lines(base, plot.chart(), plot.series());
    return new SweepReport.Figure(
        "Double descent of "
            + metric.replace('_', ' ')
            + " along "
            + plot.axis()
            + ": peak and interpolation threshold marked",
        Path.of(base + ".svg"));
  }

  /** What one figure shows: its axis, chart settings and lines. */
  record Plot(String axis, Chart chart, List<Series> series) {}

  /** The double-descent figure of one metric. */
  static Plot doubleDescentPlot(String sweep, Table dd, String metric) {
    List<List<Object>> rows =
        dd.rows().stream().filter(r -> metric.equals(r.get(dd.column("metric")))).toList();
    // A log axis when x spans a factor of 8 or more among its positive values; step 0 (the
    // untrained net) cannot be placed on it and is left out of the figure (not of the table).
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (List<Object> row : rows) {
      for (double x : doubles(row.get(dd.column("x")))) {
        if (x > 0) {
          min = Math.min(min, x);
          max = Math.max(max, x);
        }
      }
    }
    boolean logX = max / min >= 8;
    List<Series> series = new ArrayList<>();
    List<Chart.Marker> markers = new ArrayList<>();
    String axis = "x";
    for (List<Object> row : rows) {
      String group = (String) row.get(dd.column("group"));
      axis = (String) row.get(dd.column("axis"));
      List<Double> x = doubles(row.get(dd.column("x")));
      List<Double> y = doubles(row.get(dd.column("value")));
      List<Double> sd = doubles(row.get(dd.column("value_sd")));
      List<Double> px = new ArrayList<>();
      List<Double> py = new ArrayList<>();
      List<Double> psd = new ArrayList<>();
      for (int i = 0; i < x.size(); i++) {
        if (!logX || x.get(i) > 0) {
          px.add(x.get(i));
          py.add(y.get(i));
          psd.add(sd.get(i));
        }
      }
      series.add(new Series(group, px, py, psd));
      Object peak = row.get(dd.column("peak_x"));
      if (Boolean.TRUE.equals(row.get(dd.column("detected"))) && peak instanceof Number p) {
        markers.add(new Chart.Marker("peak (" + group + ")", p.doubleValue()));
      }
      Object threshold = row.get(dd.column("interpolation_threshold"));
      if (threshold instanceof Number t) {
        markers.add(new Chart.Marker("interpolation threshold (" + group + ")", t.doubleValue()));
      }
    }
    String label = metric.replace('_', ' ');
    return new Plot(
        axis,
        Chart.of(
                sweep + ": " + label + " vs " + axis, axis, label + " (mean ± sd over seeds)", logX)
            .withMarkers(markers),
        series);
  }

  /** From {@code scaling_fits} rows of form power_law: points and fitted curve per group. */
  public static SweepReport.Figure scaling(Path dir, String sweep, Table fits) throws IOException {
    List<Series> series = new ArrayList<>();
    String x = "x";
    String y = "y";
    List<List<Object>> rows =
        new ArrayList<>(
            fits.rows().stream()
                .filter(r -> "power_law".equals(r.get(fits.column("form"))))
                .toList());
    // Groups in the order of their value (train_size=512 before train_size=2048), not as stored.
    rows.sort(
        java.util.Comparator.comparing(
            (List<Object> r) -> SweepReport.groupKey((String) r.get(fits.column("group")))));
    int color = 0;
    for (List<Object> row : rows) {
      x = (String) row.get(fits.column("x"));
      y = (String) row.get(fits.column("y"));
      String group = (String) row.get(fits.column("group"));
      List<Double> xs = doubles(row.get(fits.column("xs")));
      List<Double> ys = doubles(row.get(fits.column("ys")));
      List<List<Double>> sorted = new ArrayList<>();
      for (int i = 0; i < xs.size(); i++) {
        sorted.add(List.of(xs.get(i), ys.get(i)));
      }
      sorted.sort((a, b) -> Double.compare(a.get(0), b.get(0)));
      List<Double> nan = sorted.stream().map(p -> Double.NaN).toList();
      series.add(
          new Series(
              group + " (measured)",
              sorted.stream().map(p -> p.get(0)).toList(),
              sorted.stream().map(p -> p.get(1)).toList(),
              nan,
              color,
              Series.Draw.POINTS));
      double e = ((Number) row.get(fits.column("E"))).doubleValue();
      double a = ((Number) row.get(fits.column("A"))).doubleValue();
      double alpha = ((Number) row.get(fits.column("alpha"))).doubleValue();
      series.add(
          new Series(
              String.format(
                  java.util.Locale.ROOT, "%s fit: %.3g + %.3g x^-%.3f", group, e, a, alpha),
              sorted.stream().map(p -> p.get(0)).toList(),
              sorted.stream().map(p -> e + a * Math.pow(p.get(0), -alpha)).toList(),
              nan,
              color++,
              Series.Draw.LINE));
    }
    Path base = dir.resolve("scaling_" + y + "_vs_" + x);
    Plots.lines(base, Chart.of(sweep + ": " + y + " vs " + x, x, y, true).withLogY(), series);
    return new SweepReport.Figure(
        "Scaling: " + y + " against " + x + " with the fitted E + A x^-alpha per group",
        Path.of(base + ".svg"));
  }

  private static List<Double> doubles(Object value) {
    List<Double> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      list.forEach(v -> out.add(((Number) v).doubleValue()));
    }
    return out;
  }
}
