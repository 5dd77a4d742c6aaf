package dev.sweeplab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small result table (a query's rows) and its rendering as a Markdown table with aligned columns,
 * readable both on a console and in a rendered summary.
 */
public record Table(List<String> columns, List<List<Object>> rows) {
  public Table {
    columns = List.copyOf(columns);
    List<List<Object>> copy = new ArrayList<>();
    for (List<Object> row : rows) {
      if (row.size() != columns.size()) {
        throw new IllegalArgumentException("row " + row + " does not match columns " + columns);
      }
      copy.add(java.util.Collections.unmodifiableList(new ArrayList<>(row)));
    }
    rows = List.copyOf(copy);
  }

  /** Index of a column, or -1. */
  public int column(String name) {
    return columns.indexOf(name);
  }

  /** The columns {@code names} that this table has, in that order, with every row. */
  public Table select(List<String> names) {
    List<String> kept = names.stream().distinct().filter(columns::contains).toList();
    int[] at = kept.stream().mapToInt(columns::indexOf).toArray();
    List<List<Object>> out = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      List<Object> r = new ArrayList<>(at.length);
      for (int c : at) {
        r.add(row.get(c));
      }
      out.add(r);
    }
    return new Table(kept, out);
  }

  /** The Markdown table, columns padded to equal width. */
  public String markdown() {
    int n = columns.size();
    List<String[]> cells = new ArrayList<>();
    cells.add(columns.toArray(new String[0]));
    for (List<Object> row : rows) {
      String[] r = new String[n];
      for (int c = 0; c < n; c++) {
        r[c] = format(row.get(c));
      }
      cells.add(r);
    }
    int[] width = new int[n];
    for (String[] r : cells) {
      for (int c = 0; c < n; c++) {
        width[c] = Math.max(width[c], r[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      line(out, cells.get(i), width);
      if (i == 0) {
        String[] rule = new String[n];
        for (int c = 0; c < n; c++) {
          rule[c] = "-".repeat(width[c]);
        }
        line(out, rule, width);
      }
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String[] cells, int[] width) {
    out.append('|');
    for (int c = 0; c < cells.length; c++) {
      out.append(' ')
          .append(cells[c])
          .append(" ".repeat(width[c] - cells[c].length()))
          .append(" |");
    }
    out.append('\n');
  }

  /** Numbers with at most four significant decimals; nulls and NaN as blanks. */
  static String format(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d) {
      if (d.isNaN()) {
        return "";
      }
      if (d == Math.rint(d) && Math.abs(d) < 1e9) {
        return String.valueOf(d.longValue());
      }
      return String.format(Locale.ROOT, "%.4g", d);
    }
    return String.valueOf(v);
  }
}
