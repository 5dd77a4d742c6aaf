package dev.sweeplab.engine;

import org.apache.spark.TaskContext;

/**
 * FOR TESTS ONLY — fault injection. Inert unless a test sets the Spark local property {@value
 * #HALT_FIRST_ATTEMPT} on the driver ({@code SparkContext.setLocalProperty}); nothing in sweeplab
 * sets it, no spec key or CLI option reaches it, and a task without it returns at once.
 *
 * <p>With the property set to comma-separated run ids, the first attempt (attempt number 0) of the
 * task of each of those runs halts its executor JVM with {@code Runtime.halt}: no shutdown hooks,
 * no reply to the driver, exactly a lost executor. Spark then retries the task elsewhere as attempt
 * 1. In a local-mode session the executor is the driver's JVM, so this is for {@code local-cluster}
 * or real clusters only.
 */
final class Faults {
  /** Local property: run ids whose first attempt halts its executor. */
  static final String HALT_FIRST_ATTEMPT = "sweeplab.test.fault.halt_first_attempt";

  /** The exit status of a halted executor, recognisable in the worker's log. */
  static final int HALT_STATUS = 86;

  private Faults() {}

  /** Halts this executor JVM if the test asked for it for {@code runId}'s current attempt. */
  static void haltIfInjected(String runId) {
    TaskContext task = TaskContext.get();
    if (task == null || task.attemptNumber() != 0) {
      return;
    }
    String ids = task.getLocalProperty(HALT_FIRST_ATTEMPT);
    if (ids == null || ids.isBlank()) {
      return;
    }
    for (String id : ids.split(",")) {
      if (id.strip().equals(runId)) {
        System.err.println(
            "sweeplab fault injection: halting executor on first attempt of run " + runId);
        System.err.flush();
        Runtime.getRuntime().halt(HALT_STATUS);
      }
    }
  }
}
