package dev.sweeplab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link RowLoops}' branch-free ReLU and ReLU derivative give DL4J's values to the bit: {@code x >
 * 0 ? x : 0} (NaN to 0) and {@code a > 0 ? d : 0}, on finite values (their vector path) and on
 * values with NaN, ±∞, ±0, subnormals and sums that overflow (their scalar path). The one freedom
 * is the sign of a zero derivative, which nothing downstream reads.
 */
class RowLoopsTest {
  private static final float[] SPECIAL = {
    0f,
    -0f,
    Float.MIN_VALUE,
    -Float.MIN_VALUE,
    Float.MIN_NORMAL,
    -Float.MIN_NORMAL,
    1e-40f,
    -1e-40f,
    Float.MAX_VALUE,
    -Float.MAX_VALUE,
    Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY,
    Float.NaN,
    Float.intBitsToFloat(0xffc00001), // a negative NaN
  };

  @Test
  void reluIsDl4jsOnFiniteValues() {
    SplittableRandom random = new SplittableRandom(7);
    for (int n : new int[] {1, 7, 8, 9, 255, 4096, 5000}) {
      float[] v = finite(random, n);
      checkRelu(v);
    }
  }

  @Test
  void reluIsDl4jsWithSpecialValues() {
    SplittableRandom random = new SplittableRandom(8);
    for (float special : SPECIAL) {
      for (int at : new int[] {0, 5, 127}) {
        float[] v = finite(random, 128);
        v[at] = special;
        checkRelu(v);
      }
    }
    float[] all = SPECIAL.clone();
    checkRelu(all);
    float[] overflow = new float[64];
    java.util.Arrays.fill(overflow, Float.MAX_VALUE);
    overflow[3] = -1f;
    assertFalse(RowLoops.finite(overflow, overflow.length), "the sum overflows");
    checkRelu(overflow);
  }

  @Test
  void reluDerivativeIsDl4jsOnFiniteValues() {
    SplittableRandom random = new SplittableRandom(9);
    for (int n : new int[] {1, 7, 8, 9, 255, 4096, 5000}) {
      checkDerivative(finite(random, n), activations(random, n));
    }
  }

  @Test
  void reluDerivativeIsDl4jsWithSpecialValues() {
    SplittableRandom random = new SplittableRandom(10);
    float[] activationSpecials = {
      0f, Float.MIN_VALUE, 1e-40f, Float.MIN_NORMAL, 1f, Float.MAX_VALUE, Float.POSITIVE_INFINITY
    };
    for (float special : SPECIAL) {
      for (float a : activationSpecials) {
        float[] d = finite(random, 64);
        float[] out = activations(random, 64);
        d[9] = special;
        out[9] = a;
        out[10] = a; // the mask of a special activation on a finite delta too
        checkDerivative(d, out);
      }
    }
  }

  @Test
  void finiteSeesEveryNonFiniteValue() {
    SplittableRandom random = new SplittableRandom(11);
    for (int n : new int[] {1, 8, 13, 4096}) {
      float[] v = finite(random, n);
      assertTrue(RowLoops.finite(v, n), "n " + n);
      for (float special :
          new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
        for (int at : new int[] {0, n / 2, n - 1}) {
          float[] w = v.clone();
          w[at] = special;
          assertFalse(RowLoops.finite(w, n), "n " + n + ", " + special + " at " + at);
        }
      }
    }
  }

  /** Through the buffers, chunk by chunk: bias, then ReLU, then its derivative, as a step runs. */
  @Test
  void theBufferPassesAgreeWithTheScalarDefinitions() {
    SplittableRandom random = new SplittableRandom(12);
    int rows = 40;
    int cols = 300; // 12,000 values: RowLoops' 4,096-float chunks split the rows unevenly
    float[] z = finite(random, rows * cols);
    z[4321] = Float.NaN; // one chunk takes the scalar path
    float[] b = finite(random, cols);
    FloatBuffer zb = direct(z);
    new RowLoops(cols).biasActivate(DenseForward.Activation.RELU, zb, direct(b), rows, cols);
    float[] a = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        float x = z[r * cols + c] + b[c];
        a[r * cols + c] = x > 0 ? x : 0f;
      }
    }
    for (int i = 0; i < a.length; i++) {
      assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(zb.get(i)), "at " + i);
    }
    float[] d = finite(random, rows * cols);
    d[9000] = Float.POSITIVE_INFINITY;
    FloatBuffer db = direct(d);
    new RowLoops(cols).derivative(DenseForward.Activation.RELU, db, zb, rows * cols);
    for (int i = 0; i < d.length; i++) {
      assertSameOrZero(a[i] > 0 ? d[i] : 0f, db.get(i), "at " + i);
    }
  }

  private static void checkRelu(float[] v) {
    float[] expected = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      float x = v[i];
      expected[i] = x > 0 ? x : 0f;
    }
    float[] actual = v.clone();
    RowLoops.relu(actual, actual.length);
    for (int i = 0; i < v.length; i++) {
      assertEquals(
          Float.floatToRawIntBits(expected[i]),
          Float.floatToRawIntBits(actual[i]),
          "relu(" + v[i] + ") at " + i);
    }
  }

  private static void checkDerivative(float[] d, float[] a) {
    float[] actual = d.clone();
    RowLoops.reluDerivative(actual, a, d.length);
    for (int i = 0; i < d.length; i++) {
      assertSameOrZero(a[i] > 0 ? d[i] : 0f, actual[i], "d " + d[i] + ", a " + a[i] + " at " + i);
    }
  }

  /** The same bits, or both zeros of either sign. */
  private static void assertSameOrZero(float expected, float actual, String what) {
    if (expected == 0f && actual == 0f) {
      return;
    }
    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), what);
  }

  /** Gaussian values at several scales, a tenth of them exactly zero. */
  private static float[] finite(SplittableRandom random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      double g = random.nextGaussian() * Math.pow(10, random.nextInt(-3, 4));
      v[i] = random.nextInt(10) == 0 ? (random.nextBoolean() ? 0f : -0f) : (float) g;
    }
    return v;
  }

  /** A ReLU's outputs: +0 for about half, positive otherwise. */
  private static float[] activations(SplittableRandom random, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = random.nextBoolean() ? 0f : (float) Math.abs(random.nextGaussian()) + Float.MIN_VALUE;
    }
    return a;
  }

  private static FloatBuffer direct(float[] values) {
    FloatBuffer b =
        ByteBuffer.allocateDirect(values.length * Float.BYTES)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    b.put(0, values);
    return b;
  }
}
