package dev.sweeplab.report;

import java.util.List;

/**
 * What a plot shows besides its lines: title, axis labels and scales, and vertical markers (e.g. a
 * double-descent peak and the interpolation threshold).
 */
public record Chart(
    String title, String xLabel, String yLabel, boolean logX, boolean logY, List<Marker> markers) {
  public Chart {
    markers = List.copyOf(markers);
  }

  /** A vertical line at {@code x}, named in the legend by {@code label}. */
  public record Marker(String label, double x) {}

  public static Chart of(String title, String xLabel, String yLabel, boolean logX) {
    return new Chart(title, xLabel, yLabel, logX, false, List.of());
  }

  public Chart withLogY() {
    return new Chart(title, xLabel, yLabel, logX, true, markers);
  }

  public Chart withMarkers(List<Marker> more) {
    return new Chart(title, xLabel, yLabel, logX, logY, more);
  }
}
