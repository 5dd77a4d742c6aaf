package dev.sweeplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sweeplab.testing.Chromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report of a tiny sweep of real runs: {@code sweeplab run} writes {@code index.html} next
 * to {@code summary.md}, {@code sweeplab report} writes it again from the tables ({@code --no-html}
 * does not), and the page opens in headless Chromium with no script error and every chart rendered.
 * Skipped where no {@code chromium} is on the PATH.
 */
class HtmlReportSweepTest {
  static final String SPEC =
      """
      name: html-tiny
      seed: 7
      repeats: 2
      dataset: {input_dim: 4, classes: 2, teacher_width: 8, train_size: 64, test_size: 32,
                val_size: auto}
      model: {width: [4, 8, 16], depth: 1}
      training: {epochs: 2, batch_size: 32, eval_points: 4}
      analysis: {double_descent: width, coord_check: 'yes', width_exponents: 'yes'}
      """;

  @TempDir Path tmp;

  @Test
  void runWritesThePageAndReportHtmlWritesItAgain() throws Exception {
    Chromium chromium = Chromium.find();
    assumeTrue(chromium != null, "no chromium on the PATH");
    Path spec = Files.writeString(tmp.resolve("html.yaml"), SPEC);
    Path warehouse = tmp.resolve("wh");
    Path reports = tmp.resolve("reports");
    CliTest.Result run = CliTest.run(spec, warehouse, reports);
    assertEquals(0, run.code(), run.toString());
    Path page = reports.resolve("html-tiny").resolve("index.html");
    assertTrue(Files.isRegularFile(page), "run writes index.html");
    assertTrue(run.out().contains(page.toString()), "run names the page: " + run);

    Chromium.Loaded loaded =
        chromium.assertHealthy(
            page,
            tmp,
            List.of(
                "chart-curves",
                "chart-double-descent-0",
                "chart-coord-check",
                "chart-width-exponents",
                "chart-parallel"));
    List<String> sections = new ArrayList<>();
    loaded.status().path("sections").forEach(n -> sections.add(n.asText()));
    assertEquals(
        List.of(
            "summary",
            "curves",
            "double_descent",
            "coord_check",
            "width_exponents",
            "parallel",
            "runs"),
        sections);
    assertEquals(6, loaded.status().path("runs").asInt());
    JsonNode curves = loaded.status().path("charts").path("chart-curves");
    assertEquals(6, curves.path("series").asInt(), "a curve per run: " + curves);
    String tooltip = loaded.status().path("tooltips").path("chart-curves").asText();
    assertTrue(
        tooltip.matches(
            "run [0-9a-f]{16} \\(ok\\)width = (4|8|16)repeat = [01]seed = -?[0-9]+step .*"),
        "a run's configuration on hover: " + tooltip);

    Files.delete(page);
    String[] report = {
      "report",
      "html-tiny",
      "--warehouse",
      warehouse.toString(),
      "--reports",
      reports.toString(),
      "--master",
      "local[2]"
    };
    List<String> plain = new ArrayList<>(List.of(report));
    plain.add("--no-html");
    CliTest.Result without = CliTest.cli(plain.toArray(String[]::new));
    assertEquals(0, without.code(), without.toString());
    assertFalse(Files.exists(page), "report --no-html writes no page");
    CliTest.Result again = CliTest.cli(report);
    assertEquals(0, again.code(), again.toString());
    assertTrue(Files.isRegularFile(page), "report writes index.html by default");
    chromium.assertHealthy(page, tmp, List.of("chart-curves", "chart-double-descent-0"));
  }
}
