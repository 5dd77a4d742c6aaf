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
        case RELU -> {
          for (int i = 0; i < n; i++) {
            float x = v[i];
            v[i] = x > 0 ? x : 0f;
          }
        }
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
        for (int i = 0; i < m; i++) {
          d[i] = out[i] > 0 ? d[i] : 0f;
        }
      } else {
        for (int i = 0; i < m; i++) {
          float t = out[i];
          d[i] = d[i] * (1 - t * t);
        }
      }
      delta.put(at, d, 0, m);
    }
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
