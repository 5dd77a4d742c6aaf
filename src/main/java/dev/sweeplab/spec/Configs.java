package dev.sweeplab.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An explicit list of configurations ({@code configs:} in a spec, or {@code --configs FILE}): JSON
 * Lines, one object of run keys per line, each overriding the spec's values. It is how an external
 * optimiser (Optuna's ask/tell, Ray Tune) proposes the runs of a sweep. Keys are written as paths
 * ({@code training.learning_rate}) or as the columns of the {@code runs} table ({@code
 * learning_rate}); blank lines are skipped.
 */
final class Configs {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Configs() {}

  /**
   * One configuration as written.
   *
   * @param where how errors name it: "configs.jsonl line 3"
   * @param values key as written → raw value
   */
  record Line(String where, Map<?, ?> values) {}

  /**
   * The spec's {@code configs} value: a file path (relative to {@code dir}) or a list of mappings.
   */
  static List<Line> of(Object raw, Path dir) {
    if (raw instanceof String file) {
      if (file.isBlank()) {
        // Resolved against the spec's directory, a blank path would name the directory itself.
        throw UserError.of(
            SpecKeys.CONFIGS.path()
                + " = "
                + UserError.show(file)
                + " names no file: give the path of a JSON Lines file (one object of run keys per"
                + " line), or leave "
                + SpecKeys.CONFIGS.path()
                + " out for a plain grid");
      }
      return read((dir == null ? Path.of("") : dir).resolve(file));
    }
    if (raw instanceof List<?> list && !list.isEmpty()) {
      List<Line> lines = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        String where = SpecKeys.CONFIGS.path() + " item " + (i + 1);
        if (!(list.get(i) instanceof Map<?, ?> map)) {
          throw UserError.wrongType(where, list.get(i), "a mapping of run keys");
        }
        lines.add(new Line(where, map));
      }
      return lines;
    }
    throw UserError.wrongType(
        SpecKeys.CONFIGS.path(),
        raw,
        "the path of a JSON Lines file (one object of run keys per line), or a non-empty list of"
            + " mappings");
  }

  /** The configurations of the JSON Lines file {@code file}. */
  static List<Line> read(Path file) {
    if (file.toString().isBlank()) {
      throw UserError.of(
          "the configurations file '' names no file: give the path of a JSON Lines file (one"
              + " object of run keys per line)");
    }
    String text = SpecText.readText(file, "configurations file", "");
    List<Line> lines = new ArrayList<>();
    String[] rows = text.split("\r?\n", -1);
    for (int n = 0; n < rows.length; n++) {
      String row = rows[n].strip();
      if (row.isEmpty()) {
        continue;
      }
      String where = file + " line " + (n + 1);
      Object value;
      try {
        value = JSON.readValue(row, Object.class);
      } catch (JsonProcessingException e) {
        throw UserError.of(
            where + " is not valid JSON: " + e.getOriginalMessage() + "; give one object per line");
      }
      if (!(value instanceof Map<?, ?> map)) {
        throw UserError.wrongType(where, value, "a JSON object of run keys");
      }
      lines.add(new Line(where, map));
    }
    if (lines.isEmpty()) {
      throw UserError.of(
          "configurations file '"
              + file
              + "' holds no configurations: give one JSON object of run keys per line, e.g."
              + " {\"training.learning_rate\": 0.01}");
    }
    return lines;
  }

  /**
   * The points of {@code lines}: each line's keys typed and checked, every point naming every key
   * any line sets (the spec's value where a line leaves it out). A key must be one a sweep may vary
   * ({@link Key#axis()}) and not an axis of the spec; two lines may not give the same
   * configuration.
   */
  static List<Map<Key, Object>> resolve(List<Line> lines, Map<Key, List<Object>> values) {
    List<Map<Key, Object>> given = new ArrayList<>();
    Set<Key> named = new TreeSet<>((a, b) -> SpecKeys.RUN.indexOf(a) - SpecKeys.RUN.indexOf(b));
    for (Line line : lines) {
      Map<Key, Object> point = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : line.values().entrySet()) {
        String written = String.valueOf(e.getKey());
        Key key = key(line.where(), written);
        if (point.containsKey(key)) {
          throw UserError.of(
              line.where() + " names " + key.path() + " twice (as a path and as its column)");
        }
        if (values.get(key).size() > 1) {
          throw UserError.of(
              line.where()
                  + " sets "
                  + key.path()
                  + ", which the spec sweeps as an axis "
                  + values.get(key)
                  + ": give it one value in the spec, which a line's value then replaces");
        }
        if (e.getValue() instanceof List || e.getValue() instanceof Map) {
          throw UserError.wrongType(
              line.where() + ": " + key.path(), e.getValue(), key.type().noun());
        }
        try {
          point.put(key, Values.one(key, e.getValue()));
        } catch (UserError bad) {
          throw UserError.of(line.where() + ": " + bad.getMessage());
        }
      }
      named.addAll(point.keySet());
      given.add(point);
    }
    List<Map<Key, Object>> points = new ArrayList<>();
    Map<Map<Key, Object>, String> seen = new HashMap<>();
    for (int i = 0; i < given.size(); i++) {
      Map<Key, Object> point = new LinkedHashMap<>();
      for (Key key : named) {
        point.put(key, given.get(i).getOrDefault(key, values.get(key).get(0)));
      }
      String first = seen.putIfAbsent(point, lines.get(i).where());
      if (first != null) {
        throw UserError.of(
            lines.get(i).where()
                + " repeats the configuration of "
                + first
                + " (the same run): remove one of them");
      }
      points.add(point);
    }
    return points;
  }

  /** The run key a line names by path or by column; unknown or fixed keys are refused. */
  private static Key key(String where, String written) {
    Key key = null;
    for (Key k : SpecKeys.RUN) {
      if (k.path().equals(written) || k.column().equals(written)) {
        key = k;
      }
    }
    if (key == null) {
      List<String> accepted = new ArrayList<>();
      for (Key k : SpecKeys.RUN) {
        if (k.axis()) {
          accepted.add(k.path());
        }
      }
      String nearest = Nearest.of(written, accepted);
      if (nearest == null) {
        List<String> columns = SpecKeys.RUN.stream().filter(Key::axis).map(Key::column).toList();
        nearest = Nearest.of(written, columns);
      }
      throw UserError.of(
          where
              + ": unknown key '"
              + written
              + "'."
              + Nearest.hint(nearest)
              + " Accepted: the run keys a sweep may vary, as paths or columns: "
              + String.join(", ", accepted)
              + ".");
    }
    if (!key.axis()) {
      throw UserError.of(
          where
              + " sets "
              + key.path()
              + ", which takes one value for the whole sweep (it cannot be swept): set it in the"
              + " spec");
    }
    return key;
  }
}
