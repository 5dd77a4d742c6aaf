package dev.sweeplab.report;

import java.util.List;

/**
 * What a plot shows besides its lines: title, axis labels and scales, vertical markers (e.g. a
 * double-descent peak and the interpolation threshold), and how series colours are chosen.
 *
 * @param shades 0: a series' colour index picks from a qualitative palette; n &gt; 0: it picks the
 *     index-th of n shades from light to dark, for series ordered by a size (widths, say)
 * @param xPattern a {@link java.text.DecimalFormat} pattern for the x tick labels; null for
 *     XChart's own
 */
public record Chart(
    String title,
    String xLabel,
    String yLabel,
    boolean logX,
    boolean logY,
    List<Marker> markers,
    int shades,
    String xPattern) {
  public Chart {
    markers = List.copyOf(markers);
  }

  /** A vertical line at {@code x}, named in the legend by {@code label}. */
  public record Marker(String label, double x) {}

  public static Chart of(String title, String xLabel, String yLabel, boolean logX) {
    return new Chart(title, xLabel, yLabel, logX, false, List.of(), 0, null);
  }

  public Chart withLogY() {
    return new Chart(title, xLabel, yLabel, logX, true, markers, shades, xPattern);
  }

  public Chart withMarkers(List<Marker> more) {
    return new Chart(title, xLabel, yLabel, logX, logY, more, shades, xPattern);
  }

  /** Colour index i is the i-th of {@code n} shades, light to dark. */
  public Chart withShades(int n) {
    return new Chart(title, xLabel, yLabel, logX, logY, markers, n, xPattern);
  }

  /** X tick labels written with the {@link java.text.DecimalFormat} {@code pattern}. */
  public Chart withXPattern(String pattern) {
    return new Chart(title, xLabel, yLabel, logX, logY, markers, shades, pattern);
  }
}
