package dev.sweeplab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

class NetworksTest {
  static final double LR = 0.01;

  static RunConfig run(String parameterization, int width, String optimizer) {
    return run(parameterization, width, optimizer, "mean_field".equals(parameterization) ? 1 : 2);
  }

  static RunConfig run(String parameterization, int width, String optimizer, int depth) {
    Map<Key, List<?>> v = new LinkedHashMap<>();
    v.put(SpecKeys.INPUT_DIM, List.of(50));
    v.put(SpecKeys.CLASSES, List.of(5));
    v.put(SpecKeys.WIDTH, List.of(width));
    v.put(SpecKeys.DEPTH, List.of(depth));
    v.put(SpecKeys.BASE_WIDTH, List.of(64));
    v.put(SpecKeys.ACTIVATION, List.of("tanh"));
    v.put(SpecKeys.PARAMETERIZATION, List.of(parameterization));
    v.put(SpecKeys.OPTIMIZER, List.of(optimizer));
    v.put(SpecKeys.LEARNING_RATE, List.of(LR));
    return SweepSpec.of("nets", 3, 1, 10, v).expand().get(0);
  }

  static double rate(MultiLayerNetwork net, int layer, boolean bias) {
    BaseLayer conf = (BaseLayer) net.getLayer(layer).conf().getLayer();
    IUpdater u = bias ? conf.getBiasUpdater() : conf.getIUpdater();
    return u instanceof Adam a ? a.getLearningRate() : ((Sgd) u).getLearningRate();
  }

  static double sigma(MultiLayerNetwork net, int layer) {
    return net.getLayer(layer).getParam("W").stdNumber().doubleValue();
  }

  @Test
  void standardInitIsLeCunAndOneRate() {
    MultiLayerNetwork net = Networks.build(run("standard", 256, "adam"));
    assertEquals(1 / Math.sqrt(50), sigma(net, 0), 0.03 / Math.sqrt(50));
    assertEquals(1 / Math.sqrt(256), sigma(net, 1), 0.03 / Math.sqrt(256));
    assertEquals(1 / Math.sqrt(256), sigma(net, 2), 0.1 / Math.sqrt(256));
    for (int l = 0; l < 3; l++) {
      assertEquals(LR, rate(net, l, false), 1e-12);
      assertEquals(LR, rate(net, l, true), 1e-12);
    }
    assertEquals(50 * 256 + 256 + 256 * 256 + 256 + 256 * 5 + 5, net.numParams());
  }

  @Test
  void mupAtFourTimesTheBaseWidth() {
    MultiLayerNetwork adam = Networks.build(run("mup", 256, "adam"));
    assertEquals(LR, rate(adam, 0, false), 1e-12);
    assertEquals(LR / 4, rate(adam, 1, false), 1e-12);
    assertEquals(LR / 4, rate(adam, 2, false), 1e-12);
    assertEquals(LR, rate(adam, 2, true), 1e-12);
    assertEquals(0.5 / Math.sqrt(256), sigma(adam, 2), 0.1 * 0.5 / Math.sqrt(256));
    assertEquals(1 / Math.sqrt(256), sigma(adam, 1), 0.03 / Math.sqrt(256));
    MultiLayerNetwork sgd = Networks.build(run("mup", 256, "sgd"));
    assertEquals(4 * LR, rate(sgd, 0, false), 1e-12);
    assertEquals(LR, rate(sgd, 1, false), 1e-12);
    assertEquals(LR / 4, rate(sgd, 2, false), 1e-12);
  }

  @Test
  void mupBiasRatesFollowTableThree() {
    MultiLayerNetwork sgd = Networks.build(run("mup", 256, "sgd"));
    assertEquals(4 * LR, rate(sgd, 0, true), 1e-12, "input bias: one infinite dimension");
    assertEquals(4 * LR, rate(sgd, 1, true), 1e-12, "hidden bias: one infinite dimension");
    assertEquals(LR, rate(sgd, 2, true), 1e-12, "output bias: no infinite dimension");
    MultiLayerNetwork adam = Networks.build(run("mup", 256, "adam"));
    for (int l = 0; l < 3; l++) {
      assertEquals(LR, rate(adam, l, true), 1e-12, "layer " + l);
    }
  }

  @Test
  void ntkDividesHiddenAndOutputWeightRatesOnly() {
    MultiLayerNetwork sgd = Networks.build(run("ntk", 256, "sgd"));
    assertEquals(LR, rate(sgd, 0, false), 1e-12);
    assertEquals(LR / 4, rate(sgd, 1, false), 1e-12);
    assertEquals(LR / 4, rate(sgd, 2, false), 1e-12);
    for (int l = 0; l < 3; l++) {
      assertEquals(LR, rate(sgd, l, true), 1e-12, "bias of layer " + l);
    }
    assertEquals(1 / Math.sqrt(256), sigma(sgd, 1), 0.03 / Math.sqrt(256));
    assertEquals(1 / Math.sqrt(256), sigma(sgd, 2), 0.1 / Math.sqrt(256));
  }

  @Test
  void meanFieldFoldsItsOutputMultiplier() {
    // Raw: multiplier 1/r on readout weights at base-width sigma, rate r (SGD) or 1 (Adam).
    MultiLayerNetwork sgd = Networks.build(run("mean_field", 256, "sgd"));
    assertEquals(4 * LR, rate(sgd, 0, false), 1e-12);
    assertEquals(4 * LR, rate(sgd, 0, true), 1e-12);
    assertEquals(LR / 4, rate(sgd, 1, false), 1e-12);
    assertEquals(LR, rate(sgd, 1, true), 1e-12);
    assertEquals(0.5 / Math.sqrt(256), sigma(sgd, 1), 0.1 * 0.5 / Math.sqrt(256));
    MultiLayerNetwork adam = Networks.build(run("mean_field", 256, "adam"));
    assertEquals(LR, rate(adam, 0, false), 1e-12);
    assertEquals(LR / 4, rate(adam, 1, false), 1e-12);
    assertEquals(LR, rate(adam, 1, true), 1e-12);
  }

  @Test
  void outputMultiplierAndZeroReadout() {
    RunConfig base = run("mup", 256, "sgd");
    Map<String, Object> c = new LinkedHashMap<>(base.columns());
    c.put(SpecKeys.OUTPUT_MULTIPLIER.column(), 2.0);
    MultiLayerNetwork doubled = Networks.build(RunConfig.of(base.sweep(), c));
    assertEquals(2 * 0.5 / Math.sqrt(256), sigma(doubled, 2), 0.1 * 0.5 / Math.sqrt(256));
    assertEquals(4 * LR / 4, rate(doubled, 2, false), 1e-12, "SGD: rate x multiplier squared");
    assertEquals(LR, rate(doubled, 2, true), 1e-12, "the bias is not multiplied");
    c.put(SpecKeys.OPTIMIZER.column(), "adam");
    MultiLayerNetwork adam = Networks.build(RunConfig.of(base.sweep(), c));
    assertEquals(2 * LR / 4, rate(adam, 2, false), 1e-12, "Adam: rate x multiplier");
    c.put(SpecKeys.READOUT_INIT.column(), "zero");
    MultiLayerNetwork zero = Networks.build(RunConfig.of(base.sweep(), c));
    assertEquals(0, zero.getLayer(2).getParam("W").amaxNumber().doubleValue());
    assertTrue(sigma(zero, 1) > 0.5 / Math.sqrt(256), "hidden layers keep their init");
  }

  @Test
  void everyParameterizationIsStandardAtTheBaseWidth() {
    for (String optimizer : List.of("sgd", "adam")) {
      for (int depth : List.of(1, 2)) {
        MultiLayerNetwork standard = Networks.build(run("standard", 64, optimizer, depth));
        for (String p : List.of("ntk", "mup", "mean_field")) {
          if (Parameterization.of(p).undefinedFor(depth, optimizer) != null) {
            continue;
          }
          // Seeded alike, the two draw the same weights, so they are compared value for value.
          MultiLayerNetwork other =
              Networks.build(
                  run(p, 64, optimizer, depth), run("standard", 64, optimizer, depth).seed());
          for (int l = 0; l <= depth; l++) {
            String where = p + " " + optimizer + " depth " + depth + " layer " + l;
            assertEquals(rate(standard, l, false), rate(other, l, false), 1e-12, where);
            assertEquals(rate(standard, l, true), rate(other, l, true), 1e-12, where);
            INDArray w = standard.getLayer(l).getParam("W");
            double apart = w.sub(other.getLayer(l).getParam("W")).amaxNumber().doubleValue();
            assertTrue(apart <= 1e-6 * w.amaxNumber().doubleValue(), where + ": weights " + apart);
          }
        }
      }
    }
  }

  @Test
  void initScaleMultipliesEverySigma() {
    RunConfig base = run("standard", 128, "adam");
    RunConfig scaled = RunConfig.of(base.sweep(), withInitScale(base.columns(), 4.0));
    MultiLayerNetwork a = Networks.build(base);
    MultiLayerNetwork b = Networks.build(scaled);
    for (int l = 0; l < 3; l++) {
      double ratio = sigma(b, l) / sigma(a, l);
      assertTrue(Math.abs(ratio - 4) < 0.2, "layer " + l + " ratio " + ratio);
    }
  }

  private static Map<String, Object> withInitScale(Map<String, Object> columns, double scale) {
    Map<String, Object> c = new LinkedHashMap<>(columns);
    c.put(SpecKeys.INIT_SCALE.column(), scale);
    return c;
  }
}
