package dev.sweeplab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalysisPlotsTest {
  @TempDir Path tmp;

  static List<Object> row(String metric, List<Double> y, Double peak) {
    return Arrays.asList(
        "all",
        "step",
        metric,
        List.of(0.0, 10.0, 100.0, 1000.0),
        y,
        List.of(0.01, 0.01, 0.01, 0.01),
        peak != null,
        peak,
        1000.0);
  }

  @Test
  void oneFigurePerMetricOnALogAxisWithoutStepZero() throws Exception {
    Table dd =
        new Table(
            List.of(
                "group",
                "axis",
                "metric",
                "x",
                "value",
                "value_sd",
                "detected",
                "peak_x",
                "interpolation_threshold"),
            List.of(
                row("test_error", List.of(0.9, 0.3, 0.4, 0.2), 100.0),
                row("test_loss", List.of(2.3, 0.8, 1.2, 0.9), null)));
    List<SweepReport.Figure> figures = AnalysisPlots.doubleDescent(tmp, "s", dd);
    assertEquals(2, figures.size());
    for (String metric : List.of("test_error", "test_loss")) {
      Path png = tmp.resolve("double_descent_step_" + metric + ".png");
      assertTrue(Files.size(png) > 1000, "png written for " + metric);
      assertTrue(Files.size(tmp.resolve("double_descent_step_" + metric + ".svg")) > 1000);
    }
    AnalysisPlots.Plot error = AnalysisPlots.doubleDescentPlot("s", dd, "test_error");
    assertTrue(error.chart().logX(), "x spans 10..1000");
    assertEquals(List.of(10.0, 100.0, 1000.0), error.series().get(0).x(), "step 0 left out");
    assertEquals(List.of(0.3, 0.4, 0.2), error.series().get(0).y());
    assertEquals(
        List.of(
            new Chart.Marker("peak (all)", 100.0),
            new Chart.Marker("interpolation threshold (all)", 1000.0)),
        error.chart().markers());
    AnalysisPlots.Plot loss = AnalysisPlots.doubleDescentPlot("s", dd, "test_loss");
    assertEquals("s: test loss vs step", loss.chart().title());
    assertEquals(
        List.of(new Chart.Marker("interpolation threshold (all)", 1000.0)),
        loss.chart().markers(),
        "no peak marked where none was detected");
  }
}
