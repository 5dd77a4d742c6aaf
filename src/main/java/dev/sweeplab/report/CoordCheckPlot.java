package dev.sweeplab.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The coordinate-check figure of Yang et al. (Tensor Programs V, Fig. 5): mean |logit| against
 * width on log–log axes, one line per step and per value of the other swept axes (e.g.
 * parameterization). Flat lines: muP; lines rising with width: standard.
 */
public final class CoordCheckPlot {
  private CoordCheckPlot() {}

  /**
   * Plots the last layer of a {@code coord_check} table (columns: the swept axes, width, step,
   * layer, mean_abs_activation, seeds) into {@code <dir>/coord_check_logits.{png,svg}}.
   */
  public static SweepReport.Figure write(Path dir, String sweep, Table coord) throws IOException {
    int width = coord.column("width");
    int step = coord.column("step");
    int layer = coord.column("layer");
    int mean = coord.column("mean_abs_activation");
    int last =
        coord.rows().stream().mapToInt(r -> ((Number) r.get(layer)).intValue()).max().orElse(0);
    List<String> others =
        coord.columns().stream()
            .filter(
                c ->
                    !List.of("sweep", "width", "step", "layer", "mean_abs_activation", "seeds")
                        .contains(c))
            .toList();
    List<List<Object>> ordered = new ArrayList<>(coord.rows());
    java.util.Comparator<List<Object>> byOthers = (a, b) -> 0;
    for (String o : others) {
      int c = coord.column(o);
      byOthers = byOthers.thenComparing(r -> Table.format(r.get(c)));
    }
    ordered.sort(byOthers.thenComparingDouble(r -> num(r, step)));
    Map<String, List<List<Object>>> groups = new LinkedHashMap<>();
    for (List<Object> row : ordered) {
      if (((Number) row.get(layer)).intValue() != last) {
        continue;
      }
      List<String> name = new ArrayList<>();
      for (String o : others) {
        name.add(Table.format(row.get(coord.column(o))));
      }
      name.add("step " + row.get(step));
      groups.computeIfAbsent(String.join(", ", name), k -> new ArrayList<>()).add(row);
    }
    List<Series> series = new ArrayList<>();
    groups.forEach(
        (name, rows) -> {
          List<List<Object>> sorted = new ArrayList<>(rows);
          sorted.sort((a, b) -> Double.compare(num(a, width), num(b, width)));
          series.add(
              new Series(
                  name,
                  sorted.stream().map(r -> num(r, width)).toList(),
                  sorted.stream().map(r -> num(r, mean)).toList(),
                  sorted.stream().map(r -> Double.NaN).toList()));
        });
    Path base = dir.resolve("coord_check_logits");
    Plots.lines(
        base,
        Chart.of(sweep + ": coordinate check, mean |logit|", "width", "mean |logit|", true)
            .withLogY(),
        series);
    return new SweepReport.Figure(
        "Coordinate check: mean |logit| by width after each step (flat under muP)",
        Path.of(base + ".svg"));
  }

  private static double num(List<Object> row, int column) {
    return ((Number) row.get(column)).doubleValue();
  }
}
