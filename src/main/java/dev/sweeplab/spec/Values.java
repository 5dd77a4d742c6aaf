package dev.sweeplab.spec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the raw YAML value of a key into its typed values: one value, a list, {@code {range: [a,
 * b], step: s}} (a, a+s, ... up to b inclusive) or {@code {log2: [a, b], points: k}} (k values
 * evenly spaced in log2 from a to b inclusive; rounded and de-duplicated for integer keys).
 */
final class Values {
  private static final MathContext TWELVE_DIGITS = new MathContext(12);
  private static final int MAX_AXIS = 100_000;

  private Values() {}

  /** The values of {@code key} given as {@code raw}; a one-element list for a plain value. */
  static List<Object> parse(Key key, Object raw) {
    if (raw instanceof List<?> list) {
      requireAxis(key, raw);
      if (list.isEmpty()) {
        throw UserError.badValue(key.path(), "[]", "is an empty list: give at least one value");
      }
      List<Object> values = new ArrayList<>();
      for (Object item : list) {
        if (item instanceof List || item instanceof Map) {
          throw UserError.wrongType(key.path(), item, key.type().noun() + " inside the list");
        }
        values.add(one(key, item));
      }
      return distinct(key, values, true);
    }
    if (raw instanceof Map<?, ?> map) {
      requireAxis(key, raw);
      return generated(key, map);
    }
    return List.of(one(key, raw));
  }

  /** One typed, checked value. */
  static Object one(Key key, Object raw) {
    if (raw == null) {
      throw UserError.noValue(key);
    }
    Object value =
        switch (key.type()) {
          case STRING -> {
            if (!(raw instanceof String s)) {
              String hint = raw instanceof Number || raw instanceof Boolean ? " in quotes" : "";
              throw UserError.wrongType(key.path(), raw, "text" + hint);
            }
            yield s;
          }
          case INT -> {
            long v = integer(key, raw);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
              throw UserError.badValue(key.path(), raw, "must fit in a 32-bit integer");
            }
            yield (int) v;
          }
          case LONG -> integer(key, raw);
          case DOUBLE -> {
            if (!(raw instanceof Number n)) {
              throw UserError.wrongType(key.path(), raw, "a number");
            }
            yield n.doubleValue();
          }
        };
    return key.check(value);
  }

  private static long integer(Key key, Object raw) {
    if (raw instanceof Integer || raw instanceof Long) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof BigInteger b) {
      if (b.bitLength() <= 63) {
        return b.longValue();
      }
      String bits = key.type() == Key.Type.INT ? "32" : "64";
      throw UserError.badValue(key.path(), raw, "must fit in a " + bits + "-bit integer");
    }
    if (raw instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return d.longValue();
    }
    throw UserError.wrongType(key.path(), raw, "an integer");
  }

  private static void requireAxis(Key key, Object raw) {
    if (!key.axis()) {
      throw UserError.badValue(
          key.path(), raw, "takes one value, not a list or a range (it cannot be swept)");
    }
    if (key.type() == Key.Type.STRING && raw instanceof Map) {
      throw UserError.badValue(key.path(), raw, "takes one value or a list of values");
    }
  }

  private static List<Object> generated(Key key, Map<?, ?> map) {
    String path = key.path();
    if (map.containsKey("range")) {
      expectKeys(path, map, "range", "step");
      double[] ends = pair(path + ".range", map.get("range"));
      Object stepRaw = map.get("step");
      if (!(stepRaw instanceof Number step)
          || !(step.doubleValue() > 0)
          || !Double.isFinite(step.doubleValue())) {
        throw UserError.badValue(path + ".step", stepRaw, "must be a finite number > 0");
      }
      if (ends[1] < ends[0]) {
        throw UserError.badValue(
            path + ".range", map.get("range"), "must be [low, high] with low <= high");
      }
      double s = step.doubleValue();
      // Checked as a double: a huge span would overflow the long count and wrap to an empty axis.
      double span = Math.floor((ends[1] - ends[0]) / s + 1e-9);
      if (span >= MAX_AXIS) {
        throw UserError.badValue(path, map, "must have at most " + MAX_AXIS + " values");
      }
      long count = (long) span + 1;
      List<Object> values = new ArrayList<>();
      for (long i = 0; i < count; i++) {
        values.add(typed(key, round(ends[0] + i * s)));
      }
      return distinct(key, values, false);
    }
    if (map.containsKey("log2")) {
      expectKeys(path, map, "log2", "points");
      double[] ends = pair(path + ".log2", map.get("log2"));
      Object pointsRaw = map.get("points");
      if (!(pointsRaw instanceof Integer points) || points < 2) {
        throw UserError.badValue(path + ".points", pointsRaw, "must be an integer >= 2");
      }
      if (ends[0] <= 0 || ends[1] < ends[0]) {
        throw UserError.badValue(
            path + ".log2", map.get("log2"), "must be [low, high] with 0 < low <= high");
      }
      checkSize(path, points);
      double lo = Math.log(ends[0]) / Math.log(2);
      double hi = Math.log(ends[1]) / Math.log(2);
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < points; i++) {
        double v = Math.pow(2, lo + (hi - lo) * i / (points - 1));
        values.add(typed(key, key.type() == Key.Type.DOUBLE ? round(v) : Math.rint(v)));
      }
      return distinct(key, values, false);
    }
    throw UserError.badValue(
        path, map, "as a mapping must be {range: [a, b], step: s} or {log2: [a, b], points: k}");
  }

  /** Integer keys reject fractional generated values (a fractional step), never truncate. */
  private static Object typed(Key key, double v) {
    return one(key, v);
  }

  private static void expectKeys(String path, Map<?, ?> map, String... keys) {
    Set<String> allowed = Set.of(keys);
    for (Object k : map.keySet()) {
      if (!allowed.contains(String.valueOf(k))) {
        throw UserError.unknownKey(path + "." + k, allowed);
      }
    }
    for (String k : keys) {
      if (!map.containsKey(k)) {
        throw UserError.missing(
            path + "." + k, "a " + keys[0] + " needs both " + String.join(" and ", keys));
      }
    }
  }

  private static double[] pair(String path, Object raw) {
    if (raw instanceof List<?> l
        && l.size() == 2
        && l.get(0) instanceof Number a
        && l.get(1) instanceof Number b
        && Double.isFinite(a.doubleValue())
        && Double.isFinite(b.doubleValue())) {
      return new double[] {a.doubleValue(), b.doubleValue()};
    }
    throw UserError.wrongType(path, raw, "a list of two finite numbers [low, high]");
  }

  private static void checkSize(String path, long count) {
    if (count > MAX_AXIS) {
      throw UserError.badValue(
          path, count + " values", "must have at most " + MAX_AXIS + " values");
    }
  }

  /** Twelve significant digits, so 0.1 + 0.2 is recorded as 0.3. */
  private static double round(double v) {
    return v == 0 ? 0 : new BigDecimal(v).round(TWELVE_DIGITS).doubleValue();
  }

  /** Drops repeats; an explicit list with a repeat is a mistake worth reporting. */
  private static List<Object> distinct(Key key, List<Object> values, boolean strict) {
    Set<Object> seen = new LinkedHashSet<>(values);
    if (seen.size() != values.size() && strict) {
      throw UserError.badValue(key.path(), values, "lists a value twice");
    }
    return List.copyOf(seen);
  }
}
