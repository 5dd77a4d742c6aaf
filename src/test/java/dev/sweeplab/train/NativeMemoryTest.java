package dev.sweeplab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NativeMemoryTest {
  /** The tests run with conf/jvm.options, as bin/sweeplab does. */
  @Test
  void theJvmOptionsMakeExplicitCollectionsConcurrent() {
    assertTrue(NativeMemory.explicitGcIsConcurrent());
    assertTrue(NativeMemory.active());
  }

  @Test
  void atMostOneCycleIsRequestedPerInterval() throws InterruptedException {
    long now = System.currentTimeMillis() + 10 * NativeMemory.MIN_INTERVAL_MS;
    long before = NativeMemory.started();
    assertTrue(NativeMemory.request(now), "the first request starts a cycle");
    assertFalse(NativeMemory.request(now + 1), "within the interval: none");
    assertFalse(NativeMemory.request(now + NativeMemory.MIN_INTERVAL_MS - 1));
    assertEquals(before + 1, NativeMemory.started());
    // Once the cycle has finished, a request after the interval starts the next one.
    long deadline = System.currentTimeMillis() + 30_000;
    boolean again = false;
    while (!again && System.currentTimeMillis() < deadline) {
      again = NativeMemory.request(now + NativeMemory.MIN_INTERVAL_MS);
      if (!again) {
        Thread.sleep(20);
      }
    }
    assertTrue(again, "a request after the interval, with no cycle running, starts one");
    assertEquals(before + 2, NativeMemory.started());
  }
}
