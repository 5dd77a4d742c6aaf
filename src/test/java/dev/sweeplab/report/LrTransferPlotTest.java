package dev.sweeplab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LrTransferPlotTest {
  @TempDir Path tmp;

  static final List<String> COLUMNS =
      List.of(
          "group",
          "parameterization",
          "width",
          "learning_rates",
          "mean_losses",
          "optimal_lr",
          "optimal_loss");

  static final List<Double> RATES = List.of(0.125, 0.25, 0.5, 1.0);

  static List<Object> row(String p, int width, List<Double> means, Double lr, Double loss) {
    return Arrays.asList("", p, width, RATES, means, lr, loss);
  }

  @Test
  void oneFigurePerParameterizationWithALinePerWidthAndTheOptimaMarked() throws Exception {
    Table t =
        new Table(
            COLUMNS,
            List.of(
                // Stored widest first: the figure orders by width all the same.
                row("mup", 64, List.of(0.9, 0.6, 0.5, 0.7), 0.5, 0.5),
                row("mup", 16, List.of(1.0, 0.7, 0.6, 0.8), 0.5, 0.6),
                // A huge loss at rate 1 and every seed diverged at rate 1 for width 64.
                row("standard", 16, List.of(1.0, 0.7, 0.6, 50.0), 0.5, 0.6),
                row("standard", 64, Arrays.asList(0.9, 0.5, 0.8, null), 0.25, 0.5)));
    List<SweepReport.Figure> figures = LrTransferPlot.write(tmp, "s", t);
    assertEquals(2, figures.size());
    for (String p : List.of("mup", "standard")) {
      assertTrue(Files.size(tmp.resolve("lr_transfer_" + p + ".png")) > 1000, p);
      assertTrue(Files.size(tmp.resolve("lr_transfer_" + p + ".svg")) > 1000, p);
    }
    assertTrue(figures.get(1).caption().contains("1 point(s) above it"), figures.get(1).caption());

    LrTransferPlot.Plot sp = LrTransferPlot.plot("s", "", "standard", t, t.rows().subList(2, 4));
    // Twice the largest optimal loss, 1.2, is above the losses at the smallest rate (1.0, 0.9).
    assertEquals(1.2, sp.clip(), 1e-12);
    assertEquals(1, sp.clipped(), "50.0 at width 16 is left out; the null is no point");
    assertEquals(2, sp.chart().shades(), "two widths, light to dark");
    List<Series> s = sp.series();
    assertEquals(4, s.size(), "a line and an optimum per width");
    assertEquals("width 16", s.get(0).name());
    assertEquals(List.of(-3.0, -2.0, -1.0), s.get(0).x(), "log2 of the rates kept");
    assertEquals(List.of(1.0, 0.7, 0.6), s.get(0).y());
    assertEquals(Series.Draw.MARK, s.get(1).draw());
    assertEquals(List.of(-1.0), s.get(1).x());
    assertEquals(List.of(0.6), s.get(1).y());
    assertEquals(0, s.get(1).color(), "the optimum in its width's shade");
    assertEquals("width 64", s.get(2).name());
    assertEquals(List.of(-3.0, -2.0, -1.0), s.get(2).x());
    assertEquals(1, s.get(3).color());
    assertEquals(List.of(-2.0), s.get(3).x());

    // The loss at the smallest rate lifts the clip when it is above twice the largest optimum.
    Table flat = new Table(COLUMNS, List.of(row("mup", 16, List.of(3.0, 1.0, 0.5, 0.6), 0.5, 0.5)));
    assertEquals(3.0, LrTransferPlot.clip(flat, flat.rows()));
  }

  @Test
  void theShadesGoFromLightToDark() {
    java.awt.Color light = Plots.shade(0, 5);
    java.awt.Color dark = Plots.shade(4, 5);
    int previous = Integer.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      java.awt.Color c = Plots.shade(i, 5);
      int lightness = c.getRed() + c.getGreen() + c.getBlue();
      assertTrue(lightness < previous, "shade " + i + " is darker than the one before");
      previous = lightness;
    }
    assertEquals(new java.awt.Color(0x9E, 0xCA, 0xE1), light);
    assertEquals(new java.awt.Color(0x08, 0x30, 0x6B), dark);
  }
}
