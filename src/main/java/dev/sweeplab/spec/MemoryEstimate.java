package dev.sweeplab.spec;

/**
 * What one run needs in memory, estimated from its configuration before it trains, so that a run
 * that cannot fit its executor is refused before the sweep starts instead of failing after minutes.
 * All arrays are 32-bit floats.
 *
 * <p>Off the Java heap (ND4J and the BLAS step): the parameters, their gradients and the
 * optimizer's state (Adam: two moments; SGD: none, or its velocity with {@code training.momentum}),
 * the largest weight matrix once more while it is initialised, the training step's buffers (per
 * layer: pre-activation, activation and delta for one minibatch, plus the minibatch itself) and the
 * evaluation's (activations of up to 1,024 rows per layer). On the heap: the data set (train,
 * validation and test inputs; cached once per JVM and shared by the runs that use it), the
 * weight-change measurement's two copies of the parameters and its copy of the largest weight
 * matrix's change (for its spectral norm), and every layer's values on the evaluation's two probe
 * batches at initialisation plus one probe's current values. With {@code model.output_scale} other
 * than 1, the initial network beside the trained one: its parameters, gradients and optimizer
 * state, and its own step and evaluation buffers.
 *
 * @param nativeBytes bytes outside the Java heap
 * @param heapBytes bytes on the Java heap
 * @param largestArray elements of the largest single array (a weight matrix or a data split)
 */
public record MemoryEstimate(long nativeBytes, long heapBytes, long largestArray) {
  static final int FLOAT = 4;

  /** Rows the evaluation passes through the network at once ({@code train.Evaluator}). */
  static final int EVAL_ROWS = 1024;

  /** Samples in each of the evaluation's probe batches, training and test ({@code Evaluator}). */
  static final int PROBE_ROWS = 256;

  /** The most elements one array can hold (Java arrays and ND4J's int-indexed buffers). */
  public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  /** The estimate for {@code run}. */
  public static MemoryEstimate of(RunConfig run) {
    // In doubles: a hostile configuration (width 10^7, depth 10^6) must not overflow the estimate.
    double w = run.width();
    double d = run.depth();
    double in = run.inputDim();
    double k = run.classes();
    double p = in * w + w + (d - 1) * (w * w + w) + w * k + k;
    double state = "adam".equals(run.optimizer()) ? 2 : run.momentum() > 0 ? 1 : 0;
    double largestWeights = Math.max(in * w, Math.max(d > 1 ? w * w : 0, w * k));
    double units = w * d + k;
    // Minibatches hold at most the whole training set (full-batch training).
    double b = Math.min(run.batchSize(), run.trainSize());
    double step = 3 * b * units + b * in;
    double largestSplit = Math.max(run.trainSize(), Math.max(run.testSize(), run.valSize()));
    double eval = Math.min(EVAL_ROWS, largestSplit) * units;
    double nativeFloats = p * (2 + state) + largestWeights + step + eval + Math.max(w, k);
    if (run.outputScale() != 1) {
      nativeFloats += p * (2 + state) + step + eval + (b + EVAL_ROWS) * k;
    }
    double data = ((double) run.trainSize() + run.testSize() + run.valSize()) * (in + 1);
    double trainProbe = Math.min(PROBE_ROWS, run.trainSize());
    double testProbe = Math.min(PROBE_ROWS, run.testSize());
    double probes = (trainProbe + testProbe + Math.max(trainProbe, testProbe)) * units;
    double heapFloats = 2 * p + largestWeights + probes + data;
    double largestData = largestSplit * in;
    return new MemoryEstimate(
        saturated(nativeFloats * FLOAT),
        saturated(heapFloats * FLOAT),
        saturated(Math.max(largestWeights, largestData)));
  }

  private static long saturated(double x) {
    return x >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.ceil(x);
  }

  /** Bytes as a person reads them ("1.2 GB"). */
  public static String bytes(long bytes) {
    if (bytes == Long.MAX_VALUE) {
      return "more than 8 EB";
    }
    if (bytes < 1L << 20) {
      return String.format("%.1f KB", bytes / 1024.0);
    }
    if (bytes < 1L << 30) {
      return String.format("%.1f MB", bytes / (double) (1L << 20));
    }
    return String.format("%.1f GB", bytes / (double) (1L << 30));
  }

  @Override
  public String toString() {
    return bytes(nativeBytes) + " off-heap, " + bytes(heapBytes) + " heap";
  }
}
