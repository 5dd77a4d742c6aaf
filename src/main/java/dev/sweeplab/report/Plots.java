package dev.sweeplab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Diamond;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line plots written as PNG and SVG with XChart; no display needed (headless). */
public final class Plots {
  private static final int WIDTH = 800;
  private static final int HEIGHT = 560;

  /** Colours for series that share one per group (a colour-blind-safe qualitative set). */
  private static final java.awt.Color[] PALETTE = {
    new java.awt.Color(0x0072B2),
    new java.awt.Color(0xE69F00),
    new java.awt.Color(0x009E73),
    new java.awt.Color(0xCC79A7),
    new java.awt.Color(0x56B4E9),
    new java.awt.Color(0xD55E00),
    new java.awt.Color(0xF0E442),
    new java.awt.Color(0x000000)
  };

  /** A diamond 2.5 times the size of the other markers, seen over a line's own circle. */
  private static final Marker LARGE_DIAMOND =
      new Diamond() {
        @Override
        public void paint(java.awt.Graphics2D g, double x, double y, int size) {
          super.paint(g, x, y, size * 5 / 2);
        }
      };

  private Plots() {}

  /**
   * Writes {@code <base>.png} and {@code <base>.svg}: y against x, one line per series, error bars
   * from each series' spread, and the chart's vertical markers drawn as dashed lines.
   */
  public static void lines(Path base, Chart spec, List<Series> series) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(spec.title())
            .xAxisTitle(spec.xLabel())
            .yAxisTitle(spec.yLabel())
            .build();
    chart.getStyler().setXAxisLogarithmic(spec.logX());
    chart.getStyler().setYAxisLogarithmic(spec.logY());
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setPlotGridLinesVisible(true);
    if (spec.xPattern() != null) {
      chart.getStyler().setXAxisDecimalPattern(spec.xPattern());
    }
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      boolean bars = s.spread().stream().anyMatch(v -> Double.isFinite(v) && v > 0);
      double[] spread = s.spread().stream().mapToDouble(v -> Double.isFinite(v) ? v : 0).toArray();
      XYSeries line =
          bars
              ? chart.addSeries(s.name(), unbox(s.x()), unbox(s.y()), spread)
              : chart.addSeries(s.name(), unbox(s.x()), unbox(s.y()));
      line.setMarker(
          switch (s.draw()) {
            case LINE -> SeriesMarkers.NONE;
            case MARK -> LARGE_DIAMOND;
            default -> SeriesMarkers.CIRCLE;
          });
      if (s.draw() == Series.Draw.POINTS || s.draw() == Series.Draw.MARK) {
        line.setLineStyle(SeriesLines.NONE);
      } else if (s.color() >= 0) {
        line.setLineStyle(SeriesLines.SOLID);
      }
      line.setShowInLegend(s.draw() != Series.Draw.MARK);
      if (s.color() >= 0) {
        java.awt.Color c =
            spec.shades() > 0
                ? shade(s.color(), spec.shades())
                : PALETTE[s.color() % PALETTE.length];
        line.setLineColor(c);
        line.setMarkerColor(c);
      }
      for (double y : s.y()) {
        if (Double.isFinite(y) && (!spec.logY() || y > 0)) {
          yMin = Math.min(yMin, y);
          yMax = Math.max(yMax, y);
        }
      }
    }
    if (Double.isFinite(yMin)) {
      for (Chart.Marker m : spec.markers()) {
        XYSeries line =
            chart.addSeries(m.label(), new double[] {m.x(), m.x()}, new double[] {yMin, yMax});
        line.setMarker(SeriesMarkers.NONE);
        line.setLineStyle(SeriesLines.DASH_DASH);
      }
    }
    Files.createDirectories(base.toAbsolutePath().getParent());
    BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
    VectorGraphicsEncoder.saveVectorGraphic(
        chart, base.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
  }

  /**
   * The {@code i}-th of {@code n} blues from light to dark (matplotlib's sequential Blues, from
   * #9ECAE1 to #08306B), so that an ordered quantity such as width reads as lightness.
   */
  static java.awt.Color shade(int i, int n) {
    java.awt.Color light = new java.awt.Color(0x9E, 0xCA, 0xE1);
    java.awt.Color dark = new java.awt.Color(0x08, 0x30, 0x6B);
    double t = n <= 1 ? 1 : Math.min(1, Math.max(0, (double) i / (n - 1)));
    return new java.awt.Color(
        (int) Math.round(light.getRed() + t * (dark.getRed() - light.getRed())),
        (int) Math.round(light.getGreen() + t * (dark.getGreen() - light.getGreen())),
        (int) Math.round(light.getBlue() + t * (dark.getBlue() - light.getBlue())));
  }

  private static double[] unbox(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
