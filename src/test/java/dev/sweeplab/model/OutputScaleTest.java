package dev.sweeplab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecKeys;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Chizat &amp; Bach's α ({@code model.output_scale}): α = 1 is the plain network; the output at
 * initialisation does not depend on α; and the larger α, the less the parameters move for the same
 * fit, about as 1/α (lazy training), while the loss still falls.
 */
class OutputScaleTest {
  private static RunConfig run(double alpha) {
    return MlpContractTest.run(
        "relu", "regression", "standard", "sgd", 2, Map.of(SpecKeys.OUTPUT_SCALE, List.of(alpha)));
  }

  @Test
  void alphaOneIsThePlainNetworkAndTheStartDoesNotDependOnAlpha() {
    assertEquals(
        MlpContractTest.run("relu", "regression", "standard", "sgd", 2, Map.of()).runId(),
        run(1.0).runId(),
        "alpha 1 is the default: the same run");
    float[] x = inputs(16 * 20, 1);
    try (Mlp scaled = Mlp.of(run(100.0), 16, 16, Mlp.BLAS)) {
      FloatBuffer z = scaled.forward(x, 0, 16, null);
      float[] f = new float[16 * 4];
      z.get(0, f);
      // The network's own output (regression: identity) at θ₀, through DL4J.
      float[] h =
          Networks.network(scaled)
              .output(org.nd4j.linalg.factory.Nd4j.create(x, new long[] {16, 20}, 'c'))
              .reshape(16 * 4)
              .toFloatVector();
      assertArrayEquals(h, f, 1e-5f, "f_alpha(theta_0) = h(theta_0)");
    }
  }

  @Test
  void largerAlphaMovesTheWeightsLessAsOneOverAlpha() {
    double[] moved = new double[3];
    double[] alphas = {1, 10, 100};
    for (int i = 0; i < alphas.length; i++) {
      RunConfig base = run(1.0);
      RunConfig config = RunConfig.of(base.sweep(), Map.copyOf(withScale(base, alphas[i])));
      try (Mlp net = Mlp.of(config, 16, 16, Mlp.BLAS)) {
        float[] start = net.parameters();
        SplittableRandom random = new SplittableRandom(9);
        double first = Double.NaN;
        double last = Double.NaN;
        for (int s = 0; s < 200; s++) {
          for (int j = 0; j < 16 * 20; j++) {
            net.features().put(j, (float) random.nextGaussian());
          }
          for (int j = 0; j < 16 * 4; j++) {
            net.labels().put(j, (float) (0.5 * Math.sin(j)));
          }
          last = net.fit(16);
          if (s == 0) {
            first = last;
          }
        }
        assertTrue(
            last < first, "alpha " + alphas[i] + ": the loss fell from " + first + " to " + last);
        moved[i] = relativeChange(start, net.parameters());
      }
    }
    double tenfold = moved[1] / moved[2];
    assertTrue(moved[0] > moved[1] && moved[1] > moved[2], java.util.Arrays.toString(moved));
    assertTrue(
        tenfold > 5 && tenfold < 20, "alpha 10 -> 100 moves the weights " + tenfold + "x less");
  }

  private static Map<String, Object> withScale(RunConfig run, double alpha) {
    Map<String, Object> c = new java.util.TreeMap<>(run.columns());
    c.put(SpecKeys.OUTPUT_SCALE.column(), alpha);
    return c;
  }

  private static float[] inputs(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  private static double relativeChange(float[] a, float[] b) {
    double moved = 0;
    double size = 0;
    for (int i = 0; i < a.length; i++) {
      moved += (double) (b[i] - a[i]) * (b[i] - a[i]);
      size += (double) a[i] * a[i];
    }
    return Math.sqrt(moved / size);
  }
}
