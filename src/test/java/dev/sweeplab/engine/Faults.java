package dev.sweeplab.engine;

import org.apache.spark.TaskContext;

/**
 * Fault injection for tests, registered as the {@link FaultPoints.Injector} of every JVM that has
 * the test classes (META-INF/services in the test resources); the product has none. Inert unless a
 * test sets one of the Spark local properties below on the driver ({@code
 * SparkContext.setLocalProperty}); nothing in sweeplab sets them, no spec key or CLI option reaches
 * them, and a task without them returns at once. Each holds comma-separated run ids, and acts on
 * the first attempt (attempt number 0) of a task as it comes to one of those runs:
 *
 * <ul>
 *   <li>{@value #HALT_FIRST_ATTEMPT} halts the executor JVM with {@code Runtime.halt}: no shutdown
 *       hooks, no reply to the driver, exactly a lost executor. Spark then retries the task
 *       elsewhere as attempt 1. In a local-mode Spark session the executor is the driver's JVM, so
 *       this is for {@code local-cluster} or real clusters only.
 *   <li>{@value #FAIL_FIRST_ATTEMPT} fails the task with an exception, as a fault of the machine
 *       would (a full disk, a lost connection); Spark retries it where the master allows retries
 *       ({@code local[n,f]}, clusters).
 * </ul>
 *
 * <p>And one Java system property of the driver, which a test passes to a driver JVM it starts:
 * {@value #HALT_COMMIT_AT} names a point of a sweep's commit ({@link #COMMIT_POINTS}) at which the
 * driver halts, as a SIGKILL would stop it there.
 */
public final class Faults implements FaultPoints.Injector {
  /** Local property: run ids at which the first attempt of their task halts its executor. */
  static final String HALT_FIRST_ATTEMPT = "sweeplab.test.fault.halt_first_attempt";

  /** Local property: run ids at which the first attempt of their task throws. */
  static final String FAIL_FIRST_ATTEMPT = "sweeplab.test.fault.fail_first_attempt";

  /** The exit status of a halted executor, recognisable in the worker's log. */
  static final int HALT_STATUS = 86;

  /** System property: the commit point at which the driver JVM halts. */
  static final String HALT_COMMIT_AT = "sweeplab.test.fault.halt_commit_at";

  /**
   * The points of a sweep's commit: its data files written, its {@code runs} snapshot committed,
   * its {@code curves} snapshot committed (the {@code sweeps} row not yet).
   */
  public static final java.util.List<String> COMMIT_POINTS = dev.sweeplab.store.SweepPublish.POINTS;

  /** Made by {@link java.util.ServiceLoader}. */
  public Faults() {}

  @Override
  public void runStarting(String runId) {
    injectIfAsked(runId);
  }

  @Override
  public void commitReached(String point) {
    haltAtCommitPoint(point);
  }

  /** Halts the driver JVM if a test asked for it at commit point {@code point}. */
  static void haltAtCommitPoint(String point) {
    if (point.equals(System.getProperty(HALT_COMMIT_AT))) {
      System.err.println("sweeplab fault injection: halting the driver at commit point " + point);
      System.err.flush();
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }

  /** Halts this executor JVM or throws if a test asked for it at {@code runId} in this attempt. */
  static void injectIfAsked(String runId) {
    TaskContext task = TaskContext.get();
    if (task == null || task.attemptNumber() != 0) {
      return;
    }
    if (listed(task.getLocalProperty(HALT_FIRST_ATTEMPT), runId)) {
      System.err.println(
          "sweeplab fault injection: halting executor on first attempt of run " + runId);
      System.err.flush();
      Runtime.getRuntime().halt(HALT_STATUS);
    }
    if (listed(task.getLocalProperty(FAIL_FIRST_ATTEMPT), runId)) {
      throw new IllegalStateException(
          "sweeplab fault injection: failing the first attempt at run " + runId);
    }
  }

  private static boolean listed(String ids, String runId) {
    if (ids == null || ids.isBlank()) {
      return false;
    }
    for (String id : ids.split(",")) {
      if (id.strip().equals(runId)) {
        return true;
      }
    }
    return false;
  }
}
