package dev.sweeplab.engine;

import java.util.ServiceLoader;

/**
 * The two places where a test may inject a fault: a run about to train inside a task, and each
 * point of a sweep's commit ({@link dev.sweeplab.store.SweepPublish#POINTS}). The product has no
 * {@link Injector}: the test sources register one ({@code META-INF/services}), so in a product JVM
 * every call returns at once and no fault can be injected.
 */
public final class FaultPoints {
  /** What a test registers to act at the points. */
  public interface Injector {
    /** A task's attempt is about to train run {@code runId}. */
    void runStarting(String runId);

    /** The driver's commit has reached {@code point}. */
    void commitReached(String point);
  }

  /** The registered injector; null in the product. */
  private static final Injector INJECTOR =
      ServiceLoader.load(Injector.class, FaultPoints.class.getClassLoader())
          .findFirst()
          .orElse(null);

  private FaultPoints() {}

  static void runStarting(String runId) {
    if (INJECTOR != null) {
      INJECTOR.runStarting(runId);
    }
  }

  static void commitReached(String point) {
    if (INJECTOR != null) {
      INJECTOR.commitReached(point);
    }
  }
}
