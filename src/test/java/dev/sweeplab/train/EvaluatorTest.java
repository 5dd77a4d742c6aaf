package dev.sweeplab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.data.Dataset;
import dev.sweeplab.data.DatasetCache;
import dev.sweeplab.data.DatasetSpec;
import dev.sweeplab.model.Mlp;
import dev.sweeplab.model.Networks;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecKeys;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The evaluation gives the same numbers through either {@link Mlp} implementation, to float
 * rounding: losses, errors and activation scales, over several chunks of the whole splits (the
 * validation split included), and the change of activations and features since the evaluator was
 * made (exactly 0 before the network moves).
 */
class EvaluatorTest {
  @Test
  void denseForwardEvaluatesAsDl4jDoes() {
    int cases = 0;
    for (String task : new String[] {"classification", "regression"}) {
      for (String activation : new String[] {"relu", "tanh", "linear"}) {
        int depth = 1 + cases % 3;
        RunConfig run =
            TrainerTest.run(
                Map.of(
                    SpecKeys.TASK, List.of(task),
                    SpecKeys.ACTIVATION, List.of(activation),
                    SpecKeys.DEPTH, List.of(depth),
                    SpecKeys.WIDTH, List.of(48),
                    SpecKeys.TRAIN_SIZE, List.of(2500),
                    SpecKeys.TEST_SIZE, List.of(300)));
        compare(run, task + "/" + activation + "/depth " + depth);
        cases++;
      }
    }
    assertEquals(6, cases);
  }

  private static void compare(RunConfig run, String what) {
    Dataset data = DatasetCache.get(DatasetSpec.of(run));
    int rows = Evaluator.forwardRows(data);
    try (Mlp blas = Mlp.of(run, 16, rows, Mlp.BLAS);
        Mlp dl4j = Mlp.of(run, 16, rows, Mlp.DL4J)) {
      // Biases start at 0: give them values, so that a pass that dropped them would disagree.
      biases(Networks.network(blas));
      biases(Networks.network(dl4j));
      assertEquals(
          java.util.Arrays.toString(blas.parameters()),
          java.util.Arrays.toString(dl4j.parameters()),
          what + ": one seed, one network");
      compare(data, blas, dl4j, what);
    }
  }

  private static void biases(MultiLayerNetwork net) {
    Nd4j.getRandom().setSeed(3);
    for (int l = 0; l < net.getnLayers(); l++) {
      INDArray b = net.getLayer(l).getParam("b");
      b.assign(Nd4j.randn(DataType.FLOAT, b.shape()).muli(0.5));
    }
  }

  /** Moves every weight matrix by a tenth of its own scale: the change is well above rounding. */
  private static void move(MultiLayerNetwork net) {
    Nd4j.getRandom().setSeed(5);
    for (int l = 0; l < net.getnLayers(); l++) {
      INDArray w = net.getLayer(l).getParam("W");
      double scale = w.stdNumber().doubleValue();
      w.addi(Nd4j.randn(DataType.FLOAT, w.shape()).muli(0.1 * scale));
    }
  }

  private static void compare(Dataset data, Mlp blas, Mlp dl4jNet, String what) {
    try (Evaluator dense = new Evaluator(data, blas);
        Evaluator dl4j = new Evaluator(data, dl4jNet)) {
      // All 2,500 training samples: three chunks of 1,024, the last partial.
      CurvePoint curve = dense.evaluate(5, 0.25);
      assertSame(dl4j.evaluate(5, 0.25), curve, what + ", all samples");
      assertEquals(curve, dense.evaluate(5, 0.25), what + ": the same samples every time");
      int layers = blas.dims().length - 1;
      List<Double> zeros = java.util.Collections.nCopies(layers, 0.0);
      assertEquals(zeros, curve.activationChanges(), what + ": nothing moved yet (dense)");
      assertEquals(zeros, dl4j.evaluate(0, 0).activationChanges(), what + ": nothing (DL4J)");
      assertEquals(java.util.Collections.nCopies(layers - 1, 0.0), dense.featureChange());
      assertEquals(java.util.Collections.nCopies(layers - 1, 0.0), dl4j.featureChange());

      move(Networks.network(blas));
      move(Networks.network(dl4jNet));
      CurvePoint movedDense = dense.evaluate(9, 0.5);
      CurvePoint movedDl4j = dl4j.evaluate(9, 0.5);
      assertSame(movedDl4j, movedDense, what + ", moved");
      assertEquals(layers, movedDense.activationChanges().size());
      for (int i = 0; i < layers; i++) {
        close(
            movedDl4j.activationChanges().get(i),
            movedDense.activationChanges().get(i),
            what + ": mean |h_t - h_0| of layer " + i);
      }
      List<Double> featuresDense = dense.featureChange();
      List<Double> featuresDl4j = dl4j.featureChange();
      assertEquals(layers - 1, featuresDense.size(), what + ": one per hidden layer");
      for (int i = 0; i < layers - 1; i++) {
        close(featuresDl4j.get(i), featuresDense.get(i), what + ": feature change of layer " + i);
        assertTrue(featuresDense.get(i) < 1, what + ": a tenth of the weights moves features less");
      }
    }
  }

  private static void assertSame(CurvePoint expected, CurvePoint actual, String what) {
    assertEquals(expected.step(), actual.step());
    assertEquals(expected.epoch(), actual.epoch());
    close(expected.trainLoss(), actual.trainLoss(), what + ": train loss");
    close(expected.testLoss(), actual.testLoss(), what + ": test loss");
    close(expected.valLoss(), actual.valLoss(), what + ": validation loss");
    if (Double.isNaN(expected.trainError())) {
      assertTrue(Double.isNaN(actual.trainError()), what + ": regression has no error");
    } else {
      // A sample whose two best classes tie to float rounding may go either way.
      assertEquals(expected.trainError(), actual.trainError(), 1.0 / 2048, what + ": train error");
      assertEquals(expected.testError(), actual.testError(), 1.0 / 300, what + ": test error");
      assertEquals(expected.valError(), actual.valError(), 1.0 / 512, what + ": val error");
    }
    List<Double> e = expected.activations();
    List<Double> a = actual.activations();
    assertEquals(e.size(), a.size(), what + ": hidden layers and the logits");
    for (int i = 0; i < e.size(); i++) {
      close(e.get(i), a.get(i), what + ": mean |activation| of layer " + i);
    }
  }

  private static void close(double expected, double actual, String what) {
    assertTrue(expected > 0 && Double.isFinite(expected), what + " is " + expected);
    assertEquals(expected, actual, 1e-5 * expected, what);
  }
}
