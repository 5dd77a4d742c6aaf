package dev.sweeplab.spec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a random search draws one run key from: {@code {uniform: [a, b]}}, {@code {log_uniform: [a,
 * b]}} (number keys), {@code {int_uniform: [a, b]}}, {@code {int_log_uniform: [a, b]}} (integer
 * keys, both ends included) or {@code {choice: [v1, v2, ...]}} (any key that may be swept). A draw
 * is a pure function of a number u in [0, 1), so the search that supplies u decides the randomness
 * and a distribution only maps it.
 *
 * @param key the run key drawn
 * @param kind one of {@link #KINDS}
 * @param low the range's lower end (unused for choice)
 * @param high the range's upper end (unused for choice)
 * @param choices the values of a choice, typed and checked (empty for a range)
 */
public record Distribution(Key key, String kind, double low, double high, List<Object> choices) {
  /** The distributions, in the order the documentation lists them. */
  static final List<String> KINDS =
      List.of("uniform", "log_uniform", "int_uniform", "int_log_uniform", "choice");

  /** Significant digits a drawn number keeps, so a run's configuration reads as typed. */
  private static final MathContext SIX_DIGITS = new MathContext(6);

  public Distribution {
    choices = List.copyOf(choices);
  }

  /**
   * Whether {@code map} is meant as a distribution rather than a range ({@code range}, {@code
   * log2}).
   */
  static boolean meant(Map<?, ?> map) {
    return !map.containsKey("range") && !map.containsKey("log2");
  }

  /**
   * The distribution {@code map} gives for {@code key}, checked against the key's type and rule.
   */
  static Distribution parse(Key key, Map<?, ?> map) {
    String path = key.path();
    if (!key.axis()) {
      throw UserError.badValue(
          path, map, "takes one value, not a list or a range (it cannot be swept)");
    }
    if (map.size() != 1) {
      throw UserError.badValue(
          path,
          map,
          "as a mapping must be {range: [a, b], step: s} or {log2: [a, b], points: k}, or one"
              + " distribution of a random search: {"
              + String.join(": ...}, {", KINDS)
              + ": ...}");
    }
    String kind = String.valueOf(map.keySet().iterator().next());
    Object raw = map.values().iterator().next();
    if (!KINDS.contains(kind)) {
      List<String> accepted = new ArrayList<>(KINDS);
      accepted.addAll(List.of("range", "log2"));
      String nearest = Nearest.of(kind, accepted);
      throw UserError.of(
          "unknown distribution '"
              + kind
              + "' for "
              + path
              + "."
              + Nearest.hint(nearest)
              + " Accepted: "
              + String.join(", ", KINDS)
              + " (a random search), or range, log2 (a grid axis).");
    }
    String at = path + "." + kind;
    if (kind.equals("choice")) {
      return choice(key, at, raw);
    }
    boolean integers = kind.startsWith("int_");
    Key.Type wanted = integers ? Key.Type.INT : Key.Type.DOUBLE;
    if (key.type() != wanted) {
      String use =
          key.type() == Key.Type.INT
              ? "int_uniform, int_log_uniform or choice"
              : key.type() == Key.Type.DOUBLE ? "uniform, log_uniform or choice" : "choice";
      throw UserError.badValue(
          path,
          map,
          "holds " + key.type().noun() + ", which " + kind + " does not draw: use " + use);
    }
    if (!(raw instanceof List<?> ends)
        || ends.size() != 2
        || !(ends.get(0) instanceof Number a)
        || !(ends.get(1) instanceof Number b)
        || !Double.isFinite(a.doubleValue())
        || !Double.isFinite(b.doubleValue())) {
      throw UserError.wrongType(at, raw, "a list of two finite numbers [low, high]");
    }
    double lo = a.doubleValue();
    double hi = b.doubleValue();
    boolean log = kind.contains("log");
    if (log && lo <= 0) {
      throw UserError.badValue(
          at, raw, "starts at or below 0, where log has no value: give [low, high] with 0 < low");
    }
    if (integers && lo == hi && lo == Math.rint(lo)) {
      throw UserError.badValue(
          at,
          raw,
          "holds one integer, "
              + (long) lo
              + ": give it as a plain value ("
              + key.path()
              + ": "
              + (long) lo
              + "), or [low, high] with low < high to draw");
    }
    if (!(lo < hi)) {
      throw UserError.badValue(at, raw, "is an empty range: give [low, high] with low < high");
    }
    if (integers && (lo != Math.rint(lo) || hi != Math.rint(hi))) {
      throw UserError.badValue(at, raw, "must be [low, high] with integer ends");
    }
    for (Number end : List.of(a, b)) {
      try {
        Values.one(key, integers ? (Object) exactInteger(end) : end.doubleValue());
      } catch (UserError e) {
        throw UserError.of(
            at
                + " = "
                + raw
                + " reaches a value the key refuses (every draw lies in [low, high]): "
                + e.getMessage());
      }
    }
    return new Distribution(key, kind, lo, hi, List.of());
  }

  /**
   * An integer end as written, however large ({@code longValue} would wrap 2^64 + 1 to 1), for the
   * key's own range check.
   */
  private static BigInteger exactInteger(Number end) {
    if (end instanceof BigInteger b) {
      return b;
    }
    if (end instanceof Integer || end instanceof Long) {
      return BigInteger.valueOf(end.longValue());
    }
    return new BigDecimal(end.doubleValue()).toBigInteger(); // integral, checked above
  }

  private static Distribution choice(Key key, String at, Object raw) {
    if (!(raw instanceof List<?> list)) {
      throw UserError.wrongType(at, raw, "a list of values");
    }
    if (list.isEmpty()) {
      throw UserError.badValue(at, list, "is an empty choice: give at least one value");
    }
    List<Object> values = new ArrayList<>();
    for (Object item : list) {
      if (item instanceof List || item instanceof Map) {
        throw UserError.wrongType(at, item, key.type().noun() + " inside the list");
      }
      values.add(Values.one(key, item));
    }
    Set<Object> distinct = new LinkedHashSet<>(values);
    if (distinct.size() != values.size()) {
      throw UserError.badValue(at, values, "lists a value twice");
    }
    return new Distribution(key, "choice", 0, 0, values);
  }

  /**
   * The value at {@code u} in [0, 1): uniform a + u (b - a); log_uniform a (b / a)^u; int_uniform a
   * + floor(u (b - a + 1)); int_log_uniform exp of a uniform draw on [ln(a - 1/2), ln(b + 1/2)]
   * rounded to the nearest integer (as Optuna's IntDistribution(log=True) draws), so each integer
   * has the log-width of its rounding interval; choice the floor(u n)-th value. Numbers keep six
   * significant digits and stay in [a, b]. StrictMath gives the same bits on every JVM and CPU, so
   * a draw, and the run_id it goes into, is the same everywhere.
   */
  Object draw(double u) {
    if (kind.equals("choice")) {
      return choices.get((int) Math.min(choices.size() - 1, Math.floor(u * choices.size())));
    }
    double v =
        switch (kind) {
          case "uniform" -> low + u * (high - low);
          case "log_uniform" ->
              StrictMath.exp(
                  StrictMath.log(low) + u * (StrictMath.log(high) - StrictMath.log(low)));
          case "int_uniform" -> low + Math.floor(u * (high - low + 1));
          case "int_log_uniform" -> {
            double lo = StrictMath.log(low - 0.5);
            yield Math.rint(StrictMath.exp(lo + u * (StrictMath.log(high + 0.5) - lo)));
          }
          default -> throw new IllegalStateException("distribution " + kind);
        };
    boolean integers = kind.startsWith("int_");
    if (!integers) {
      v = new BigDecimal(v).round(SIX_DIGITS).doubleValue();
    }
    v = Math.max(low, Math.min(high, v));
    return Values.one(key, integers ? (Object) (long) v : v);
  }

  /** The distribution as the spec writes it: {@code {log_uniform: [0.0001, 0.1]}}. */
  Map<String, Object> spec() {
    Map<String, Object> spec = new LinkedHashMap<>();
    if (kind.equals("choice")) {
      spec.put(kind, choices);
    } else if (kind.startsWith("int_")) {
      spec.put(kind, List.of((long) low, (long) high));
    } else {
      spec.put(kind, List.of(low, high));
    }
    return spec;
  }

  /** "log_uniform [1.0E-4, 0.1]", for the plan. */
  String describe() {
    return kind + " " + spec().get(kind);
  }
}
