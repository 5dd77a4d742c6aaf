package dev.sweeplab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Mlp} implementation keeps, checked on both ({@link Mlp#BLAS} against
 * {@link Mlp#DL4J}, DL4J's own {@code fit}): from one configuration the same initial parameters,
 * the same loss at every step and the same parameters after many, and the same logits and layer
 * values, to float rounding, for every activation, task, parameterization (mean_field included),
 * optimizer and depth the spec accepts, with full and partial minibatches, an output multiplier and
 * a zero readout, and under learning-rate schedules with warmup, weight decay, heavy-ball momentum
 * and the squared loss on one-hot classes.
 */
class MlpContractTest {
  private static final int STEPS = 30;

  /** Rows of each step's minibatch: full batches of 16 and a partial one, as an epoch ends. */
  private static final int[] ROWS = {16, 16, 16, 5};

  @Test
  void bothImplementationsTrainAlike() {
    int cases = 0;
    for (String activation : new String[] {"relu", "tanh", "linear"}) {
      for (String task : new String[] {"classification", "regression"}) {
        for (String parameterization : new String[] {"standard", "mup", "ntk", "mean_field"}) {
          for (String optimizer : new String[] {"adam", "sgd"}) {
            int depth = parameterization.equals("mean_field") ? 1 : 1 + cases % 3;
            if (Parameterization.of(parameterization).undefinedFor(depth, optimizer) != null) {
              continue; // ntk with adam: refused by the spec
            }
            compare(run(activation, task, parameterization, optimizer, depth, Map.of()));
            cases++;
          }
        }
      }
    }
    assertEquals(42, cases);
  }

  @Test
  void anOutputMultiplierAndAZeroReadoutTrainAlike() {
    for (String optimizer : new String[] {"adam", "sgd"}) {
      compare(
          run(
              "relu",
              "classification",
              "mup",
              optimizer,
              2,
              Map.of(SpecKeys.OUTPUT_MULTIPLIER, List.of(2.5))));
      compare(
          run(
              "tanh",
              "classification",
              "mup",
              optimizer,
              2,
              Map.of(SpecKeys.READOUT_INIT, List.of("zero"))));
    }
  }

  @Test
  void schedulesWeightDecayMomentumAndSquaredLossTrainAlike() {
    int cases = 0;
    for (String parameterization : new String[] {"standard", "mup"}) {
      for (String optimizer : new String[] {"adam", "sgd"}) {
        for (String schedule : new String[] {"cosine", "linear"}) {
          Map<Key, List<?>> setup = new LinkedHashMap<>();
          setup.put(SpecKeys.STEPS, List.of(STEPS));
          setup.put(SpecKeys.SCHEDULE, List.of(schedule));
          setup.put(SpecKeys.WARMUP_STEPS, List.of(5));
          setup.put(SpecKeys.WEIGHT_DECAY, List.of(0.05));
          setup.put(SpecKeys.LOSS, List.of(schedule.equals("cosine") ? "mse" : "cross_entropy"));
          if (optimizer.equals("sgd")) {
            setup.put(SpecKeys.MOMENTUM, List.of(0.9));
          }
          compare(run("relu", "classification", parameterization, optimizer, 2, setup));
          cases++;
        }
      }
    }
    // Each on its own, where a mistake could hide behind the others.
    for (String activation : new String[] {"relu", "tanh", "linear"}) {
      compare(
          run(
              activation,
              "classification",
              "standard",
              "sgd",
              1,
              Map.of(SpecKeys.LOSS, List.of("mse"))));
      cases++;
    }
    compare(
        run("tanh", "classification", "mup", "sgd", 2, Map.of(SpecKeys.MOMENTUM, List.of(0.5))));
    compare(
        run("relu", "regression", "mup", "adam", 2, Map.of(SpecKeys.WEIGHT_DECAY, List.of(0.1))));
    compare(
        run(
            "relu",
            "classification",
            "standard",
            "adam",
            1,
            Map.of(SpecKeys.STEPS, List.of(STEPS), SpecKeys.WARMUP_STEPS, List.of(STEPS))));
    assertEquals(14, cases + 3);
  }

  @Test
  void aWideNetworkTrainsAsFitDoes() {
    // 16 rows of width 300: RowLoops' passes span two of its 4,096-float chunks.
    compare(
        run("tanh", "classification", "standard", "sgd", 2, Map.of(SpecKeys.WIDTH, List.of(300))));
  }

  @Test
  void onlyBlasTakesAnOutputScale() {
    RunConfig run =
        run(
            "relu",
            "classification",
            "standard",
            "sgd",
            1,
            Map.of(SpecKeys.OUTPUT_SCALE, List.of(10.0)));
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> Mlp.of(run, 16, 16, Mlp.DL4J));
    assertTrue(e.getMessage().contains("model.output_scale"), e.getMessage());
    try (Mlp blas = Mlp.of(run, 16, 16, Mlp.BLAS)) {
      assertEquals(Mlp.BLAS, blas.implementation());
    }
  }

  private static void compare(RunConfig run) {
    String what =
        run.activation()
            + "/"
            + run.task()
            + "/"
            + run.parameterization()
            + "/"
            + run.optimizer()
            + "/depth "
            + run.depth()
            + "/alpha_out "
            + run.outputMultiplier()
            + "/"
            + run.readoutInit()
            + "/"
            + run.loss()
            + "/"
            + run.schedule()
            + " warmup "
            + run.warmupSteps()
            + "/decay "
            + run.weightDecay()
            + "/momentum "
            + run.momentum();
    int d = run.inputDim();
    int k = run.classes();
    try (Mlp blas = Mlp.of(run, 16, 16, Mlp.BLAS);
        Mlp dl4j = Mlp.of(run, 16, 16, Mlp.DL4J)) {
      assertEquals(Mlp.BLAS, blas.implementation());
      assertEquals(Mlp.DL4J, dl4j.implementation());
      assertEquals(java.util.Arrays.toString(blas.dims()), java.util.Arrays.toString(dl4j.dims()));
      assertEquals(blas.numParams(), dl4j.numParams());
      float[] start = blas.parameters();
      assertEquals(
          java.util.Arrays.toString(start),
          java.util.Arrays.toString(dl4j.parameters()),
          what + ": one seed, one initial network");
      SplittableRandom random = new SplittableRandom(run.seed());
      float[] x = new float[16 * d];
      for (int s = 0; s < STEPS; s++) {
        int rows = ROWS[s % ROWS.length];
        float[] y = MlpContractTest.minibatch(run, random, x, rows);
        for (Mlp net : List.of(blas, dl4j)) {
          net.features().put(0, x, 0, rows * d);
          net.labels().put(0, y);
        }
        double expected = dl4j.fit(rows);
        double actual = blas.fit(rows);
        assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), what + " loss");
      }
      float[] a = blas.parameters();
      float[] e = dl4j.parameters();
      double moved = 0;
      double maxDiff = 0;
      for (int i = 0; i < e.length; i++) {
        moved = Math.max(moved, Math.abs(a[i] - start[i]));
        maxDiff = Math.max(maxDiff, Math.abs(e[i] - a[i]));
      }
      assertTrue(moved > 1e-3, what + ": training moved the parameters by " + moved);
      // A wrong gradient moves some parameter by about a learning rate (1e-2) per step.
      assertTrue(maxDiff < 1e-4, what + ": parameters differ by up to " + maxDiff);

      int layers = blas.dims().length - 1;
      float[][][] seen = new float[2][layers][];
      FloatBuffer[] out = new FloatBuffer[2];
      int i = 0;
      for (Mlp net : List.of(blas, dl4j)) {
        float[][] values = seen[i];
        FloatBuffer z =
            net.forward(
                x,
                0,
                16,
                (l, v, rows, cols) -> {
                  values[l] = new float[rows * cols];
                  v.get(0, values[l]);
                });
        float[] copy = new float[16 * k];
        z.get(0, copy);
        out[i++] = FloatBuffer.wrap(copy);
      }
      for (int j = 0; j < 16 * k; j++) {
        assertEquals(
            out[1].get(j),
            out[0].get(j),
            1e-4 * Math.max(1, Math.abs(out[1].get(j))),
            what + ": logit " + j);
      }
      for (int l = 0; l < layers; l++) {
        assertEquals(seen[1][l].length, seen[0][l].length, what + ": layer " + l);
        for (int j = 0; j < seen[1][l].length; j++) {
          assertEquals(
              seen[1][l][j],
              seen[0][l][j],
              1e-4 * Math.max(1, Math.abs(seen[1][l][j])),
              what + ": layer " + l + " value " + j);
        }
      }
    }
  }

  /**
   * A random minibatch of {@code rows} samples for {@code run}: standard normal inputs written into
   * {@code x} (rows × inputs), and the labels returned: one-hot classes, or standard normal
   * targets.
   */
  static float[] minibatch(RunConfig run, SplittableRandom random, float[] x, int rows) {
    int d = run.inputDim();
    int k = run.classes();
    float[] y = new float[rows * k];
    for (int i = 0; i < rows * d; i++) {
      x[i] = (float) random.nextGaussian();
    }
    for (int r = 0; r < rows; r++) {
      if ("classification".equals(run.task())) {
        y[r * k + random.nextInt(k)] = 1f;
      } else {
        for (int c = 0; c < k; c++) {
          y[r * k + c] = (float) random.nextGaussian();
        }
      }
    }
    return y;
  }

  static RunConfig run(
      String activation,
      String task,
      String parameterization,
      String optimizer,
      int depth,
      Map<Key, List<?>> more) {
    Map<Key, List<?>> v = new LinkedHashMap<>();
    v.put(SpecKeys.TASK, List.of(task));
    v.put(SpecKeys.INPUT_DIM, List.of(20));
    v.put(SpecKeys.CLASSES, List.of(4));
    v.put(SpecKeys.WIDTH, List.of(24));
    v.put(SpecKeys.DEPTH, List.of(depth));
    v.put(SpecKeys.BASE_WIDTH, List.of(8));
    v.put(SpecKeys.ACTIVATION, List.of(activation));
    v.put(SpecKeys.PARAMETERIZATION, List.of(parameterization));
    v.put(SpecKeys.OPTIMIZER, List.of(optimizer));
    v.put(SpecKeys.LEARNING_RATE, List.of("sgd".equals(optimizer) ? 0.05 : 0.01));
    v.putAll(more);
    return SweepSpec.of("contract", 11, 1, 10, v).expand().get(0);
  }
}
