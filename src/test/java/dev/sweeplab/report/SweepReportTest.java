package dev.sweeplab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepReportTest {
  static final List<String> COLUMNS =
      List.of("train_size", "width", "runs", "ok", "test_error", "test_error_sd", "train_error");

  static Table summary() {
    return new Table(
        COLUMNS,
        List.of(
            List.of(100, 64, 2L, 2L, 0.30, 0.02, 0.0),
            List.of(100, 8, 2L, 2L, 0.40, 0.01, 0.1),
            List.of(400, 8, 2L, 2L, 0.20, 0.03, 0.15),
            List.of(400, 64, 2L, 1L, 0.10, Double.NaN, 0.0)));
  }

  @Test
  void plotsAlongWidthWithOneSeriesPerOtherAxisSortedByX() {
    Table t = summary();
    assertEquals("width", SweepReport.xAxis(t));
    List<Series> series = SweepReport.series(t, "width", "test_error");
    assertEquals(2, series.size());
    assertEquals("train_size=100", series.get(0).name());
    assertEquals(List.of(8.0, 64.0), series.get(0).x());
    assertEquals(List.of(0.40, 0.30), series.get(0).y());
    assertEquals(List.of(0.01, 0.02), series.get(0).spread());
    assertEquals("train_size=400", series.get(1).name());
    assertEquals(List.of(0.20, 0.10), series.get(1).y());
  }

  @Test
  void noNumericAxisMeansNoPlot() {
    Table t =
        new Table(
            List.of("activation", "runs", "test_error"),
            List.of(List.of("relu", 1L, 0.1), List.of("tanh", 1L, 0.2)));
    assertNull(SweepReport.xAxis(t));
  }

  @Test
  void writesSummaryAndAPlotThatIsAPicture(@TempDir Path dir) throws Exception {
    List<Path> files = SweepReport.write(dir, "demo", summary());
    assertEquals(
        List.of(
            dir.resolve("summary.md"),
            dir.resolve("test_error_vs_width.png"),
            dir.resolve("test_error_vs_width.svg")),
        files);
    String md = Files.readString(dir.resolve("summary.md"));
    assertTrue(md.contains("| train_size | width |"), md);
    assertTrue(md.contains("(test_error_vs_width.svg)"), md);
    BufferedImage png = ImageIO.read(dir.resolve("test_error_vs_width.png").toFile());
    assertEquals(800, png.getWidth());
    assertTrue(Files.readString(dir.resolve("test_error_vs_width.svg")).contains("<svg"));
  }

  @Test
  void analysisTablesFollowTheFiguresUnderTheirCaption(@TempDir Path dir) throws Exception {
    Table exponents =
        new Table(
            List.of("group", "parameterization", "layer_kind", "exponent", "exponent_low"),
            List.of(
                java.util.Arrays.asList("", "ntk", "hidden", -0.92, -0.97),
                java.util.Arrays.asList("", "mup", "hidden", -0.34, null)));
    List<Path> files =
        SweepReport.write(
            dir,
            "demo",
            summary(),
            List.of(),
            List.of(new SweepReport.Section("Exponents in width.", exponents)));
    assertEquals(3, files.size(), "summary.md and the plot: a table adds no file");
    String md = Files.readString(dir.resolve("summary.md"));
    int caption = md.indexOf("\nExponents in width.\n\n| group | parameterization |");
    assertTrue(caption > md.indexOf("(test_error_vs_width.svg)"), md);
    assertTrue(
        md.endsWith("|       | mup              | hidden     | -0.3400  |              |\n"), md);
  }

  @Test
  void markdownAlignsColumnsAndBlanksNaN() {
    Table t =
        new Table(
            List.of("a", "value"), List.of(List.of("x", Double.NaN), List.of("long", 0.123456)));
    assertEquals(
        "| a    | value  |\n| ---- | ------ |\n| x    |        |\n| long | 0.1235 |\n",
        t.markdown());
  }

  @Test
  void groupsSortByTheirNumbersNotAsText() {
    List<String> groups =
        new java.util.ArrayList<>(
            List.of("train_size=2048", "train_size=512", "train_size=16384", "train_size=1024.5"));
    groups.sort(java.util.Comparator.comparing(SweepReport::groupKey));
    assertEquals(
        List.of("train_size=512", "train_size=1024.5", "train_size=2048", "train_size=16384"),
        groups);
  }
}
