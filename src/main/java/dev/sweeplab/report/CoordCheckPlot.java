package dev.sweeplab.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The coordinate-check figures of Yang et al. (Tensor Programs V, Fig. 5; microsoft/mup's {@code
 * plot_coord_data}): for each value of the swept axes other than width (e.g. parameterization and
 * optimizer), mean |h_t| and mean |h_t − h_0| of every layer against width on log–log axes, at the
 * first step and the last evaluated one (and at step 0 for |h_t|); the y axis is logarithmic when
 * the values span more than a decade. Flat lines: muP; lines rising with width: standard
 * parameterization at a fixed learning rate.
 */
public final class CoordCheckPlot {
  /** The columns of {@code coord_check} that are not swept axes. */
  private static final List<String> MEASURES =
      List.of("sweep", "width", "step", "layer", "mean_abs_activation", "mean_abs_change", "seeds");

  /** A plotted statistic: its column, its name in words, and its files' name. */
  private record Quantity(String column, String label, String file) {}

  private static final List<Quantity> QUANTITIES =
      List.of(
          new Quantity("mean_abs_activation", "mean |h_t|", "coord_check_h"),
          new Quantity("mean_abs_change", "mean |h_t - h_0|", "coord_check_dh"));

  private CoordCheckPlot() {}

  /**
   * Plots a {@code coord_check} table (columns: the swept axes, width, step, layer,
   * mean_abs_activation, mean_abs_change, seeds) into {@code
   * <dir>/coord_check_h[_<group>].{png,svg}} and {@code <dir>/coord_check_dh[_<group>].{png,svg}},
   * one pair per value of the other swept axes. A table written before {@code mean_abs_change}
   * existed gives the |h_t| figures alone.
   */
  public static List<SweepReport.Figure> write(Path dir, String sweep, Table coord)
      throws IOException {
    int layer = coord.column("layer");
    int last =
        coord.rows().stream().mapToInt(r -> ((Number) r.get(layer)).intValue()).max().orElse(0);
    List<String> others = coord.columns().stream().filter(c -> !MEASURES.contains(c)).toList();
    Map<String, List<List<Object>>> groups = new TreeMap<>();
    for (List<Object> row : coord.rows()) {
      List<String> name = new ArrayList<>();
      for (String o : others) {
        name.add(o + "=" + Table.format(row.get(coord.column(o))));
      }
      groups.computeIfAbsent(String.join(", ", name), k -> new ArrayList<>()).add(row);
    }
    List<SweepReport.Figure> figures = new ArrayList<>();
    for (Quantity q : QUANTITIES) {
      if (coord.column(q.column()) < 0) {
        continue;
      }
      for (Map.Entry<String, List<List<Object>>> group : groups.entrySet()) {
        SweepReport.Figure f = figure(dir, sweep, coord, q, group.getKey(), group.getValue(), last);
        if (f != null) {
          figures.add(f);
        }
      }
    }
    return figures;
  }

  /** One group's figure of {@code q}, or null when it has no positive finite value to plot. */
  private static SweepReport.Figure figure(
      Path dir,
      String sweep,
      Table coord,
      Quantity q,
      String group,
      List<List<Object>> rows,
      int last)
      throws IOException {
    int width = coord.column("width");
    int step = coord.column("step");
    int layer = coord.column("layer");
    int value = coord.column(q.column());
    TreeSet<Long> evaluated = new TreeSet<>();
    rows.forEach(r -> evaluated.add(((Number) r.get(step)).longValue()));
    TreeSet<Long> shown = new TreeSet<>();
    Long first = evaluated.higher(0L);
    if (first != null) {
      shown.add(first);
      shown.add(evaluated.last());
    }
    if (q.column().equals("mean_abs_activation") && evaluated.contains(0L)) {
      shown.add(0L); // the change is 0 there
    }
    // One line per (layer, shown step): a colour per layer, a line style per step.
    Map<List<Long>, List<List<Object>>> lines = new LinkedHashMap<>();
    List<List<Object>> ordered = new ArrayList<>(rows);
    ordered.sort(
        Comparator.<List<Object>>comparingDouble(r -> num(r, layer))
            .thenComparingDouble(r -> num(r, step))
            .thenComparingDouble(r -> num(r, width)));
    for (List<Object> r : ordered) {
      long s = ((Number) r.get(step)).longValue();
      if (shown.contains(s)) {
        lines.computeIfAbsent(List.of((long) num(r, layer), s), k -> new ArrayList<>()).add(r);
      }
    }
    List<Series> series = new ArrayList<>();
    lines.forEach(
        (key, points) -> {
          int l = key.get(0).intValue();
          long s = key.get(1);
          List<List<Object>> plotted =
              points.stream()
                  .filter(r -> r.get(value) != null && Double.isFinite(num(r, value)))
                  .filter(r -> num(r, value) > 0) // log axis
                  .toList();
          if (plotted.isEmpty()) {
            return;
          }
          Series.Draw draw =
              s == evaluated.last()
                  ? Series.Draw.POINTS_AND_LINE
                  : s == 0 ? Series.Draw.LINE : Series.Draw.POINTS;
          series.add(
              new Series(
                  (l == last ? "logits" : "hidden " + (l + 1)) + ", step " + s,
                  plotted.stream().map(r -> num(r, width)).toList(),
                  plotted.stream().map(r -> num(r, value)).toList(),
                  plotted.stream().map(r -> Double.NaN).toList(),
                  l,
                  draw));
        });
    if (series.isEmpty()) {
      return null;
    }
    String slug = group.replaceAll("[^A-Za-z0-9.-]+", "_").replaceAll("^_|_$", "");
    Path base = dir.resolve(q.file() + (slug.isEmpty() ? "" : "_" + slug));
    String where = group.isEmpty() ? "" : " (" + group + ")";
    Chart chart = Chart.of(sweep + (group.isEmpty() ? "" : ": " + group), "width", q.label(), true);
    // A log axis labels only powers of ten: within one decade it would show no number at all.
    DoubleSummaryStatistics range =
        series.stream().flatMap(x -> x.y().stream()).mapToDouble(y -> y).summaryStatistics();
    Plots.lines(base, range.getMax() > 10 * range.getMin() ? chart.withLogY() : chart, series);
    return new SweepReport.Figure(
        "Coordinate check"
            + where
            + ": "
            + q.label()
            + " per layer by width at steps "
            + shown
            + " (flat in width under muP)",
        Path.of(base + ".svg"));
  }

  private static double num(List<Object> row, int column) {
    return ((Number) row.get(column)).doubleValue();
  }
}
