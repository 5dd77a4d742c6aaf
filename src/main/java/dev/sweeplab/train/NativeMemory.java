package dev.sweeplab.train;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the native memory of finished runs from piling up. ND4J frees an array's native memory when
 * the garbage collector reclaims its Java handle; handles that lived as long as a run sit in G1's
 * old generation, which is collected only when the Java heap fills, so the driver of a 200-run
 * local sweep grew to 10–12 GB resident with a 4 GB heap. After a run this starts a concurrent
 * old-generation cycle ({@code System.gc()} under {@code -XX:+ExplicitGCInvokesConcurrent}, set in
 * {@code conf/jvm.options} and the cluster confs) on a thread of its own, so no task waits for it:
 * at most one at a time and one per {@link #MIN_INTERVAL_MS}. The same sweep then peaked at 3.7 GB.
 * Where the flag is off (or the collector is not G1) {@code System.gc()} would stop every task for
 * a full collection, so nothing is requested.
 */
public final class NativeMemory {
  /** The shortest time between two requested cycles. */
  static final long MIN_INTERVAL_MS = 2_000;

  private static final boolean CONCURRENT = explicitGcIsConcurrent();
  private static final AtomicBoolean IN_FLIGHT = new AtomicBoolean();
  private static final AtomicLong LAST_START = new AtomicLong(Long.MIN_VALUE / 2);
  private static final AtomicLong STARTED = new AtomicLong();

  private NativeMemory() {}

  /** Called when a run has finished: may start a concurrent collection in the background. */
  public static void runFinished() {
    if (CONCURRENT) {
      request(System.currentTimeMillis());
    }
  }

  /**
   * Starts a cycle unless one is running or one started less than the interval before {@code now}.
   */
  static boolean request(long now) {
    if (now - LAST_START.get() < MIN_INTERVAL_MS || !IN_FLIGHT.compareAndSet(false, true)) {
      return false;
    }
    LAST_START.set(now);
    STARTED.incrementAndGet();
    Thread gc =
        new Thread(
            () -> {
              try {
                System.gc(); // concurrent: returns when the cycle has finished
              } finally {
                IN_FLIGHT.set(false);
              }
            },
            "sweeplab-native-memory");
    gc.setDaemon(true);
    gc.start();
    return true;
  }

  /** Cycles started by this JVM so far. */
  static long started() {
    return STARTED.get();
  }

  /** Whether {@code System.gc()} starts a concurrent G1 cycle instead of a full collection. */
  static boolean explicitGcIsConcurrent() {
    boolean g1 =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .anyMatch(name -> name.startsWith("G1"));
    HotSpotDiagnosticMXBean hotspot =
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    return g1
        && hotspot != null
        && Boolean.parseBoolean(hotspot.getVMOption("ExplicitGCInvokesConcurrent").getValue());
  }

  /** Whether this JVM requests the cycles (the flag is on and the collector is G1). */
  public static boolean active() {
    return CONCURRENT;
  }
}
