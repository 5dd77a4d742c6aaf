package dev.sweeplab.spec;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An error a person can act on: bad spec, bad option, bad data file, unwritable path. Each message
 * states the problem, the value, and what would be accepted. The CLI prints it as one paragraph and
 * exits with code 2; everything else is an internal error, whose stack trace goes to a log file.
 *
 * <p>This class is the one factory of user-facing errors.
 */
public final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private UserError(String message, Throwable cause) {
    super(message, cause);
  }

  /** A free-form message; prefer the specific factories below. */
  public static UserError of(String message) {
    return new UserError(message, null);
  }

  /** A value that breaks a rule: "model.width must be >= 1, found 0". */
  public static UserError badValue(String path, Object value, String rule) {
    return new UserError(path + " " + rule + ", found " + show(value), null);
  }

  /** A value of the wrong type. */
  public static UserError wrongType(String path, Object value, String expected) {
    String type = value == null ? "" : " (" + typeName(value) + ")";
    return new UserError(path + " must be " + expected + ", found " + show(value) + type, null);
  }

  /**
   * A key written with no value ({@code name:}, {@code name: ~} or {@code name: null}, which YAML
   * reads as null): a required key says it is required, any other what to give or that leaving it
   * out gives its default.
   */
  static UserError noValue(Key key) {
    String give = key.type().noun() + (key.rule().text().isEmpty() ? "" : " that " + rule(key));
    if (key.defaultValue() == null) {
      return new UserError(
          key.path() + " is required, found no value (YAML null): give " + give, null);
    }
    return new UserError(
        key.path()
            + " has no value (YAML null): give "
            + give
            + ", or leave the key out for its default "
            + show(key.defaultValue()),
        null);
  }

  /** The rule's words after "must": "must be >= 1" gives "is >= 1". */
  private static String rule(Key key) {
    String text = key.rule().text();
    return text.startsWith("must be ") ? "is " + text.substring("must be ".length()) : text;
  }

  /** A key nobody knows, with the nearest known key suggested. */
  public static UserError unknownKey(String path, Collection<String> accepted) {
    return unknownKey(path, accepted, List.of());
  }

  /**
   * A key unknown where it was written; {@code elsewhere} are the full paths of keys of that name
   * in other sections (or the top level), suggested instead of the nearest local key when there are
   * any: "unknown key 'epochs'. Did you mean 'training.epochs' (training: {epochs: ...})?".
   */
  static UserError unknownKey(String path, Collection<String> accepted, List<String> elsewhere) {
    String leaf = path.substring(path.lastIndexOf('.') + 1);
    String nearest = Nearest.of(leaf, accepted);
    String hint = Nearest.hint(nearest);
    if (!elsewhere.isEmpty()) {
      hint =
          " Did you mean "
              + elsewhere.stream()
                  .sorted()
                  .map(UserError::whereWritten)
                  .collect(Collectors.joining(" or "))
              + "?";
    }
    return new UserError(
        "unknown key '"
            + path
            + "'."
            + hint
            + " Accepted here: "
            + accepted.stream().sorted().collect(Collectors.joining(", "))
            + ".",
        null);
  }

  /** A required key that is absent. */
  public static UserError missing(String path, String what) {
    return new UserError("missing required key '" + path + "': " + what, null);
  }

  /** An I/O failure wrapped with the path and what was being done. */
  /** No sweep called {@code sweep} in the warehouse at {@code root}, which has {@code known}. */
  public static UserError unknownSweep(String sweep, String root, Collection<String> known) {
    return of(
        "no sweep named '"
            + sweep
            + "' in warehouse '"
            + root
            + "'; it has: "
            + (known.isEmpty() ? "none" : String.join(", ", known)));
  }

  public static UserError io(String doing, String path, Throwable cause) {
    String why = cause == null ? "" : ": " + cause.getMessage();
    return new UserError("could not " + doing + " '" + path + "'" + why, cause);
  }

  /** A key path and how it is written: "'training.epochs' (training: {epochs: ...})". */
  private static String whereWritten(String path) {
    int dot = path.indexOf('.');
    String how =
        dot < 0
            ? "at the top level"
            : path.substring(0, dot) + ": {" + path.substring(dot + 1) + ": ...}";
    return "'" + path + "' (" + how + ")";
  }

  static String show(Object value) {
    if (value == null) {
      return "nothing (null)";
    }
    if (value instanceof String s) {
      return "'" + s + "'";
    }
    return String.valueOf(value);
  }

  private static String typeName(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof java.util.Map) {
      return "a mapping";
    }
    if (value instanceof java.util.List) {
      return "a list";
    }
    if (value instanceof String) {
      return "text";
    }
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof java.math.BigInteger) {
      return "an integer";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    return value.getClass().getSimpleName();
  }
}
