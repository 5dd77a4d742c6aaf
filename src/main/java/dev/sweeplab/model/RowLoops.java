package dev.sweeplab.model;

import java.nio.FloatBuffer;

/**
 * The element-wise loops of {@link DenseForward} and {@link DenseStep} (bias and activation, the
 * activation's derivative, the bias gradient's column sums), run on Java arrays a chunk of rows at
 * a time: each chunk is copied out of the native buffer in one bulk copy, computed, and copied
 * back. The JIT compiles loops over arrays to vector instructions and does not for a buffer's
 * per-element {@code get} and {@code put}, which bound-check and scope-check every access; the
 * arithmetic, and its order per element, is the same either way. One instance per pass: the scratch
 * arrays are not shared between threads.
 */
final class RowLoops {
  /** Floats per chunk (at least one row). */
  private static final int CHUNK = 4096;

  private final float[] values;
  private final float[] other;
  private final float[] row;

  /** Loops over rows of up to {@code widest} columns. */
  RowLoops(int widest) {
    int n = Math.max(CHUNK, widest);
    this.values = new float[n];
    this.other = new float[n];
    this.row = new float[widest];
  }

  /**
   * z ← act(z + b) for the first {@code rows} rows of {@code z} (rows × cols, row-major), b one
   * value per column: ReLU {@code v > 0 ? v : 0} (NaN to 0, as DL4J's), tanh by {@link
   * DenseForward#tanh}, or identity.
   */
  void biasActivate(DenseForward.Activation act, FloatBuffer z, FloatBuffer b, int rows, int cols) {
    float[] bias = row;
    b.get(0, bias, 0, cols);
    float[] v = values;
    int perChunk = Math.max(1, v.length / cols);
    for (int r0 = 0; r0 < rows; r0 += perChunk) {
      int n = Math.min(perChunk, rows - r0) * cols;
      int at = r0 * cols;
      z.get(at, v, 0, n);
      for (int i = 0; i < n; i += cols) {
        for (int c = 0; c < cols; c++) {
          v[i + c] = v[i + c] + bias[c];
        }
      }
      switch (act) {
        case RELU -> relu(v, n);
        case TANH -> {
          for (int i = 0; i < n; i++) {
            v[i] = DenseForward.tanh(v[i]);
          }
        }
        case IDENTITY -> {}
      }
      z.put(at, v, 0, n);
    }
  }

  /** delta ← delta ⊙ act′ over {@code n} values, from the activation's output a. */
  void derivative(DenseForward.Activation act, FloatBuffer delta, FloatBuffer a, int n) {
    if (act == DenseForward.Activation.IDENTITY) {
      return;
    }
    float[] d = values;
    float[] out = other;
    for (int at = 0; at < n; at += d.length) {
      int m = Math.min(d.length, n - at);
      delta.get(at, d, 0, m);
      a.get(at, out, 0, m);
      if (act == DenseForward.Activation.RELU) {
        reluDerivative(d, out, m);
      } else {
        for (int i = 0; i < m; i++) {
          float t = out[i];
          d[i] = d[i] * (1 - t * t);
        }
      }
      delta.put(at, d, 0, m);
    }
  }

  /**
   * v ← ReLU(v) over the first {@code n} values: {@code x > 0 ? x : 0}, NaN to 0 as DL4J's. Where
   * every value is finite that is {@code Math.max(x, 0f)} to the bit (−0 included), which the JIT
   * compiles to vector instructions; the comparison's branch, taken for about half the values at
   * random, mispredicts and costs some ten times as much.
   */
  static void relu(float[] v, int n) {
    if (finite(v, n)) {
      for (int i = 0; i < n; i++) {
        v[i] = Math.max(v[i], 0f);
      }
    } else {
      for (int i = 0; i < n; i++) {
        float x = v[i];
        v[i] = x > 0 ? x : 0f;
      }
    }
  }

  /**
   * d ← {@code a > 0 ? d : 0} over the first {@code n} values, a a ReLU's output (+0 or positive,
   * never NaN). Where every d is finite it is d times a mask of 0 or 1, branch-free: three
   * multiplications by 2¹²⁷ take any positive float to +∞ and keep +0 at +0, and the minimum with 1
   * makes the mask. Zeros may then carry d's sign: nothing downstream tells −0 from +0 (the
   * products that read d add into +0).
   */
  static void reluDerivative(float[] d, float[] a, int n) {
    if (finite(d, n)) {
      for (int i = 0; i < n; i++) {
        d[i] = d[i] * Math.min(a[i] * 0x1p127f * 0x1p127f * 0x1p127f, 1f);
      }
    } else {
      for (int i = 0; i < n; i++) {
        d[i] = a[i] > 0 ? d[i] : 0f;
      }
    }
  }

  /**
   * Whether the first {@code n} values are all finite: their sum is, in eight independent partial
   * sums (NaN and ±∞ carry through a sum; a sum that overflows only sends the caller down its exact
   * scalar path).
   */
  static boolean finite(float[] v, int n) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    float s4 = 0f;
    float s5 = 0f;
    float s6 = 0f;
    float s7 = 0f;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      s0 += v[i];
      s1 += v[i + 1];
      s2 += v[i + 2];
      s3 += v[i + 3];
      s4 += v[i + 4];
      s5 += v[i + 5];
      s6 += v[i + 6];
      s7 += v[i + 7];
    }
    for (; i < n; i++) {
      s0 += v[i];
    }
    return Float.isFinite(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
  }

  /** sums[c] = Σ_r m[r, c] over the first {@code rows} rows, added in row order. */
  void columnSums(FloatBuffer m, FloatBuffer sums, int rows, int cols) {
    float[] s = row;
    for (int c = 0; c < cols; c++) {
      s[c] = 0f;
    }
    float[] v = values;
    int perChunk = Math.max(1, v.length / cols);
    for (int r0 = 0; r0 < rows; r0 += perChunk) {
      int n = Math.min(perChunk, rows - r0) * cols;
      m.get(r0 * cols, v, 0, n);
      for (int i = 0; i < n; i += cols) {
        for (int c = 0; c < cols; c++) {
          s[c] = s[c] + v[i + c];
        }
      }
    }
    sums.put(0, s, 0, cols);
  }
}
