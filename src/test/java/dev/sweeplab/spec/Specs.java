package dev.sweeplab.spec;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;

/** Helpers shared by the spec tests: parse YAML text, and assert on a {@link UserError}. */
final class Specs {
  static final String SOURCE = "spec.yaml";

  private Specs() {}

  /** Parses YAML lines joined with newlines. */
  static SweepSpec parse(String... lines) {
    return SpecParser.parse(String.join("\n", lines) + "\n", SOURCE);
  }

  /** Asserts that parsing the YAML lines fails with a {@link UserError}, and returns it. */
  static UserError parseFails(String... lines) {
    return fails(() -> parse(lines));
  }

  /** Asserts that {@code body} throws a {@link UserError}, and returns it. */
  static UserError fails(Executable body) {
    return assertThrows(UserError.class, body);
  }

  /** Asserts that the error's message contains every fragment, showing the message if not. */
  static void assertMessage(UserError error, String... fragments) {
    String message = error.getMessage();
    for (String fragment : fragments) {
      assertTrue(
          message.contains(fragment),
          () -> "expected the message to contain <" + fragment + "> but it was <" + message + ">");
    }
  }

  /** The values the spec holds for {@code key}. */
  static List<Object> values(SweepSpec spec, Key key) {
    return spec.values().get(key);
  }

  /** A map literal that keeps insertion order, for {@link SweepSpec#of}. */
  static Map<Key, List<?>> given(Object... keysAndValues) {
    Map<Key, List<?>> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((Key) keysAndValues[i], (List<?>) keysAndValues[i + 1]);
    }
    return map;
  }
}
