package dev.sweeplab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sweeplab.testing.Chromium;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report opened in headless Chromium, from sweeps written as rows: the page draws with no
 * script error and every chart renders (its own health record, {@code #report-status}), for a sweep
 * with failed and diverged runs and every analysis, a single run, no analyses, and 10,000 runs.
 * Skipped where no {@code chromium} is on the PATH (CI installs it).
 */
class HtmlReportBrowserTest {
  static final List<String> ANALYSIS_SECTIONS =
      List.of("double_descent", "scaling_fits", "width_exponents", "lr_transfer", "coord_check");

  static Chromium chromium;

  @TempDir Path tmp;

  @BeforeAll
  static void findChromium() {
    chromium = Chromium.find();
    assumeTrue(chromium != null, "no chromium on the PATH");
  }

  @Test
  void failedAndDivergedRunsAndEveryAnalysis() throws Exception {
    Path page =
        HtmlReport.write(tmp.resolve("failing"), SyntheticSweeps.grid("failing", 120, 20, 5, true));
    Chromium.Loaded loaded =
        chromium.assertHealthy(
            page,
            tmp,
            List.of(
                "chart-curves",
                "chart-double-descent-0",
                "chart-double-descent-1",
                "chart-scaling",
                "chart-width-exponents",
                "chart-lr-transfer-0",
                "chart-coord-check",
                "chart-parallel"));
    List<String> sections = new ArrayList<>(List.of("summary", "curves"));
    sections.addAll(ANALYSIS_SECTIONS);
    sections.addAll(List.of("parallel", "runs"));
    assertEquals(sections, texts(loaded.status().path("sections")));
    assertTrue(
        loaded.dom().contains("IllegalStateException: &lt;/script&gt;&lt;!-- &lt;b&gt;boom"),
        "a reason with markup is shown as text");
    String tooltip = loaded.status().path("tooltips").path("chart-curves").asText();
    assertTrue(
        Pattern.compile(
                "run [0-9a-f]{16} \\(ok\\)width = 8learning_rate = 0\\.001parameterization = standard")
            .matcher(tooltip)
            .find(),
        "a run's configuration on hover: " + tooltip);
    assertTrue(loaded.dom().contains("<b>24</b>failed"), "the failed runs counted");
    assertTrue(loaded.dom().contains("<b>24</b>diverged"), "the diverged runs counted");
    chromium.screenshot(
        page,
        Path.of("target", "report-screenshot.png"),
        1400,
        2400,
        Files.createTempDirectory(tmp, "p"));
  }

  @Test
  void aSingleRunHasItsCurveAndNoAnalysis() throws Exception {
    Path page =
        HtmlReport.write(tmp.resolve("single"), SyntheticSweeps.grid("single", 1, 20, 0, false));
    Chromium.Loaded loaded =
        chromium.assertHealthy(page, tmp, List.of("chart-curves", "chart-parallel"));
    assertEquals(
        List.of("summary", "curves", "parallel", "runs"), texts(loaded.status().path("sections")));
    assertEquals(1, rowsOf(loaded.dom(), "runs-table"));
  }

  @Test
  void noAnalysisTableMeansNoAnalysisSection() throws Exception {
    Path page =
        HtmlReport.write(tmp.resolve("plain"), SyntheticSweeps.grid("plain", 40, 20, 0, false));
    Chromium.Loaded loaded =
        chromium.assertHealthy(page, tmp, List.of("chart-curves", "chart-parallel"));
    List<String> sections = texts(loaded.status().path("sections"));
    assertEquals(List.of("summary", "curves", "parallel", "runs"), sections);
    for (String a : ANALYSIS_SECTIONS) {
      assertFalse(loaded.dom().contains("id=\"" + a + "\""), a);
    }
  }

  @Test
  void tenThousandRunsStayUsable() throws Exception {
    HtmlReport.Sweep sweep = SyntheticSweeps.grid("large", 10_000, 20, 97, true);
    Path page = HtmlReport.write(tmp.resolve("large"), sweep);
    long size = Files.size(page);
    assertTrue(size < 8_000_000, "page of 10,000 runs: " + size + " bytes");
    Chromium.Loaded loaded =
        chromium.assertHealthy(page, tmp, List.of("chart-curves", "chart-parallel"));
    assertEquals(10_000, loaded.status().path("runs").asInt());
    assertEquals(100, rowsOf(loaded.dom(), "runs-table"), "one page of the runs table");
    assertTrue(
        loaded.dom().contains("downsampled to at most " + Curves.MIN_POINTS + " points"),
        "the page says the curves are downsampled");
    JsonNode curves = loaded.status().path("charts").path("chart-curves");
    assertTrue(curves.path("series").asInt() <= 200, "curves drawn as group means: " + curves);
    System.out.println("10,000-run page: " + size + " bytes");
  }

  @Test
  void theHealthRecordCatchesAScriptErrorAndABlankChart() throws Exception {
    Path page =
        HtmlReport.write(tmp.resolve("planted"), SyntheticSweeps.grid("planted", 8, 5, 0, false));
    String html = Files.readString(page, StandardCharsets.UTF_8);
    String planted =
        "<script>echarts.getInstanceByDom(document.getElementById('chart-parallel'))"
            + ".setOption({series: []}, {replaceMerge: ['series']});"
            + "throw new Error('planted failure');</script>\n</body>";
    // The last </body>: echarts.min.js holds the text too.
    int end = html.lastIndexOf("</body>");
    Files.writeString(
        page, html.substring(0, end) + planted + html.substring(end + 7), StandardCharsets.UTF_8);
    JsonNode status =
        Chromium.status(chromium.dumpDom(page, "", Files.createTempDirectory(tmp, "p")));
    assertEquals("done", status.path("state").asText(), status.toPrettyString());
    assertTrue(
        status.path("errors").toString().contains("planted failure"), status.toPrettyString());
    assertTrue(
        status.path("charts").path("chart-curves").path("rendered").asBoolean(),
        status.toPrettyString());
    assertFalse(
        status.path("charts").path("chart-parallel").path("rendered").asBoolean(),
        status.toPrettyString());
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** Body rows of the table with class {@code cls} in a dumped DOM. */
  static int rowsOf(String dom, String cls) {
    Matcher m =
        Pattern.compile("<table class=\"" + cls + "\">(.*?)</table>", Pattern.DOTALL).matcher(dom);
    assertTrue(m.find(), "no table " + cls);
    Matcher body = Pattern.compile("<tbody>(.*?)</tbody>", Pattern.DOTALL).matcher(m.group(1));
    assertTrue(body.find());
    return body.group(1).split("<tr", -1).length - 1;
  }
}
