package dev.sweeplab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

/**
 * Power iteration against matrices whose spectral norm is known exactly, and against Hipparchus's
 * singular value decomposition of random matrices; the matrices are laid out column-major, as DL4J
 * stores a weight matrix, after an offset.
 */
class SpectralNormTest {
  /** {@code rows × cols} column-major from index {@code offset} of a longer array. */
  private static float[] columnMajor(double[][] m, int offset) {
    int rows = m.length;
    int cols = m[0].length;
    float[] a = new float[offset + rows * cols + 3];
    java.util.Arrays.fill(a, 99f); // anything read outside the matrix would show
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        a[offset + i + j * rows] = (float) m[i][j];
      }
    }
    return a;
  }

  @Test
  void aRankOneMatrixHasTheProductOfItsFactorsNorms() {
    // u = (1, -2, 2) has norm 3, v = (3, 0, -4, 0) norm 5: ‖u vᵀ‖₂ = 15.
    double[] u = {1, -2, 2};
    double[] v = {3, 0, -4, 0};
    double[][] m = new double[3][4];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        m[i][j] = u[i] * v[j];
      }
    }
    assertEquals(15, SpectralNorm.of(columnMajor(m, 5), 5, 3, 4), 1e-9);
  }

  @Test
  void aDiagonalMatrixHasItsLargestAbsoluteEntry() {
    // Rectangular, the largest entry negative and not first: 5 × 3 with diagonal (2, -7, 6.5).
    double[][] m = new double[5][3];
    m[0][0] = 2;
    m[1][1] = -7;
    m[2][2] = 6.5;
    // σ₂/σ₁ = 6.5/7: slow convergence, (0.93)² per product, still to 1e-6 within the cap.
    assertEquals(7, SpectralNorm.of(columnMajor(m, 0), 0, 5, 3), 7e-5);
    double[][] wide = new double[2][6]; // 2 × 6: the start vector has more entries than A rows
    wide[0][4] = 0.25;
    wide[1][1] = -0.5;
    assertEquals(0.5, SpectralNorm.of(columnMajor(wide, 2), 2, 2, 6), 0.5e-6);
  }

  @Test
  void theZeroMatrixHasNormZeroAndNaNStaysNaN() {
    assertEquals(0, SpectralNorm.of(new float[12], 0, 3, 4));
    float[] broken = new float[12];
    broken[7] = Float.NaN;
    assertTrue(Double.isNaN(SpectralNorm.of(broken, 0, 3, 4)));
  }

  @Test
  void gaussianMatricesAgreeWithTheSingularValueDecomposition() {
    SplittableRandom random = new SplittableRandom(11);
    // Shapes of a network's layers: input (32 × 256), hidden (256 × 256), readout (256 × 10).
    int[][] shapes = {{32, 256}, {256, 256}, {256, 10}};
    for (int[] shape : shapes) {
      double[][] m = new double[shape[0]][shape[1]];
      for (double[] row : m) {
        for (int j = 0; j < row.length; j++) {
          row[j] = random.nextGaussian() / Math.sqrt(shape[0]);
        }
      }
      double exact =
          new SingularValueDecomposition(MatrixUtils.createRealMatrix(m)).getSingularValues()[0];
      double estimate = SpectralNorm.of(columnMajor(m, 1), 1, shape[0], shape[1]);
      assertTrue(estimate <= exact * (1 + 1e-6), "a lower bound: " + estimate + " > " + exact);
      // A square Gaussian matrix's top singular values crowd together: power iteration is slower.
      double tolerance = shape[0] == shape[1] ? 1e-4 : 1e-5;
      assertEquals(exact, estimate, tolerance * exact, shape[0] + " x " + shape[1]);
    }
  }
}
