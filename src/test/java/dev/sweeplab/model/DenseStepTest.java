package dev.sweeplab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.RunConfig;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * What {@link DenseStep} takes and refuses, and its arithmetic's pieces; that it trains as DL4J's
 * {@code fit} does is {@link MlpContractTest}'s.
 */
class DenseStepTest {
  @Test
  void takesWhatNetworksBuildsAndNothingItCannotTrain() {
    assertNull(
        DenseStep.unsupported(Networks.build(run("relu", "classification", "mup", "adam", 2))));
    MultiLayerNetwork dropout =
        net(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).dropOut(0.5));
    assertNotNull(DenseStep.unsupported(dropout));
    assertThrows(IllegalArgumentException.class, () -> DenseStep.of(dropout, 8));
    MultiLayerNetwork l1 =
        net(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).l1(1e-3));
    assertNotNull(DenseStep.unsupported(l1));
    MultiLayerNetwork l2Bias =
        net(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).l2Bias(1e-3));
    assertNotNull(DenseStep.unsupported(l2Bias));
    // An L2 term or a decoupled decay on the weights is the updater's, which the step calls.
    MultiLayerNetwork l2 =
        net(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).l2(1e-3));
    assertNull(DenseStep.unsupported(l2));
    DenseLayer.Builder decayed = new DenseLayer.Builder().nIn(4).nOut(3);
    decayed.activation(Activation.RELU).weightDecay(1e-3, true);
    MultiLayerNetwork decay = net(decayed);
    assertNull(DenseStep.unsupported(decay));
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
    return MlpContractTest.run(activation, task, parameterization, optimizer, depth, Map.of());
  }
}
