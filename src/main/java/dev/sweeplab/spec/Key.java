package dev.sweeplab.spec;

import java.util.List;
import java.util.function.Predicate;

/**
 * One knob of a sweep spec: its YAML path, its column name in the tables, type, default, whether it
 * may be swept (an axis), the rule its values obey, and a one-line description.
 *
 * @param path dotted YAML path, e.g. {@code model.width}
 * @param column the column name in {@code runs} and the key in a run's canonical JSON
 * @param type value type
 * @param defaultValue value used when the spec does not name the key (null: required)
 * @param axis whether a list, range or log-range may be given instead of one value
 * @param rule what every value must satisfy
 * @param description one line for help and error messages
 */
public record Key(
    String path,
    String column,
    Type type,
    Object defaultValue,
    boolean axis,
    Rule rule,
    String description) {

  /** Value types a key can hold. */
  public enum Type {
    INT("an integer"),
    LONG("an integer"),
    DOUBLE("a number"),
    STRING("text");

    private final String noun;

    Type(String noun) {
      this.noun = noun;
    }

    /** How an error message names this type. */
    public String noun() {
      return noun;
    }
  }

  /** A check on one value and the words that state it ("must be >= 1"). */
  public record Rule(Predicate<Object> test, String text) {
    static Rule atLeast(long min) {
      return new Rule(v -> ((Number) v).doubleValue() >= min, "must be >= " + min);
    }

    static Rule positive() {
      return new Rule(
          v -> ((Number) v).doubleValue() > 0 && Double.isFinite(((Number) v).doubleValue()),
          "must be a finite number > 0");
    }

    static Rule nonNegative() {
      return new Rule(
          v -> ((Number) v).doubleValue() >= 0 && Double.isFinite(((Number) v).doubleValue()),
          "must be a finite number >= 0");
    }

    /** One of {@code values}; an empty value means "none" and is what leaving the key out gives. */
    static Rule oneOf(String... values) {
      List<String> allowed = List.of(values);
      List<String> named = allowed.stream().filter(v -> !v.isEmpty()).toList();
      String none = named.size() < allowed.size() ? " (or left out, for none)" : "";
      return new Rule(allowed::contains, "must be one of " + String.join(", ", named) + none);
    }

    static Rule matches(String regex, String what) {
      return new Rule(v -> ((String) v).matches(regex), "must be " + what);
    }

    static Rule any() {
      return new Rule(v -> true, "");
    }
  }

  /** The section part of the path ("model" for "model.width"), or "" for top-level keys. */
  public String section() {
    int dot = path.indexOf('.');
    return dot < 0 ? "" : path.substring(0, dot);
  }

  /** The last part of the path ("width" for "model.width"). */
  public String leaf() {
    return path.substring(path.indexOf('.') + 1);
  }

  /** Checks one already-typed value against the rule. */
  public Object check(Object value) {
    if (!rule.test().test(value)) {
      throw UserError.badValue(path, value, rule.text());
    }
    return value;
  }
}
