package dev.sweeplab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.model.Parameterization.Layer;
import dev.sweeplab.model.Parameterization.Scaling;
import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecKeys;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

/**
 * The training setups checked against the formulas of docs/science.md written out here in plain
 * Java: the schedule's factor at every step, and a few steps of a small network trained by SGD with
 * heavy-ball momentum and L2, and by Adam with decoupled weight decay, under a warmup and a decay,
 * on cross-entropy and on the squared loss of one-hot classes. DL4J's fit shares the updaters with
 * the BLAS step, so {@link MlpContractTest} alone would not see a wrong update rule.
 */
class TrainingSetupsTest {
  private static final int STEPS = 7;
  private static final int ROWS = 6;

  @Test
  void theScheduleFactorIsTheFormula() {
    // T = 6 steps, warmup W = 2: f = 1/2, 1, then p = (t - 2) / 3 over t = 2..5.
    double[] cosine = {0.5, 1, 1, 0.1 + 0.9 * 0.75, 0.1 + 0.9 * 0.25, 0.1};
    double[] linear = {0.5, 1, 1, 2.0 / 3, 1.0 / 3, 0};
    double[] constant = {0.5, 1, 1, 1, 1, 1};
    for (int t = 0; t < 6; t++) {
      assertEquals(cosine[t], Schedule.factor("cosine", 2, 6, t), 1e-12, "cosine at " + t);
      assertEquals(linear[t], Schedule.factor("linear", 2, 6, t), 1e-12, "linear at " + t);
      assertEquals(constant[t], Schedule.factor("constant", 2, 6, t), 1e-12, "constant " + t);
    }
    // No warmup: the peak at the first step, the floor at the last.
    assertEquals(1, Schedule.factor("cosine", 0, 10, 0), 1e-12);
    assertEquals(0.1, Schedule.factor("cosine", 0, 10, 9), 1e-12);
    assertEquals(0.1 + 0.9 * 0.5, Schedule.factor("cosine", 0, 11, 5), 1e-12);
    assertEquals(0, Schedule.factor("linear", 0, 10, 9), 1e-12);
    // A warmup over the whole run ends at the peak; one step after it stays there.
    assertEquals(1, Schedule.factor("linear", 4, 4, 3), 1e-12);
    assertEquals(1, Schedule.factor("linear", 3, 4, 3), 1e-12);
    assertEquals(0.25, Schedule.factor("linear", 4, 4, 0), 1e-12);
    // Past the planned steps the factor stays at its end value.
    assertEquals(0.1, Schedule.factor("cosine", 0, 10, 40), 1e-12);
  }

  @Test
  void sgdWithMomentumL2AndACosineScheduleFollowsTheFormulas() {
    for (String parameterization : new String[] {"standard", "mup"}) {
      for (String loss : new String[] {"cross_entropy", "mse"}) {
        check(run("sgd", parameterization, loss, "cosine", 0.9, 0.1));
      }
    }
    check(run("sgd", "standard", "mse", "linear", 0, 0));
    check(run("sgd", "mup", "cross_entropy", "constant", 0.5, 0));
  }

  @Test
  void adamWithDecoupledWeightDecayAndALinearScheduleFollowsTheFormulas() {
    for (String parameterization : new String[] {"standard", "mup"}) {
      for (String loss : new String[] {"cross_entropy", "mse"}) {
        check(run("adam", parameterization, loss, "linear", 0, 0.1));
      }
    }
    check(run("adam", "mup", "mse", "cosine", 0, 0));
  }

  @Test
  void theSquaredLossOfAClassIsThatOfItsOneHotRow() {
    FloatBuffer z = FloatBuffer.wrap(new float[] {0.5f, -1.25f, 2f, 0.75f});
    float[] oneHot = {0, 0, 1, 0};
    // (1/K) Σ (z − y)² = (0.25 + 1.5625 + 1 + 0.5625) / 4
    assertEquals(3.375 / 4, Loss.squaredError(z, 0, 4, 2), 1e-12);
    assertEquals(Loss.squaredError(z, 0, 4, oneHot, 0), Loss.squaredError(z, 0, 4, 2), 0);
    FloatBuffer delta = FloatBuffer.allocate(4);
    double loss = Loss.of(false, z, 0, 4, FloatBuffer.wrap(oneHot), 0, delta, 1f);
    assertEquals(3.375 / 4, loss, 1e-12);
    assertEquals(2 * (2f - 1) / 4, delta.get(2), 1e-7, "gradient 2(z − y)/K");
  }

  @Test
  void theNetworkAndItsUpdatersSurviveDl4jsJson() {
    RunConfig run = run("sgd", "mup", "mse", "cosine", 0.9, 0.1);
    MultiLayerNetwork net = Networks.build(run);
    try {
      MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
      MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
      assertEquals(conf, back);
      assertEquals(conf, conf.clone());
      assertTrue(conf.toJson().contains("HeavyBall"), "the momentum updater is named");
    } finally {
      Networks.release(net);
    }
  }

  @Test
  void momentumAddsOneStateFloatPerParameterAndAdamTwo() {
    for (String[] c : new String[][] {{"sgd", "0"}, {"sgd", "0.9"}, {"adam", "0"}}) {
      RunConfig run = run(c[0], "standard", "mse", "constant", Double.parseDouble(c[1]), 0);
      MultiLayerNetwork net = Networks.build(run);
      try {
        long state =
            net.getUpdater().getStateViewArray() == null
                ? 0
                : net.getUpdater().getStateViewArray().length();
        long expected =
            c[0].equals("adam") ? 2 * run.params() : c[1].equals("0") ? 0 : run.params();
        assertEquals(expected, state, c[0] + " momentum " + c[1]);
      } finally {
        Networks.release(net);
      }
    }
  }

  private static RunConfig run(
      String optimizer,
      String parameterization,
      String loss,
      String schedule,
      double momentum,
      double weightDecay) {
    Map<Key, List<?>> v = new LinkedHashMap<>();
    v.put(SpecKeys.INPUT_DIM, List.of(5));
    v.put(SpecKeys.CLASSES, List.of(3));
    v.put(SpecKeys.WIDTH, List.of(12));
    v.put(SpecKeys.DEPTH, List.of(2));
    v.put(SpecKeys.BASE_WIDTH, List.of(4));
    v.put(SpecKeys.ACTIVATION, List.of("tanh"));
    v.put(SpecKeys.PARAMETERIZATION, List.of(parameterization));
    v.put(SpecKeys.OPTIMIZER, List.of(optimizer));
    v.put(SpecKeys.LEARNING_RATE, List.of("sgd".equals(optimizer) ? 0.1 : 0.02));
    v.put(SpecKeys.STEPS, List.of(STEPS));
    v.put(SpecKeys.LOSS, List.of(loss));
    v.put(SpecKeys.SCHEDULE, List.of(schedule));
    v.put(SpecKeys.WARMUP_STEPS, List.of(2));
    v.put(SpecKeys.MOMENTUM, List.of(momentum));
    v.put(SpecKeys.WEIGHT_DECAY, List.of(weightDecay));
    return dev.sweeplab.spec.SweepSpec.of("setups", 3, 1, 10, v).expand().get(0);
  }

  /** Trains {@code run} on both implementations and the reference; all three must agree. */
  private static void check(RunConfig run) {
    String what =
        run.optimizer()
            + "/"
            + run.parameterization()
            + "/"
            + run.loss()
            + "/"
            + run.schedule()
            + "/momentum "
            + run.momentum()
            + "/decay "
            + run.weightDecay();
    for (String implementation : new String[] {Mlp.BLAS, Mlp.DL4J}) {
      try (Mlp net = Mlp.of(run, ROWS, ROWS, implementation)) {
        Reference ref = new Reference(run, net.dims(), net.parameters());
        SplittableRandom random = new SplittableRandom(17);
        int d = run.inputDim();
        int k = run.classes();
        double moved = 0;
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
          double loss = net.fit(ROWS);
          double expected = ref.step(t, x, y);
          assertEquals(expected, loss, 1e-5 * Math.max(1, expected), what + " loss at " + t);
          float[] p = net.parameters();
          for (int i = 0; i < p.length; i++) {
            assertEquals(
                ref.params[i],
                p[i],
                2e-5 * Math.max(1, Math.abs(ref.params[i])),
                implementation + " " + what + ": parameter " + i + " after step " + t);
            moved = Math.max(moved, Math.abs(ref.params[i] - ref.start[i]));
          }
        }
        assertTrue(moved > 1e-2, what + ": training moved the parameters by " + moved);
      }
    }
  }

  /**
   * The network of docs/science.md's "Training setups" in doubles: per layer W (fan_in × fan_out,
   * column-major) then b, tanh hidden layers, the run's loss, and the update of its optimizer with
   * the per-layer rates of its parameterization (folded, as {@link Networks} builds them).
   */
  private static final class Reference {
    final RunConfig run;
    final int[] dims;
    final double[] params;
    final double[] start;
    final double[] rate;
    final boolean[] weight;
    final double[] first;
    final double[] second;

    Reference(RunConfig run, int[] dims, float[] initial) {
      this.run = run;
      this.dims = dims;
      this.params = new double[initial.length];
      for (int i = 0; i < initial.length; i++) {
        params[i] = initial[i];
      }
      this.start = params.clone();
      this.rate = new double[initial.length];
      this.weight = new boolean[initial.length];
      this.first = new double[initial.length];
      this.second = new double[initial.length];
      boolean adam = run.optimizer().equals("adam");
      Parameterization p = Parameterization.of(run.parameterization());
      double r = (double) run.width() / run.baseWidth();
      int layers = dims.length - 1;
      int o = 0;
      for (int l = 0; l < layers; l++) {
        Layer kind = l == 0 ? Layer.INPUT : l == layers - 1 ? Layer.OUTPUT : Layer.HIDDEN;
        Scaling s = p.scaling(kind, r, adam).folded(adam);
        for (int i = 0; i < dims[l] * dims[l + 1]; i++, o++) {
          rate[o] = s.weightRate();
          weight[o] = true;
        }
        for (int i = 0; i < dims[l + 1]; i++, o++) {
          rate[o] = s.biasRate();
        }
      }
      assertEquals(initial.length, o);
    }

    /** One step on the minibatch; returns its mean loss before the update. */
    double step(int t, float[] x, float[] y) {
      int layers = dims.length - 1;
      int k = dims[layers];
      double[] grad = new double[params.length];
      double loss = 0;
      for (int r = 0; r < ROWS; r++) {
        double[][] a = new double[layers + 1][];
        a[0] = new double[dims[0]];
        for (int i = 0; i < dims[0]; i++) {
          a[0][i] = x[r * dims[0] + i];
        }
        int[] offset = new int[layers];
        int o = 0;
        for (int l = 0; l < layers; l++) {
          offset[l] = o;
          int in = dims[l];
          int out = dims[l + 1];
          a[l + 1] = new double[out];
          for (int j = 0; j < out; j++) {
            double z = params[o + in * out + j];
            for (int i = 0; i < in; i++) {
              z += a[l][i] * params[o + i + j * in];
            }
            a[l + 1][j] = l < layers - 1 ? Math.tanh(z) : z;
          }
          o += in * out + out;
        }
        double[] z = a[layers];
        double[] delta = new double[k];
        if (run.crossEntropy()) {
          double max = Double.NEGATIVE_INFINITY;
          for (double v : z) {
            max = Math.max(max, v);
          }
          double sum = 0;
          for (double v : z) {
            sum += Math.exp(v - max);
          }
          for (int c = 0; c < k; c++) {
            double prob = Math.exp(z[c] - max) / sum;
            delta[c] = prob - y[r * k + c];
            if (y[r * k + c] == 1) {
              loss -= Math.log(prob);
            }
          }
        } else {
          for (int c = 0; c < k; c++) {
            double diff = z[c] - y[r * k + c];
            loss += diff * diff / k; // (1/K) Σ_k (z_k − y_k)²
            delta[c] = 2 * diff / k;
          }
        }
        for (int l = layers - 1; l >= 0; l--) {
          int in = dims[l];
          int out = dims[l + 1];
          double[] below = new double[in];
          for (int j = 0; j < out; j++) {
            grad[offset[l] + in * out + j] += delta[j];
            for (int i = 0; i < in; i++) {
              grad[offset[l] + i + j * in] += a[l][i] * delta[j];
              below[i] += params[offset[l] + i + j * in] * delta[j];
            }
          }
          if (l > 0) {
            for (int i = 0; i < in; i++) {
              below[i] *= 1 - a[l][i] * a[l][i]; // tanh′ from its output
            }
          }
          delta = below;
        }
      }
      double f = Schedule.factor(run.schedule(), run.warmupSteps(), run.totalSteps(), t);
      double eta = run.learningRate();
      double lambda = run.weightDecay();
      double mu = run.momentum();
      for (int i = 0; i < params.length; i++) {
        double g = grad[i] / ROWS;
        double layerRate = eta * rate[i] * f;
        double decay = weight[i] ? eta * f * lambda * params[i] : 0; // η_t·λ·W, every layer
        if (run.optimizer().equals("sgd")) {
          // L2: g + (λ/m)·W, so that the rate η·m·f makes the decay η·f·λ·W.
          double gl = g + (weight[i] ? lambda / rate[i] * params[i] : 0);
          first[i] = mu * first[i] + gl; // heavy ball: v ← μv + g; W ← W − η_t v
          params[i] -= layerRate * first[i];
        } else {
          double b1 = 0.9;
          double b2 = 0.999;
          first[i] = b1 * first[i] + (1 - b1) * g;
          second[i] = b2 * second[i] + (1 - b2) * g * g;
          double alpha = layerRate * Math.sqrt(1 - Math.pow(b2, t + 1)) / (1 - Math.pow(b1, t + 1));
          params[i] -= alpha * first[i] / (Math.sqrt(second[i]) + 1e-8) + decay;
        }
      }
      return loss / ROWS;
    }
  }
}
