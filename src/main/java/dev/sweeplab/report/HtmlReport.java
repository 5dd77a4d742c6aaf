package dev.sweeplab.report;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The interactive report of a sweep: one self-contained {@code index.html} that opens from the file
 * system with no server and no network. Apache ECharts (the WebJar's {@code echarts.min.js}), the
 * page's script and style ({@code report.js}, {@code report.css} next to this class) and the
 * sweep's rows as JSON are inlined in it; the script draws the summary, the learning curves, a
 * section per analysis table, a parallel-coordinates view and a paged, sortable runs table.
 *
 * <p>After drawing, the page writes its own health into {@code <pre id="report-status">}: the
 * script errors it saw and, per chart, whether it rendered (a canvas of non-zero size with painted
 * pixels, and series data in its option), so a headless browser's dumped DOM shows whether the page
 * works.
 */
public final class HtmlReport {
  /** The page's file name in the sweep's report directory. */
  public static final String FILE = "index.html";

  private static final String ECHARTS_POM = "META-INF/maven/org.webjars.npm/echarts/pom.properties";

  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    JSON.getFactory().setCharacterEscapes(new ScriptSafe());
  }

  private HtmlReport() {}

  /**
   * A sweep's rows for the page, as the engine read them from the tables.
   *
   * @param name the sweep
   * @param axes the swept keys' columns, in expansion order
   * @param spec the resolved spec as canonical JSON (the {@code sweeps} table's {@code spec}), or
   *     null
   * @param summary the per-configuration table of {@code summary.md}
   * @param executions the sweep's rows of the {@code sweeps} table
   * @param runs the sweep's {@code runs} rows: {@code run_id}, {@code status}, the axes, results
   *     and provenance columns
   * @param curves the sweep's {@code curves} rows: {@code run_id}, {@code step} and metric columns,
   *     in step order per run
   * @param analyses analysis table name → the sweep's rows, for the tables that have any
   */
  public record Sweep(
      String name,
      List<String> axes,
      String spec,
      Table summary,
      Table executions,
      Table runs,
      Table curves,
      Map<String, Table> analyses) {
    public Sweep {
      axes = List.copyOf(axes);
      analyses = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(analyses));
    }
  }

  /** Writes {@code dir/index.html} for {@code sweep}; returns the file written. */
  public static Path write(Path dir, Sweep sweep) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE);
    Files.writeString(file, page(sweep), StandardCharsets.UTF_8);
    return file;
  }

  /** The whole page. */
  static String page(Sweep sweep) throws IOException {
    String title = "Sweep " + escape(sweep.name());
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
        + title
        + "</title>\n<style>\n"
        + resource("report.css")
        + "</style>\n</head>\n<body>\n<header><h1>"
        + title
        + "</h1><nav id=\"report-nav\"></nav></header>\n<main id=\"report\"></main>\n"
        + "<footer><pre id=\"report-status\">{\"state\":\"loading\"}</pre></footer>\n"
        + "<script type=\"application/json\" id=\"report-data\">"
        + json(data(sweep))
        + "</script>\n<script>\n"
        + script(echarts())
        + "\n</script>\n<script>\n"
        + script(resource("report.js"))
        + "</script>\n</body>\n</html>\n";
  }

  /** The page's data: what {@code report.js} reads from {@code #report-data}. */
  static Map<String, Object> data(Sweep sweep) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("sweep", sweep.name());
    data.put("generated", Instant.now().toString());
    data.put("axes", sweep.axes());
    data.put("spec", sweep.spec());
    data.put("summary", Rows.table(sweep.summary(), Rows.DIGITS));
    data.put("executions", Rows.table(sweep.executions(), Rows.DIGITS));
    data.put("runs", Rows.table(sweep.runs(), Rows.DIGITS));
    data.put("curves", Curves.of(sweep.runs(), sweep.curves()));
    Map<String, Object> analyses = new LinkedHashMap<>();
    sweep.analyses().forEach((name, t) -> analyses.put(name, Rows.table(t, Rows.DIGITS)));
    data.put("analyses", analyses);
    return data;
  }

  /**
   * {@code value} as JSON that is safe inside a {@code <script>} element: {@code <}, {@code >} and
   * {@code &} are written as {@code \}{@code u003c}-style escapes, so neither {@code </script>} nor
   * {@code <!--} can appear in it; U+2028 and U+2029 likewise.
   */
  static String json(Object value) throws IOException {
    return JSON.writeValueAsString(value);
  }

  /** Text for HTML content and attribute values. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * Script text for a {@code <script>} element: a {@code </script} in it (none in the inlined files
   * today, but only a string or regular expression could hold one) becomes {@code <\/script}, which
   * means the same there.
   */
  static String script(String js) {
    return js.replaceAll("(?i)</(script)", "<\\\\/$1");
  }

  /** {@code echarts.min.js} of the ECharts WebJar on the classpath. */
  static String echarts() {
    Properties pom = new Properties();
    try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(ECHARTS_POM)) {
      if (in == null) {
        throw new IllegalStateException(
            "the ECharts WebJar (org.webjars.npm:echarts) is not on the classpath: no "
                + ECHARTS_POM);
      }
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return classpath(
        "META-INF/resources/webjars/echarts/"
            + pom.getProperty("version")
            + "/dist/echarts.min.js");
  }

  private static String resource(String name) {
    return classpath("dev/sweeplab/report/" + name);
  }

  private static String classpath(String path) {
    try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource on the classpath: " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Jackson escapes that keep JSON inert inside a {@code <script>} element. */
  private static final class ScriptSafe extends CharacterEscapes {
    private final int[] escapes = standardAsciiEscapesForJSON();

    ScriptSafe() {
      escapes['<'] = ESCAPE_STANDARD;
      escapes['>'] = ESCAPE_STANDARD;
      escapes['&'] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return escapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch == 0x2028 || ch == 0x2029) {
        return new com.fasterxml.jackson.core.io.SerializedString(String.format("\\u%04x", ch));
      }
      return null;
    }
  }

  /** The rows of a plain table as JSON-ready lists. */
  static final class Rows {
    /** Significant digits of the numbers in the tables. */
    static final int DIGITS = 6;

    private Rows() {}

    static Map<String, Object> table(Table t, int digits) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("columns", t.columns());
      List<List<Object>> rows = new ArrayList<>(t.rows().size());
      for (List<Object> row : t.rows()) {
        List<Object> values = new ArrayList<>(row.size());
        for (Object v : row) {
          values.add(value(v, digits));
        }
        rows.add(values);
      }
      out.put("rows", rows);
      return out;
    }

    /**
     * A cell as JSON takes it: numbers rounded to {@code digits} significant digits, NaN and
     * infinities as null (JSON has neither), lists element by element, times and anything else as
     * text.
     */
    static Object value(Object v, int digits) {
      if (v == null || v instanceof String || v instanceof Boolean) {
        return v;
      }
      if (v instanceof Double || v instanceof Float) {
        return round(((Number) v).doubleValue(), digits);
      }
      if (v instanceof Number) {
        return v;
      }
      if (v instanceof List<?> list) {
        List<Object> out = new ArrayList<>(list.size());
        list.forEach(e -> out.add(value(e, digits)));
        return out;
      }
      if (v instanceof java.util.Date d) {
        return d.toInstant().toString();
      }
      return String.valueOf(v);
    }

    /** {@code v} to {@code digits} significant digits; null when not finite. */
    static Double round(double v, int digits) {
      if (!Double.isFinite(v)) {
        return null;
      }
      if (v == 0) {
        return 0.0;
      }
      return new java.math.BigDecimal(v)
          .round(new java.math.MathContext(digits, java.math.RoundingMode.HALF_EVEN))
          .doubleValue();
    }
  }
}
