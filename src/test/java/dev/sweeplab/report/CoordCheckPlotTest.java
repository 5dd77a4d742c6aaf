package dev.sweeplab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordCheckPlotTest {
  @TempDir Path tmp;

  static final List<String> COLUMNS =
      List.of(
          "sweep",
          "optimizer",
          "parameterization",
          "width",
          "step",
          "layer",
          "mean_abs_activation",
          "mean_abs_change",
          "seeds");

  /** A coord_check table: 2 optimizers × 2 parameterizations × 3 widths × 3 steps × 3 layers. */
  static Table table(boolean changes) {
    List<List<Object>> rows = new ArrayList<>();
    for (String optimizer : List.of("sgd", "adam")) {
      for (String p : List.of("standard", "mup")) {
        for (int width : new int[] {64, 256, 1024}) {
          for (long step : new long[] {0, 1, 5}) {
            for (int layer = 0; layer < 3; layer++) {
              double grow = p.equals("mup") ? 1 : width / 64.0;
              Double change = changes ? change(step, grow) : null;
              rows.add(
                  Arrays.asList(
                      "cc", optimizer, p, width, step, layer, 1 + change(step, grow), change, 2L));
            }
          }
        }
      }
    }
    return new Table(COLUMNS, rows);
  }

  private static double change(long step, double grow) {
    return step * 0.01 * grow;
  }

  @Test
  void bothQuantitiesPerOptimizerAndParameterization() throws Exception {
    List<SweepReport.Figure> figures = CoordCheckPlot.write(tmp, "cc", table(true));
    assertEquals(8, figures.size(), "|h_t| and |h_t - h_0| for 2 optimizers x 2 parameterizations");
    for (String q : List.of("coord_check_h", "coord_check_dh")) {
      for (String optimizer : List.of("sgd", "adam")) {
        for (String p : List.of("standard", "mup")) {
          String base = q + "_optimizer_" + optimizer + "_parameterization_" + p;
          assertTrue(Files.size(tmp.resolve(base + ".png")) > 1000, base + ".png");
          Path svg = tmp.resolve(base + ".svg");
          assertTrue(Files.size(svg) > 1000, base + ".svg");
          assertTrue(figures.stream().anyMatch(f -> f.svg().equals(svg)), base + " is a figure");
        }
      }
    }
    SweepReport.Figure change =
        figures.stream().filter(f -> f.svg().toString().contains("_dh_")).findFirst().get();
    assertTrue(change.caption().contains("mean |h_t - h_0|"), change.caption());
    assertTrue(change.caption().contains("steps [1, 5]"), "0 has no change: " + change.caption());
    SweepReport.Figure size = figures.get(0);
    assertTrue(size.caption().contains("steps [0, 1, 5]"), size.caption());

    // The report links each of them.
    List<Path> written =
        SweepReport.write(tmp, "cc", new Table(List.of("width"), List.of()), figures);
    String summary = Files.readString(written.get(0));
    for (SweepReport.Figure f : figures) {
      assertTrue(summary.contains("](" + f.svg().getFileName() + ")"), f.svg().toString());
    }
  }

  @Test
  void aTableWithoutChangesGivesTheActivationFiguresAlone() throws Exception {
    // Null changes: a partition committed before mean_abs_change existed, read with others.
    assertEquals(4, CoordCheckPlot.write(tmp.resolve("nulls"), "cc", table(false)).size());
    // No such column at all.
    Table full = table(true);
    int drop = COLUMNS.indexOf("mean_abs_change");
    List<String> columns = new ArrayList<>(COLUMNS);
    columns.remove(drop);
    List<List<Object>> rows = new ArrayList<>();
    for (List<Object> r : full.rows()) {
      List<Object> copy = new ArrayList<>(r);
      copy.remove(drop);
      rows.add(copy);
    }
    List<SweepReport.Figure> figures =
        CoordCheckPlot.write(tmp.resolve("old"), "cc", new Table(columns, rows));
    assertEquals(4, figures.size());
    figures.forEach(f -> assertTrue(f.svg().getFileName().toString().startsWith("coord_check_h_")));
  }
}
