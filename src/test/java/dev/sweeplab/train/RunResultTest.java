package dev.sweeplab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A failed run's reason says what went wrong in words, never "null". */
class RunResultTest {
  @Test
  void anExceptionWithoutAMessageSaysWhereItWasThrown() {
    RunResult r = RunResult.failed(new IndexOutOfBoundsException(), 5);
    assertEquals(RunResult.FAILED, r.status());
    assertTrue(
        r.reason().startsWith("IndexOutOfBoundsException (no message; thrown at "), r.reason());
    assertTrue(r.reason().contains("RunResultTest"), r.reason());
    assertTrue(!r.reason().contains("null"), r.reason());
  }

  @Test
  void theCauseChainAndOutOfMemoryAreNamed() {
    RuntimeException e =
        new RuntimeException(
            "step 3 failed", new OutOfMemoryError("Physical memory usage is too high"));
    String reason = RunResult.failed(e, 5).reason();
    assertEquals(
        "RuntimeException: step 3 failed; caused by OutOfMemoryError: Physical memory usage is too"
            + " high (the run needs more memory than its executor has; see docs/operations.md)",
        reason);
  }
}
