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
 * that would train it: the Java heap and JavaCPP's bound on memory outside it ({@code
 * org.bytedeco.javacpp.maxBytes}, ND4J's arrays). With Spark in-process that JVM is this one; on a
 * cluster, an executor as its Spark settings size it. Driver-only.
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

  /** The bounds of this JVM, which trains the runs when Spark runs in-process. */
  public static MemoryCheck thisJvm() {
    return new MemoryCheck(
        Runtime.getRuntime().maxMemory(),
        Pointer.maxBytes() > 0 ? Pointer.maxBytes() : Long.MAX_VALUE,
        "this JVM (heap: -Xmx, SWEEPLAB_HEAP for bin/sweeplab; off-heap:"
            + " -Dorg.bytedeco.javacpp.maxBytes)");
  }

  /** The bounds of the JVMs that train the runs under {@code conf} on {@code master}. */
  public static MemoryCheck of(String master, SparkConf conf) {
    if (master.startsWith("local[") || master.equals("local")) {
      return thisJvm();
    }
    long heap = parseBytes(conf.get("spark.executor.memory", "1g"));
    Matcher m = MAX_BYTES.matcher(conf.get("spark.executor.extraJavaOptions", ""));
    // JavaCPP's default bound outside the heap is the heap's size.
    long offHeap = m.find() ? parseBytes(m.group(1)) : heap;
    return new MemoryCheck(
        heap,
        offHeap,
        "an executor (spark.executor.memory, and -Dorg.bytedeco.javacpp.maxBytes in"
            + " spark.executor.extraJavaOptions)");
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
                + "=false skips this check)");
      }
    }
  }

  /** Spark's and JavaCPP's size notation: a number with an optional k, m, g or t (bytes: none). */
  static long parseBytes(String text) {
    Matcher m =
        Pattern.compile("([0-9]+)([kmgt]?)b?").matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw UserError.of("cannot read the memory size '" + text + "' (e.g. 4g, 512m)");
    }
    long n = Long.parseLong(m.group(1));
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    return n << shift;
  }
}
