package dev.sweeplab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code model.train: readout}, a random-features model (Rahimi &amp; Recht 2007): on both
 * implementations every hidden layer keeps its initial parameters bit for bit, under every
 * optimizer setting that could move it (momentum, weight decay, schedules, Adam, a diverging rate),
 * while the output layer trains; and full-batch gradient descent on the squared loss from a zero
 * readout reaches the minimum-norm least-squares readout of the fixed features.
 */
class RandomFeaturesTest {
  private static final int ROWS = 6;
  private static final int STEPS = 20;

  @Test
  void onlyTheReadoutTrains() {
    List<Map<Key, Object>> setups =
        List.of(
            Map.of(
                SpecKeys.OPTIMIZER,
                "sgd",
                SpecKeys.MOMENTUM,
                0.9,
                SpecKeys.WEIGHT_DECAY,
                0.1,
                SpecKeys.SCHEDULE,
                "cosine",
                SpecKeys.WARMUP_STEPS,
                2),
            Map.of(SpecKeys.OPTIMIZER, "sgd", SpecKeys.PARAMETERIZATION, "mup"),
            Map.of(
                SpecKeys.OPTIMIZER, "adam",
                SpecKeys.WEIGHT_DECAY, 0.1,
                SpecKeys.SCHEDULE, "linear"),
            Map.of(
                SpecKeys.OPTIMIZER, "adam",
                SpecKeys.PARAMETERIZATION, "mup",
                SpecKeys.READOUT_INIT, "zero"),
            Map.of(SpecKeys.OPTIMIZER, "sgd", SpecKeys.OUTPUT_SCALE, 4.0));
    for (Map<Key, Object> setup : setups) {
      for (String implementation : new String[] {Mlp.BLAS, Mlp.DL4J}) {
        if (setup.containsKey(SpecKeys.OUTPUT_SCALE) && implementation.equals(Mlp.DL4J)) {
          continue; // output_scale needs the BLAS implementation
        }
        String what = implementation + " " + setup;
        Moved readout = train(run(setup, "readout", 0), implementation);
        assertEquals(0, readout.hidden, what + ": a frozen layer moved by " + readout.hidden);
        assertTrue(readout.output > 1e-3, what + ": the readout moved by " + readout.output);
        // The same run training every layer moves the hidden ones: the check above can fail.
        Moved all = train(run(setup, "all", 0), implementation);
        assertTrue(all.hidden > 1e-4, what + ": train: all moved hidden layers by " + all.hidden);
      }
    }
  }

  @Test
  void aDivergingReadoutLeavesTheFeaturesAlone() {
    // A rate far past stability: the loss and the readout overflow, the hidden gradients become
    // NaN, and the frozen layers' update is still exactly 0 (0 × NaN would not be).
    Map<Key, Object> setup =
        Map.of(SpecKeys.OPTIMIZER, "sgd", SpecKeys.MOMENTUM, 0.9, SpecKeys.LOSS, "mse");
    for (String implementation : new String[] {Mlp.BLAS, Mlp.DL4J}) {
      Moved m = train(run(setup, "readout", 1e6), implementation);
      assertTrue(m.diverged, implementation + ": the run was meant to diverge");
      assertEquals(0, m.hidden, implementation + ": a frozen layer moved by " + m.hidden);
    }
  }

  @Test
  void gradientDescentFromAZeroReadoutReachesTheMinimumNormReadout() {
    int n = 8;
    int d = 10;
    int p = 32;
    int k = 2;
    // The Hessian of the mean over n of (1/K) Σ (z − y)² in one output's readout is
    // (2 / nK) AᵀA, A = [Φ, 1] the features with the bias column; |tanh| ≤ 1 bounds its largest
    // eigenvalue by (2 / nK) tr(AAᵀ) ≤ 2 (p + 1) / K, so this rate is stable.
    double rate = 0.9 * k / (p + 1);
    Map<Key, Object> setup =
        Map.of(
            SpecKeys.OPTIMIZER,
            "sgd",
            SpecKeys.LOSS,
            "mse",
            SpecKeys.READOUT_INIT,
            "zero",
            SpecKeys.INPUT_DIM,
            d,
            SpecKeys.CLASSES,
            k,
            SpecKeys.WIDTH,
            p,
            SpecKeys.DEPTH,
            1);
    RunConfig run = run(setup, "readout", rate);
    SplittableRandom random = new SplittableRandom(5);
    float[] x = new float[n * d];
    float[] y = new float[n * k];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) random.nextGaussian();
    }
    for (String implementation : new String[] {Mlp.BLAS, Mlp.DL4J}) {
      try (Mlp net = Mlp.of(run, n, n, implementation)) {
        float[] start = net.parameters();
        int readoutAt = d * p + p;
        double[][] a = new double[n][p + 1];
        for (int r = 0; r < n; r++) {
          for (int j = 0; j < p; j++) {
            double z = start[d * p + j];
            for (int i = 0; i < d; i++) {
              z += x[r * d + i] * start[i + j * d]; // W is d × p, column-major
            }
            a[r][j] = Math.tanh(z);
          }
          a[r][p] = 1;
        }
        double[][] best = minimumNorm(a, y, n, p + 1, k);
        net.features().put(0, x);
        net.labels().put(0, y);
        double loss = Double.NaN;
        for (int t = 0; t < 4000; t++) {
          loss = net.fit(n);
        }
        assertTrue(loss < 1e-8, implementation + ": the readout interpolates, loss " + loss);
        float[] end = net.parameters();
        for (int i = 0; i < readoutAt; i++) {
          assertEquals(start[i], end[i], 0, implementation + ": feature parameter " + i);
        }
        double scale = 0;
        for (double[] row : best) {
          for (double v : row) {
            scale = Math.max(scale, Math.abs(v));
          }
        }
        for (int c = 0; c < k; c++) {
          for (int j = 0; j <= p; j++) {
            // Output W is p × K column-major (j + c·p), then the K biases.
            float got = j < p ? end[readoutAt + j + c * p] : end[readoutAt + p * k + c];
            assertEquals(
                best[j][c],
                got,
                1e-4 * scale,
                implementation + ": readout of feature " + j + ", output " + c);
          }
        }
      }
    }
  }

  /** θ = Aᵀ (AAᵀ)⁻¹ Y: the least-norm solution of A θ = Y, A of full row rank n. */
  private static double[][] minimumNorm(double[][] a, float[] y, int n, int m, int k) {
    double[][] g = new double[n][n + k];
    for (int r = 0; r < n; r++) {
      for (int s = 0; s < n; s++) {
        for (int j = 0; j < m; j++) {
          g[r][s] += a[r][j] * a[s][j];
        }
      }
      for (int c = 0; c < k; c++) {
        g[r][n + c] = y[r * k + c];
      }
    }
    for (int col = 0; col < n; col++) { // Gauss–Jordan with partial pivoting
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(g[r][col]) > Math.abs(g[pivot][col])) {
          pivot = r;
        }
      }
      double[] swap = g[col];
      g[col] = g[pivot];
      g[pivot] = swap;
      assertTrue(Math.abs(g[col][col]) > 1e-9, "the features have full row rank");
      for (int r = 0; r < n; r++) {
        if (r != col) {
          double f = g[r][col] / g[col][col];
          for (int c = col; c < n + k; c++) {
            g[r][c] -= f * g[col][c];
          }
        }
      }
    }
    double[][] theta = new double[m][k];
    for (int j = 0; j < m; j++) {
      for (int c = 0; c < k; c++) {
        for (int r = 0; r < n; r++) {
          theta[j][c] += a[r][j] * g[r][n + c] / g[r][r];
        }
      }
    }
    return theta;
  }

  /** The largest change of any hidden and of any output parameter after a short run. */
  private record Moved(double hidden, double output, boolean diverged) {}

  private static Moved train(RunConfig run, String implementation) {
    try (Mlp net = Mlp.of(run, ROWS, ROWS, implementation)) {
      int[] dims = net.dims();
      int layers = dims.length - 1;
      int readoutAt = 0;
      for (int l = 0; l < layers - 1; l++) {
        readoutAt += dims[l] * dims[l + 1] + dims[l + 1];
      }
      float[] start = net.parameters();
      SplittableRandom random = new SplittableRandom(17);
      int d = dims[0];
      int k = dims[layers];
      boolean diverged = false;
      for (int t = 0; t < STEPS; t++) {
        float[] x = new float[ROWS * d];
        float[] y = new float[ROWS * k];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) random.nextGaussian();
        }
        for (int r = 0; r < ROWS; r++) {
          y[r * k + random.nextInt(k)] = 1f;
        }
        net.features().put(0, x);
        net.labels().put(0, y);
        diverged |= !Double.isFinite(net.fit(ROWS));
      }
      float[] end = net.parameters();
      double hidden = 0;
      double output = 0;
      for (int i = 0; i < end.length; i++) {
        if (Float.floatToRawIntBits(start[i]) == Float.floatToRawIntBits(end[i])) {
          continue;
        }
        // A NaN, or 0 turned into -0, counts as a change of 1: anything but the same bits moved.
        double change = Math.abs((double) end[i] - start[i]);
        change = Double.isNaN(change) || change == 0 ? 1 : change;
        if (i < readoutAt) {
          hidden = Math.max(hidden, change);
        } else {
          output = Math.max(output, change);
        }
      }
      assertFalse(readoutAt == 0 || readoutAt == end.length, "hidden and output layers");
      return new Moved(hidden, output, diverged);
    }
  }

  /** A depth-2 tanh network on 5 inputs and 3 classes, with {@code setup} and {@code train}. */
  private static RunConfig run(Map<Key, Object> setup, String train, double learningRate) {
    Map<Key, List<?>> v = new LinkedHashMap<>();
    v.put(SpecKeys.INPUT_DIM, List.of(5));
    v.put(SpecKeys.CLASSES, List.of(3));
    v.put(SpecKeys.WIDTH, List.of(12));
    v.put(SpecKeys.DEPTH, List.of(2));
    v.put(SpecKeys.BASE_WIDTH, List.of(4));
    v.put(SpecKeys.ACTIVATION, List.of("tanh"));
    v.put(SpecKeys.STEPS, List.of(STEPS));
    setup.forEach((key, value) -> v.put(key, List.of(value)));
    boolean sgd = "sgd".equals(setup.get(SpecKeys.OPTIMIZER));
    v.put(SpecKeys.LEARNING_RATE, List.of(learningRate > 0 ? learningRate : sgd ? 0.1 : 0.02));
    v.put(SpecKeys.TRAIN, List.of(train));
    return SweepSpec.of("random_features", 3, 1, 10, v).expand().get(0);
  }
}
