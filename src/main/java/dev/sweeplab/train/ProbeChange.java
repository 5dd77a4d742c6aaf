package dev.sweeplab.train;

/**
 * The statistics of a layer's values on a probe batch (row-major, samples × units, float) that the
 * evaluation records: their mean |h|, the mean |h − h₀| against the values at the start, and the
 * per-sample relative change ‖h − h₀‖₂ / ‖h₀‖₂. Sums in double precision.
 */
final class ProbeChange {
  private ProbeChange() {}

  /** Mean |h| over all entries (microsoft/mup's coord-check {@code x.abs().mean()}). */
  static double meanAbs(float[] h) {
    double sum = 0;
    for (float v : h) {
      sum += Math.abs(v);
    }
    return sum / h.length;
  }

  /** Mean |h − h₀| over all entries (Tensor Programs V's coordinate check of x_t − x₀). */
  static double meanAbsChange(float[] h, float[] h0) {
    check(h, h0);
    double sum = 0;
    for (int i = 0; i < h.length; i++) {
      sum += Math.abs((double) h[i] - h0[i]);
    }
    return sum / h.length;
  }

  /**
   * The mean over the {@code rows} samples of ‖h(x) − h₀(x)‖₂ / ‖h₀(x)‖₂, leaving out samples whose
   * h₀(x) is 0 (every ReLU unit off); NaN when none is left.
   */
  static double meanRelativeChange(float[] h, float[] h0, int rows) {
    check(h, h0);
    if (rows == 0) {
      return Double.NaN;
    }
    int cols = h.length / rows;
    double sum = 0;
    int counted = 0;
    for (int r = 0; r < rows; r++) {
      double moved = 0;
      double size = 0;
      for (int i = r * cols; i < (r + 1) * cols; i++) {
        double d = (double) h[i] - h0[i];
        moved += d * d;
        size += (double) h0[i] * h0[i];
      }
      if (size > 0) {
        sum += Math.sqrt(moved / size);
        counted++;
      }
    }
    return counted == 0 ? Double.NaN : sum / counted;
  }

  private static void check(float[] h, float[] h0) {
    if (h.length != h0.length) {
      throw new IllegalArgumentException("values " + h.length + " against " + h0.length);
    }
  }
}
