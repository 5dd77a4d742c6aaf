package dev.sweeplab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The probe statistics on values worked out by hand. */
class ProbeChangeTest {
  // Two samples × three units, row-major.
  private static final float[] H0 = {3, 0, -4, 0, 0, 0};
  private static final float[] H = {3, 1, -4, 2, 0, 0};

  @Test
  void meanAbsoluteValueAndChange() {
    assertEquals((3 + 1 + 4 + 2) / 6.0, ProbeChange.meanAbs(H), 1e-12);
    assertEquals((1 + 2) / 6.0, ProbeChange.meanAbsChange(H, H0), 1e-12);
    assertEquals(0, ProbeChange.meanAbsChange(H0, H0));
  }

  @Test
  void relativeChangePerSampleLeavesOutSamplesThatStartedAtZero() {
    // Sample 0: ‖(0, 1, 0)‖ / ‖(3, 0, -4)‖ = 1/5; sample 1 starts at 0 and is left out.
    assertEquals(0.2, ProbeChange.meanRelativeChange(H, H0, 2), 1e-12);
    float[] before = {3, 0, -4, 0, 2, 0};
    float[] after = {3, 1, -4, 0, 0, 0}; // sample 1: ‖(0, -2, 0)‖ / ‖(0, 2, 0)‖ = 1
    assertEquals((0.2 + 1) / 2, ProbeChange.meanRelativeChange(after, before, 2), 1e-12);
    assertTrue(Double.isNaN(ProbeChange.meanRelativeChange(H, new float[6], 2)), "none left");
    assertThrows(IllegalArgumentException.class, () -> ProbeChange.meanAbsChange(H, new float[3]));
  }
}
