package dev.sweeplab.engine;

import dev.sweeplab.spec.MemoryEstimate;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.UserError;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.bytedeco.javacpp.Pointer;

/**
 * Refuses, before any training, a run whose {@link MemoryEstimate} cannot fit the memory of the JVM
 * that would train it (on its own: runs that share an executor at once also share its memory): the
 * Java heap and JavaCPP's bound on memory outside it ({@code org.bytedeco.javacpp.maxBytes}, ND4J's
 * arrays). With Spark in-process that JVM is this one; on a cluster, an executor as its Spark
 * settings size it. Driver-only.
 *
 * @param heap bytes of Java heap
 * @param offHeap bytes JavaCPP lets ND4J allocate outside the heap
 * @param where which JVM, in words, and the settings that size it
 */
public record MemoryCheck(long heap, long offHeap, String where) {
  /**
   * Spark setting that turns the check off ({@code false}) for a run the estimate overrates; such a
   * run that then runs out of memory becomes a {@code failed} row.
   */
  public static final String ENABLED = "spark.sweeplab.memoryCheck";

  private static final Pattern MAX_BYTES =
      Pattern.compile("-Dorg\\.bytedeco\\.javacpp\\.max[bB]ytes=(\\S+)");
  private static final Pattern MAX_PHYSICAL_BYTES =
      Pattern.compile("-Dorg\\.bytedeco\\.javacpp\\.max[pP]hysical[bB]ytes=(\\S+)");

  /** The bounds of this JVM, which trains the runs when Spark runs in-process. */
  public static MemoryCheck thisJvm() {
    long heap = Runtime.getRuntime().maxMemory();
    return new MemoryCheck(
        heap,
        offHeap(Pointer.maxBytes(), Pointer.maxPhysicalBytes(), heap),
        "this JVM (heap: -Xmx, SWEEPLAB_HEAP for bin/sweeplab; off-heap:"
            + " -Dorg.bytedeco.javacpp.maxBytes and maxPhysicalBytes)");
  }

  /** The bounds of the JVMs that train the runs under {@code conf} on {@code master}. */
  public static MemoryCheck of(String master, SparkConf conf) {
    if (master.startsWith("local[") || master.equals("local")) {
      return thisJvm();
    }
    // Spark reads a size without a unit as MiB.
    long heap = conf.getSizeAsMb("spark.executor.memory", "1g") << 20;
    String options = conf.get("spark.executor.extraJavaOptions", "");
    // JavaCPP's default bound outside the heap is the heap's size; its physical bound, none.
    long maxBytes = option(options, MAX_BYTES, heap);
    long maxPhysical = option(options, MAX_PHYSICAL_BYTES, 0);
    return new MemoryCheck(
        heap,
        offHeap(maxBytes, maxPhysical, heap),
        "an executor (spark.executor.memory, and -Dorg.bytedeco.javacpp.maxBytes and"
            + " maxPhysicalBytes in spark.executor.extraJavaOptions)");
  }

  /**
   * Memory ND4J can allocate outside the heap: JavaCPP's {@code maxBytes} (0 or less: no bound),
   * within its bound on the whole process, {@code maxPhysicalBytes}, less the heap.
   */
  static long offHeap(long maxBytes, long maxPhysical, long heap) {
    long bound = maxBytes > 0 ? maxBytes : Long.MAX_VALUE;
    return maxPhysical > 0 ? Math.min(bound, Math.max(0, maxPhysical - heap)) : bound;
  }

  /**
   * The size a {@code -D} option in {@code options} gives; {@code absent} when none can be read.
   */
  private static long option(String options, Pattern pattern, long absent) {
    Matcher m = pattern.matcher(options);
    if (!m.find()) {
      return absent;
    }
    long bytes = parseBytes(m.group(1));
    return bytes < 0 ? absent : bytes;
  }

  /**
   * Checks every run.
   *
   * @throws UserError naming the first run that cannot fit, its estimate and the bound
   */
  public void check(List<RunConfig> runs) {
    for (RunConfig run : runs) {
      MemoryEstimate e = MemoryEstimate.of(run);
      String what =
          "run "
              + run.runId()
              + " (width "
              + run.width()
              + ", depth "
              + run.depth()
              + ", input_dim "
              + run.inputDim()
              + ", train_size "
              + run.trainSize()
              + ")";
      if (e.largestArray() > MemoryEstimate.MAX_ARRAY) {
        throw UserError.of(
            what
                + " needs an array of "
                + e.largestArray()
                + " numbers, more than the "
                + MemoryEstimate.MAX_ARRAY
                + " one array can hold: use a smaller width, input_dim or data set");
      }
      if (e.nativeBytes() > offHeap || e.heapBytes() > heap) {
        throw UserError.of(
            what
                + " needs about "
                + e
                + ", but "
                + where
                + " has "
                + MemoryEstimate.bytes(offHeap)
                + " off-heap and "
                + MemoryEstimate.bytes(heap)
                + " heap: use a smaller width, depth or data set, or give that JVM more memory ("
                + ENABLED
                + "=false skips this check: --conf with spark-submit, -D in SWEEPLAB_JAVA_OPTS with"
                + " bin/sweeplab)");
      }
    }
  }

  /**
   * JavaCPP's size notation: a number of bytes with an optional k, m, g or t; -1 for what this
   * reads not (a percentage, a typo), which leaves the bound to JavaCPP; {@code Long.MAX_VALUE}
   * past it.
   */
  static long parseBytes(String text) {
    Matcher m =
        Pattern.compile("([0-9]{1,18})([kmgt]?)b?").matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return -1;
    }
    long n = Long.parseLong(m.group(1));
    long unit =
        switch (m.group(2)) {
          case "k" -> 1L << 10;
          case "m" -> 1L << 20;
          case "g" -> 1L << 30;
          case "t" -> 1L << 40;
          default -> 1;
        };
    try {
      return Math.multiplyExact(n, unit);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
