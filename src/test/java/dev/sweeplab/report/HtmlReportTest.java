package dev.sweeplab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The HTML page's text and data without a browser: escaping, rounding, downsampling. */
class HtmlReportTest {
  @Test
  void jsonInAScriptElementCannotCloseItOrOpenAComment() throws Exception {
    String json = HtmlReport.json(Map.of("reason", "</script><!-- a & b > c\u2028"));
    assertFalse(json.contains("<"), json);
    assertFalse(json.contains(">"), json);
    assertFalse(json.contains("\u2028"), json);
    assertEquals(
        "{\"reason\":\"\\u003C/script\\u003E\\u003C!-- a \\u0026 b \\u003E c\\u2028\"}", json);
    assertEquals(
        Map.of("reason", "</script><!-- a & b > c\u2028"),
        new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Map.class),
        "the same text once parsed");
  }

  @Test
  void scriptTextHasNoClosingTag() {
    assertEquals(
        "a = '<\\/script>'; b = '<\\/SCRIPT'",
        HtmlReport.script("a = '</script>'; b = '</SCRIPT'"));
    String page = HtmlReport.echarts();
    assertTrue(page.length() > 500_000, "echarts.min.js read from the WebJar");
  }

  @Test
  void titlesAreEscaped() {
    assertEquals(
        "a&lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;", HtmlReport.escape("a<b> & \"c\" 'd'"));
  }

  @Test
  void numbersAreRoundedAndNonFiniteBecomesNull() {
    assertEquals(0.123457, HtmlReport.Rows.round(0.1234567, 6));
    assertEquals(1235.0, HtmlReport.Rows.round(1234.5678, 4));
    assertNull(HtmlReport.Rows.round(Double.NaN, 4));
    assertNull(HtmlReport.Rows.round(Double.POSITIVE_INFINITY, 4));
    assertEquals(
        List.of(1L, "x", 0.5), HtmlReport.Rows.value(List.of(1L, "x", 0.5000001), 4), "lists");
    assertEquals(
        "1970-01-01T00:00:01Z", HtmlReport.Rows.value(new java.sql.Timestamp(1000), 4), "times");
  }

  @Test
  void aLongCurveKeepsItsEndsAndEvenlySpacedPoints() {
    List<Integer> points = IntStream.range(0, 101).boxed().toList();
    assertEquals(List.of(0, 25, 50, 75, 100), Curves.pick(points, 5));
    assertEquals(List.of(0, 1, 2), Curves.pick(List.of(0, 1, 2), 5), "a short curve is kept");
  }

  @Test
  void curvesStayWithinTheirBudgetAndFollowTheRunsOrder() {
    HtmlReport.Sweep small = SyntheticSweeps.grid("s", 10, 20, 5, false);
    Map<String, Object> c = Curves.of(small.runs(), small.curves());
    assertEquals(false, c.get("downsampled"));
    List<?> runs = (List<?>) c.get("runs");
    assertEquals(10, runs.size());
    assertNull(runs.get(1), "the failed run has no curve");
    assertEquals(
        List.of("train_loss", "val_loss", "test_loss", "train_error", "val_error", "test_error"),
        c.get("metrics"));
    List<?> diverged = (List<?>) ((List<?>) runs.get(2)).get(1);
    assertNull(diverged.get(19), "a diverged run's NaN is null");

    HtmlReport.Sweep large = SyntheticSweeps.grid("l", 20_000, 20, 0, false);
    Map<String, Object> d = Curves.of(large.runs(), large.curves());
    assertEquals(true, d.get("downsampled"));
    assertEquals(Curves.MIN_POINTS, d.get("maxPoints"));
    List<?> first = (List<?>) ((List<?>) d.get("runs")).get(0);
    assertEquals(Curves.MIN_POINTS, ((List<?>) first.get(0)).size());
    assertEquals(0L, ((List<?>) first.get(0)).get(0), "the first step kept");
    assertEquals(1000L, ((List<?>) first.get(0)).get(Curves.MIN_POINTS - 1), "the last kept");
  }
}
