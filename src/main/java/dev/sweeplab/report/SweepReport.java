package dev.sweeplab.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The human summary of a sweep: {@code summary.md} with the per-configuration table and a plot of
 * test error (test loss for regression) against the model-size axis — width when it is swept,
 * otherwise the first numeric axis — one line per value of the other axes, seeds as error bars.
 */
public final class SweepReport {
  /** Columns of the summary table that are not axes. */
  static final List<String> MEASURES =
      List.of(
          "runs", "ok", "test_error", "test_error_sd", "train_error", "test_loss", "test_loss_sd");

  private SweepReport() {}

  /** A plot made elsewhere (analysis figures), linked from the summary with a caption. */
  public record Figure(String caption, Path svg) {}

  /** An analysis table shown in the summary as it is, under a caption. */
  public record Section(String caption, Table table) {}

  /** Writes the report into {@code dir}; returns the files written. */
  public static List<Path> write(Path dir, String sweep, Table summary) throws IOException {
    return write(dir, sweep, summary, List.of());
  }

  /** Writes the report into {@code dir}, linking {@code figures} too; returns the files written. */
  public static List<Path> write(Path dir, String sweep, Table summary, List<Figure> figures)
      throws IOException {
    return write(dir, sweep, summary, figures, List.of());
  }

  /**
   * Writes the report into {@code dir}, linking {@code figures} and showing {@code tables} after
   * them; returns the files written.
   */
  public static List<Path> write(
      Path dir, String sweep, Table summary, List<Figure> figures, List<Section> tables)
      throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    StringBuilder md = new StringBuilder();
    md.append("# Sweep ").append(sweep).append("\n\n");
    md.append(
            "Per configuration of the swept axes: runs, runs that finished (ok), and the mean over")
        .append(
            " seeds of the final errors and losses (`_sd`: standard deviation over seeds).\n\n");
    md.append(summary.markdown()).append('\n');
    String x = xAxis(summary);
    if (x != null) {
      boolean classification =
          summary.rows().stream().anyMatch(r -> value(r, summary.column("test_error")) >= 0);
      String y = classification ? "test_error" : "test_loss";
      Path base = dir.resolve(y + "_vs_" + x);
      Plots.lines(
          base,
          Chart.of(
              sweep + ": " + y.replace('_', ' ') + " vs " + x,
              x,
              y.replace('_', ' ') + " (mean over seeds)",
              logScale(summary, x)),
          series(summary, x, y));
      written.add(Path.of(base + ".png"));
      written.add(Path.of(base + ".svg"));
      md.append("![")
          .append(y)
          .append(" vs ")
          .append(x)
          .append("](")
          .append(base.getFileName())
          .append(".svg)\n");
    }
    for (Figure f : figures) {
      written.add(f.svg());
      md.append("\n")
          .append(f.caption())
          .append("\n\n![")
          .append(f.caption())
          .append("](")
          .append(dir.relativize(f.svg()))
          .append(")\n");
    }
    for (Section t : tables) {
      md.append("\n").append(t.caption()).append("\n\n").append(t.table().markdown());
    }
    Path file = dir.resolve("summary.md");
    Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
    written.add(0, file);
    return written;
  }

  /** The axis to plot along: width if swept, else the first numeric axis; null if none. */
  static String xAxis(Table t) {
    List<String> numeric = new ArrayList<>();
    for (String c : axes(t)) {
      if (!t.rows().isEmpty() && t.rows().get(0).get(t.column(c)) instanceof Number) {
        numeric.add(c);
      }
    }
    if (numeric.contains("width")) {
      return "width";
    }
    return numeric.isEmpty() ? null : numeric.get(0);
  }

  static List<String> axes(Table t) {
    return t.columns().stream().filter(c -> !MEASURES.contains(c)).toList();
  }

  static List<Series> series(Table t, String x, String y) {
    List<String> others = axes(t).stream().filter(c -> !c.equals(x)).toList();
    Map<String, List<List<Object>>> groups = new LinkedHashMap<>();
    for (List<Object> row : t.rows()) {
      List<String> parts = new ArrayList<>();
      for (String o : others) {
        parts.add(o + "=" + Table.format(row.get(t.column(o))));
      }
      groups
          .computeIfAbsent(parts.isEmpty() ? y : String.join(", ", parts), k -> new ArrayList<>())
          .add(row);
    }
    int ix = t.column(x);
    int iy = t.column(y);
    int isd = t.column(y + "_sd");
    List<Series> out = new ArrayList<>();
    groups.forEach(
        (name, rows) -> {
          List<List<Object>> sorted = new ArrayList<>(rows);
          sorted.sort((a, b) -> Double.compare(value(a, ix), value(b, ix)));
          out.add(
              new Series(
                  name,
                  sorted.stream().map(r -> value(r, ix)).toList(),
                  sorted.stream().map(r -> value(r, iy)).toList(),
                  sorted.stream().map(r -> isd < 0 ? Double.NaN : value(r, isd)).toList()));
        });
    return out;
  }

  private static boolean logScale(Table t, String x) {
    int ix = t.column(x);
    double min = t.rows().stream().mapToDouble(r -> value(r, ix)).min().orElse(1);
    double max = t.rows().stream().mapToDouble(r -> value(r, ix)).max().orElse(1);
    return min > 0 && max / min >= 8;
  }

  private static double value(List<Object> row, int column) {
    Object v = column < 0 ? null : row.get(column);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /**
   * A sort key for a group name such as {@code "train_size=512, width=8"} that orders the numbers
   * in it by value (512 before 2048), not as text.
   */
  static String groupKey(String group) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+(\\.\\d+)?").matcher(group);
    StringBuilder key = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          key, String.format(java.util.Locale.ROOT, "%024.6f", Double.parseDouble(m.group())));
    }
    m.appendTail(key);
    return key.toString();
  }
}
