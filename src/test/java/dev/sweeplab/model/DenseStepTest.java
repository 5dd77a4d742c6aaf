package dev.sweeplab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link DenseStep} trains a network exactly as DL4J's {@code fit} does, to float rounding: the
 * same loss at every step and the same parameters after many, for every activation, task,
 * parameterization, optimizer and depth {@link Networks} builds, with full and partial minibatches.
 */
class DenseStepTest {
  private static final int STEPS = 30;

  /** Rows of each step's minibatch: full batches of 16 and a partial one, as an epoch ends. */
  private static final int[] ROWS = {16, 16, 16, 5};

  @Test
  void trainsAsDl4jsFitDoes() {
    int cases = 0;
    for (String activation : new String[] {"relu", "tanh", "linear"}) {
      for (String task : new String[] {"classification", "regression"}) {
        for (String parameterization : new String[] {"standard", "mup", "ntk", "mean_field"}) {
          for (String optimizer : new String[] {"adam", "sgd"}) {
            int depth = parameterization.equals("mean_field") ? 1 : 1 + cases % 3;
            if (Parameterization.of(parameterization).undefinedFor(depth, optimizer) != null) {
              continue; // ntk with adam: refused by the spec
            }
            compare(run(activation, task, parameterization, optimizer, depth));
            cases++;
          }
        }
      }
    }
    assertEquals(42, cases);
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
            + run.depth();
    MultiLayerNetwork fit = Networks.build(run);
    MultiLayerNetwork ours = Networks.build(run);
    INDArray start = ours.params().dup();
    int d = run.inputDim();
    int k = run.classes();
    SplittableRandom random = new SplittableRandom(run.seed());
    try (DenseStep step = DenseStep.of(ours, 16)) {
      for (int s = 0; s < STEPS; s++) {
        int rows = ROWS[s % ROWS.length];
        float[] x = new float[rows * d];
        float[] y = new float[rows * k];
        for (int i = 0; i < x.length; i++) {
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
        fit.fit(
            Nd4j.create(x, new long[] {rows, d}, 'c'), Nd4j.create(y, new long[] {rows, k}, 'c'));
        step.features().put(0, x);
        step.labels().put(0, y);
        double loss = step.fit(rows);
        assertEquals(fit.score(), loss, 1e-5 * Math.max(1, Math.abs(fit.score())), what + " loss");
      }
    }
    assertEquals(STEPS, ours.getIterationCount(), what + ": iterations");
    assertEquals(fit.getIterationCount(), ours.getIterationCount(), what + ": iterations");
    float[] expected = fit.params().toFloatVector();
    float[] actual = ours.params().toFloatVector();
    double moved = start.distance2(fit.params());
    assertTrue(moved > 1e-3, what + ": training moved the parameters by " + moved);
    double maxDiff = 0;
    for (int i = 0; i < expected.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
    }
    // A wrong gradient moves some parameter by about a learning rate (1e-2) per step.
    assertTrue(maxDiff < 1e-4, what + ": parameters differ by up to " + maxDiff);
  }

  @Test
  void takesWhatNetworksBuildsAndNothingItCannotTrain() {
    assertNull(
        DenseStep.unsupported(Networks.build(run("relu", "classification", "mup", "adam", 2))));
    MultiLayerNetwork dropout =
        net(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).dropOut(0.5));
    assertNotNull(DenseStep.unsupported(dropout));
    assertThrows(IllegalArgumentException.class, () -> DenseStep.of(dropout, 8));
    MultiLayerNetwork l2 =
        net(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).l2(1e-3));
    assertNotNull(DenseStep.unsupported(l2));
    MultiLayerNetwork plain =
        net(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU));
    assertNull(DenseStep.unsupported(plain), "the same network without them");
    MultiLayerNetwork sigmoid =
        net(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.SIGMOID));
    assertTrue(
        DenseStep.unsupported(sigmoid).contains("activation"), DenseStep.unsupported(sigmoid));
  }

  @Test
  void tanhIsMathTanhToTheFloat() {
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 200_000; i++) {
      // magnitudes from 1e-30 to 1e2, both signs, across the Taylor / exp boundary at 1e-4
      float x = (float) (Math.pow(10, -30 + 32 * random.nextDouble()) * (i % 2 == 0 ? 1 : -1));
      float expected = (float) Math.tanh(x);
      float actual = DenseForward.tanh(x);
      assertTrue(
          Math.abs(actual - expected) <= Math.ulp(expected),
          "tanh(" + x + ") = " + actual + ", Math.tanh: " + expected);
    }
    assertEquals(1f, DenseForward.tanh(Float.POSITIVE_INFINITY));
    assertEquals(-1f, DenseForward.tanh(-1e30f));
    assertTrue(Float.isNaN(DenseForward.tanh(Float.NaN)));
  }

  @Test
  void refusesMoreRowsThanItHasRoomFor() {
    MultiLayerNetwork net = Networks.build(run("relu", "classification", "standard", "adam", 1));
    try (DenseStep step = DenseStep.of(net, 4)) {
      assertEquals(4, step.maxRows());
      assertThrows(IllegalArgumentException.class, () -> step.fit(5));
      assertThrows(IllegalArgumentException.class, () -> step.fit(0));
    }
  }

  private static MultiLayerNetwork net(DenseLayer.Builder hidden) {
    MultiLayerNetwork net =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .list()
                .layer(hidden.build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(3)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
    net.init();
    return net;
  }

  static RunConfig run(
      String activation, String task, String parameterization, String optimizer, int depth) {
    Map<dev.sweeplab.spec.Key, List<?>> v = new LinkedHashMap<>();
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
    return SweepSpec.of("dense", 11, 1, 10, v).expand().get(0);
  }
}
