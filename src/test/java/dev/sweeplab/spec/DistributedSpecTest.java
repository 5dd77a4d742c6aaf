package dev.sweeplab.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DistributedSpecTest {
  static SweepSpec withThreshold(String yamlValue) {
    return SpecParser.parse("name: t\nlimits: {distributed_above: " + yamlValue + "}\n", "t.yaml");
  }

  @Test
  void aThresholdIsANumberInAnyNotationOrNone() {
    RunConfig run = SpecParser.parse("name: t\n", "t.yaml").expand().get(0);
    assertFalse(SpecParser.parse("name: t\n", "t.yaml").distributed(run), "none by default");
    assertFalse(withThreshold("none").distributed(run));
    assertTrue(withThreshold("0").distributed(run));
    assertTrue(withThreshold("2e9").distributed(run), "cost " + run.cost());
    assertFalse(withThreshold("2e15").distributed(run));
    assertFalse(withThreshold("2.0e+15").distributed(run), "YAML reads this one as a number");
    assertEquals("2.0E15", withThreshold("2.0e+15").distributedAbove());
    assertEquals(0, withThreshold("none").distributedWorkers());
  }

  @Test
  void theThresholdIsRecordedButIsNotPartOfARunsIdentity() {
    SweepSpec distributed =
        SpecParser.parse(
            "name: t\nlimits: {distributed_above: 1e12, distributed_workers: 4}\n", "t.yaml");
    SweepSpec plain = SpecParser.parse("name: t\n", "t.yaml");
    assertTrue(distributed.canonicalJson().contains("\"limits.distributed_above\":\"1.0E12\""));
    assertTrue(distributed.canonicalJson().contains("\"limits.distributed_workers\":4"));
    assertEquals(distributed, SpecParser.fromCanonicalJson(distributed.canonicalJson()));
    assertEquals(plain.expand().get(0).runId(), distributed.expand().get(0).runId());
  }

  @Test
  void aMalformedThresholdNamesTheKeyAndTheAcceptedForms() {
    UserError e = assertThrows(UserError.class, () -> withThreshold("huge"));
    assertTrue(e.getMessage().contains("limits.distributed_above"), e.getMessage());
    assertTrue(e.getMessage().contains("huge"), e.getMessage());
    assertTrue(e.getMessage().contains("2e12"), e.getMessage());
    assertThrows(UserError.class, () -> withThreshold("-5"));
    assertThrows(
        UserError.class,
        () -> SpecParser.parse("name: t\nlimits: {distributed_workers: -1}\n", "t.yaml"));
  }
}
