package dev.sweeplab.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Learning-rate transfer figures after Yang et al. 2022 (Tensor Programs V, Fig. 1): validation
 * loss against log2 learning rate, one line per width from light (narrow) to dark (wide), a diamond
 * at each width's optimum, one figure per group and parameterization. Under muP the diamonds line
 * up vertically; under standard parameterization they drift left as width grows.
 */
public final class LrTransferPlot {
  private LrTransferPlot() {}

  /** What one figure shows, and the losses it leaves out above {@code clip}. */
  record Plot(Chart chart, List<Series> series, double clip, int clipped) {}

  /**
   * From {@code lr_transfer} rows (group, parameterization, width, learning_rates, mean_losses,
   * optimal_lr, optimal_loss): {@code <dir>/lr_transfer[_<group>]_<parameterization>.{png,svg}}.
   */
  public static List<SweepReport.Figure> write(Path dir, String sweep, Table rows)
      throws IOException {
    Map<List<String>, List<List<Object>>> curves = new LinkedHashMap<>();
    for (List<Object> row : rows.rows()) {
      String group = (String) row.get(rows.column("group"));
      String p = (String) row.get(rows.column("parameterization"));
      curves.computeIfAbsent(List.of(group, p), k -> new ArrayList<>()).add(row);
    }
    List<SweepReport.Figure> figures = new ArrayList<>();
    for (Map.Entry<List<String>, List<List<Object>>> e : curves.entrySet()) {
      String group = e.getKey().get(0);
      String p = e.getKey().get(1);
      Plot plot = plot(sweep, group, p, rows, e.getValue());
      String slug = group.replaceAll("[^A-Za-z0-9.-]+", "_").replaceAll("^_|_$", "");
      Path base = dir.resolve("lr_transfer" + (slug.isEmpty() ? "" : "_" + slug) + "_" + p);
      Plots.lines(base, plot.chart(), plot.series());
      figures.add(
          new SweepReport.Figure(
              "Learning-rate transfer, "
                  + p
                  + (group.isEmpty() ? "" : " (" + group + ")")
                  + ": mean best validation loss against log2 learning rate per width (light:"
                  + " narrow, dark: wide), ◆ at each width's optimum; y clipped at "
                  + String.format(Locale.ROOT, "%.3g", plot.clip())
                  + " (the larger of twice the largest optimal loss and the loss at the smallest"
                  + " rate): "
                  + plot.clipped()
                  + " point(s) above it, and rates where every seed diverged, left out",
              Path.of(base + ".svg")));
    }
    return figures;
  }

  /** The figure of one group and parameterization. */
  static Plot plot(
      String sweep, String group, String parameterization, Table t, List<List<Object>> rows) {
    List<List<Object>> byWidth = new ArrayList<>(rows);
    byWidth.sort(Comparator.comparingInt(r -> ((Number) r.get(t.column("width"))).intValue()));
    double clip = clip(t, byWidth);
    List<Series> series = new ArrayList<>();
    int clipped = 0;
    for (int w = 0; w < byWidth.size(); w++) {
      List<Object> row = byWidth.get(w);
      int width = ((Number) row.get(t.column("width"))).intValue();
      List<?> rates = (List<?>) row.get(t.column("learning_rates"));
      List<?> means = (List<?>) row.get(t.column("mean_losses"));
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (int i = 0; i < rates.size(); i++) {
        if (means.get(i) instanceof Number m) {
          if (m.doubleValue() > clip) {
            clipped++;
          } else {
            x.add(log2(((Number) rates.get(i)).doubleValue()));
            y.add(m.doubleValue());
          }
        }
      }
      if (!x.isEmpty()) {
        List<Double> none = x.stream().map(v -> Double.NaN).toList();
        series.add(new Series("width " + width, x, y, none, w, Series.Draw.POINTS_AND_LINE));
      }
      if (row.get(t.column("optimal_lr")) instanceof Number lr
          && row.get(t.column("optimal_loss")) instanceof Number loss) {
        series.add(
            new Series(
                "optimum, width " + width,
                List.of(log2(lr.doubleValue())),
                List.of(loss.doubleValue()),
                List.of(Double.NaN),
                w,
                Series.Draw.MARK));
      }
    }
    String where = group.isEmpty() ? "" : " (" + group + ")";
    Chart chart =
        Chart.of(
                sweep + ": " + parameterization + where,
                "log2 learning rate",
                "best validation loss (mean over seeds)",
                false)
            .withShades(byWidth.size())
            .withXPattern("0.##");
    return new Plot(chart, series, clip, clipped);
  }

  /**
   * The top of the y range: the larger of twice the largest optimal loss and the largest loss at a
   * width's smallest rate with one, so that a curve's bowl is seen whole while diverging rates'
   * huge losses do not flatten it. Infinity when no row has a loss.
   */
  static double clip(Table t, List<List<Object>> rows) {
    double top = Double.NEGATIVE_INFINITY;
    for (List<Object> row : rows) {
      if (row.get(t.column("optimal_loss")) instanceof Number loss) {
        top = Math.max(top, 2 * loss.doubleValue());
      }
      for (Object m : (List<?>) row.get(t.column("mean_losses"))) {
        if (m instanceof Number first) {
          top = Math.max(top, first.doubleValue());
          break;
        }
      }
    }
    return top == Double.NEGATIVE_INFINITY ? Double.POSITIVE_INFINITY : top;
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }
}
