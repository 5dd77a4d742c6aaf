package dev.sweeplab.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RunTimeoutSpecTest {
  static SweepSpec withTimeout(String yamlValue) {
    return SpecParser.parse("name: t\nlimits: {run_timeout: " + yamlValue + "}\n", "t.yaml");
  }

  @Test
  void durationsInSecondsMinutesAndHours() {
    assertEquals(0, SpecParser.parse("name: t\n", "t.yaml").runTimeoutMs(), "no limit by default");
    assertEquals(0, withTimeout("none").runTimeoutMs());
    assertEquals(90_000, withTimeout("90").runTimeoutMs(), "a plain number is seconds");
    assertEquals(1_500, withTimeout("1.5").runTimeoutMs());
    assertEquals(90_000, withTimeout("90s").runTimeoutMs());
    assertEquals(1_800_000, withTimeout("30m").runTimeoutMs());
    assertEquals(5_400_000, withTimeout("1.5h").runTimeoutMs());
  }

  @Test
  void theLimitIsRecordedButIsNotPartOfARunsIdentity() {
    SweepSpec limited = withTimeout("30m");
    SweepSpec free = SpecParser.parse("name: t\n", "t.yaml");
    assertTrue(limited.canonicalJson().contains("\"limits.run_timeout\":\"30m\""));
    assertEquals(limited, SpecParser.fromCanonicalJson(limited.canonicalJson()));
    assertEquals(free.expand().get(0).runId(), limited.expand().get(0).runId());
  }

  @Test
  void aMalformedDurationNamesTheKeyAndTheAcceptedForms() {
    UserError e = assertThrows(UserError.class, () -> withTimeout("'ten minutes'"));
    assertTrue(e.getMessage().contains("limits.run_timeout"), e.getMessage());
    assertTrue(e.getMessage().contains("ten minutes"), e.getMessage());
    assertTrue(e.getMessage().contains("30m"), e.getMessage());
    assertThrows(UserError.class, () -> withTimeout("-5"));
  }
}
