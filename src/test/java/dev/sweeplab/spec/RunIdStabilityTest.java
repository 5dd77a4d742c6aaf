package dev.sweeplab.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Run ids are published in tables and resume keys: a key added to the registry, left at its
 * default, must not change the id of any configuration that existed before it. The ids below are
 * the quickstart's and a muP scaling sweep's, pinned; they change only if the identity of an
 * existing configuration changes, which would orphan every staged and committed run.
 */
class RunIdStabilityTest {
  private static final String QUICKSTART =
      String.join(
          "\n",
          "name: quickstart",
          "seed: 2026",
          "repeats: 3",
          "dataset:",
          "  name: teacher_student",
          "  input_dim: 16",
          "  classes: 4",
          "  teacher_width: 32",
          "  train_size: [256, 1024, 4096]",
          "  test_size: 2048",
          "model:",
          "  width: {log2: [4, 256], points: 4}",
          "  depth: 2",
          "  activation: relu",
          "training:",
          "  optimizer: adam",
          "  learning_rate: 0.003",
          "  batch_size: 128",
          "  steps: 1000",
          "limits:",
          "  max_runs: 500");

  private static final String SCALING_MUP =
      String.join(
          "\n",
          "name: scaling_teacher",
          "seed: 11",
          "repeats: 2",
          "dataset:",
          "  name: teacher_student",
          "  input_dim: 32",
          "  classes: 10",
          "  teacher_width: 128",
          "  train_size: {log2: [512, 32768], points: 7}",
          "  test_size: 4096",
          "model:",
          "  width: {log2: [4, 256], points: 7}",
          "  depth: 2",
          "  parameterization: mup",
          "  base_width: 16",
          "training:",
          "  optimizer: adam",
          "  learning_rate: 0.003",
          "  batch_size: 128",
          "  steps: 2000",
          "  eval_points: 16");

  private static List<RunConfig> runs(String yaml) {
    return SpecParser.parse(yaml, "pinned").expand();
  }

  @Test
  void quickstartIdsArePinned() {
    List<RunConfig> runs = runs(QUICKSTART);
    assertEquals(36, runs.size());
    assertEquals("0566a84fe16ddbfd", runs.get(0).runId());
    assertEquals("b4af26dc7c563115", runs.get(9).runId());
    assertEquals("37a4bce43b2d2856", runs.get(18).runId());
    assertEquals("3c08ed3c423ba3ba", runs.get(27).runId());
  }

  @Test
  void mupScalingIdsArePinned() {
    List<RunConfig> runs = runs(SCALING_MUP);
    assertEquals(98, runs.size());
    assertEquals("bef0ce4c477ea172", runs.get(0).runId());
    assertEquals("e721bc4846a61576", runs.get(24).runId());
    assertEquals("e0f45cf69c7ef4ef", runs.get(48).runId());
    assertEquals("79577de9df6c4928", runs.get(72).runId());
    assertEquals("e03e62179dd4266e", runs.get(96).runId());
  }

  @Test
  void newKeysAtTheirDefaultsAreLeftOutOfTheIdentity() {
    String explicit =
        QUICKSTART.replace(
            "  activation: relu",
            "  activation: relu\n  output_multiplier: 1.0\n  readout_init: default");
    assertEquals(runs(QUICKSTART).get(0).runId(), runs(explicit).get(0).runId());
    RunConfig run = runs(explicit).get(0);
    assertFalse(run.canonicalJson().contains("output_multiplier"), run.canonicalJson());
    assertEquals(1.0, run.columns().get("output_multiplier"));
    assertEquals("default", run.columns().get("readout_init"));
  }

  @Test
  void newKeysAwayFromTheirDefaultsChangeTheIdentity() {
    String base = runs(QUICKSTART).get(0).runId();
    String scaled =
        runs(QUICKSTART.replace("  activation: relu", "  activation: relu\n  output_multiplier: 2"))
            .get(0)
            .runId();
    String zero =
        runs(QUICKSTART.replace("  activation: relu", "  activation: relu\n  readout_init: zero"))
            .get(0)
            .runId();
    assertNotEquals(base, scaled);
    assertNotEquals(base, zero);
    assertNotEquals(scaled, zero);
    RunConfig back =
        RunConfig.fromJson(
            "quickstart",
            runs(QUICKSTART.replace(
                    "  activation: relu", "  activation: relu\n  readout_init: zero"))
                .get(0)
                .canonicalJson());
    assertEquals("zero", back.readoutInit());
  }

  @Test
  void anIsotropicInputSpectrumKeepsTheRunIds() {
    for (String zero : List.of("0", "0.0", "-0.0")) {
      String explicit =
          QUICKSTART.replace(
              "  name: teacher_student", "  name: teacher_student\n  input_spectrum: " + zero);
      List<RunConfig> runs = runs(explicit);
      assertEquals("0566a84fe16ddbfd", runs.get(0).runId(), zero);
      assertEquals("3c08ed3c423ba3ba", runs.get(27).runId(), zero);
      assertFalse(runs.get(0).canonicalJson().contains("input_spectrum"), zero);
      assertEquals(0.0, runs.get(0).columns().get("input_spectrum"), zero);
    }
    assertEquals(0.0, runs(QUICKSTART).get(0).inputSpectrum());
  }

  @Test
  void aPowerLawInputSpectrumChangesTheRunIdsButNotTheTask() {
    RunConfig base = runs(QUICKSTART).get(0);
    RunConfig spectral =
        runs(QUICKSTART.replace(
                "  name: teacher_student", "  name: teacher_student\n  input_spectrum: 1.5"))
            .get(0);
    assertNotEquals(base.runId(), spectral.runId());
    assertTrue(spectral.canonicalJson().contains("\"input_spectrum\":1.5"));
    assertEquals(spectral, RunConfig.fromJson("quickstart", spectral.canonicalJson()));
    // The teacher and the standard-normal draws the spectrum scales stay those of the base run.
    assertEquals(base.taskSeed(), spectral.taskSeed());
    assertEquals(base.dataSeed(), spectral.dataSeed());
  }

  @Test
  void trainingEveryLayerKeepsTheRunIds() {
    String explicit = QUICKSTART.replace("  activation: relu", "  activation: relu\n  train: all");
    List<RunConfig> runs = runs(explicit);
    assertEquals("0566a84fe16ddbfd", runs.get(0).runId());
    assertEquals("3c08ed3c423ba3ba", runs.get(27).runId());
    assertFalse(runs.get(0).canonicalJson().contains("\"train\""), runs.get(0).canonicalJson());
    assertEquals("all", runs.get(0).columns().get("train"));
    assertEquals("all", runs(QUICKSTART).get(0).train());
    assertEquals("bef0ce4c477ea172", runs(SCALING_MUP).get(0).runId());
  }

  @Test
  void aReadoutOnlyRunHasItsOwnId() {
    RunConfig base = runs(QUICKSTART).get(0);
    RunConfig readout =
        runs(QUICKSTART.replace("  activation: relu", "  activation: relu\n  train: readout"))
            .get(0);
    assertNotEquals(base.runId(), readout.runId());
    assertTrue(readout.canonicalJson().contains("\"train\":\"readout\""));
    RunConfig back = RunConfig.fromJson("quickstart", readout.canonicalJson());
    assertEquals(readout, back);
    assertTrue(back.readoutOnly());
    assertFalse(base.readoutOnly());
  }
}
