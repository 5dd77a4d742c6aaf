package dev.sweeplab.engine;

import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * How an analysis splits a sweep into curves: one group per combination of the swept axes that are
 * not the analysis axis itself. Driver-only.
 */
final class Groups {
  private Groups() {}

  /** Swept columns other than {@code excluded} (which may name "params" for width). */
  static List<String> columns(SweepSpec spec, Set<String> excluded) {
    List<String> columns = new ArrayList<>();
    for (Key axis : spec.axes()) {
      boolean isSize = axis == SpecKeys.WIDTH && excluded.contains("params");
      if (!excluded.contains(axis.column()) && !isSize) {
        columns.add(axis.column());
      }
    }
    return columns;
  }

  /** "label_noise=0.2, depth=1", or "all" when nothing else is swept. */
  static String name(Row row, List<String> columns) {
    if (columns.isEmpty()) {
      return "all";
    }
    List<String> parts = new ArrayList<>();
    for (String c : columns) {
      parts.add(c + "=" + row.getAs(c));
    }
    return String.join(", ", parts);
  }

  /**
   * The first columns of an analysis table: {@code sweep}, {@code group} and each group column with
   * its type in {@code runs}.
   */
  static StructType schemaHead(List<String> columns, StructType runs) {
    StructType s =
        new StructType()
            .add("sweep", DataTypes.StringType, false)
            .add("group", DataTypes.StringType, false);
    for (String c : columns) {
      s = s.add(c, runs.apply(c).dataType(), true);
    }
    return s;
  }

  /** The SQL list of the group columns, prefixed, with a trailing comma (or ""). */
  static String select(List<String> columns, String prefix) {
    StringBuilder s = new StringBuilder();
    for (String c : columns) {
      s.append(prefix).append(c).append(", ");
    }
    return s.toString();
  }

  /**
   * The groups met so far, numbered in order of first appearance: each one's name ({@link #name})
   * and its values of the group columns, for the rows an analysis writes.
   */
  static final class Index {
    private final List<String> columns;
    private final List<String> names = new ArrayList<>();
    private final List<List<Object>> values = new ArrayList<>();

    Index(List<String> columns) {
      this.columns = List.copyOf(columns);
    }

    /** The number of {@code row}'s group, registering it when it is new. */
    int of(Row row) {
      String name = columns.isEmpty() ? "" : Groups.name(row, columns);
      int group = names.indexOf(name);
      if (group < 0) {
        group = names.size();
        names.add(name);
        List<Object> v = new ArrayList<>();
        for (String c : columns) {
          v.add(row.getAs(c));
        }
        values.add(v);
      }
      return group;
    }

    /** The name of group {@code group}: "" when nothing else is swept. */
    String name(int group) {
      return names.get(group);
    }

    /** The values of group {@code group}'s columns, in the order of the columns. */
    List<Object> values(int group) {
      return values.get(group);
    }
  }
}
