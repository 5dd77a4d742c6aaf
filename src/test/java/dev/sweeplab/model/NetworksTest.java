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
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

class NetworksTest {
  static final double LR = 0.01;

  static RunConfig run(String parameterization, int width, String optimizer) {
    Map<Key, List<?>> v = new LinkedHashMap<>();
    v.put(SpecKeys.INPUT_DIM, List.of(50));
    v.put(SpecKeys.CLASSES, List.of(5));
    v.put(SpecKeys.WIDTH, List.of(width));
    v.put(SpecKeys.DEPTH, List.of(2));
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
  void ntkDividesHiddenAndOutputRates() {
    MultiLayerNetwork sgd = Networks.build(run("ntk", 256, "sgd"));
    assertEquals(LR, rate(sgd, 0, false), 1e-12);
    assertEquals(LR / 4, rate(sgd, 1, false), 1e-12);
    assertEquals(LR / 4, rate(sgd, 2, false), 1e-12);
    MultiLayerNetwork adam = Networks.build(run("ntk", 256, "adam"));
    assertEquals(LR / 2, rate(adam, 1, false), 1e-12);
    assertEquals(1 / Math.sqrt(256), sigma(adam, 2), 0.1 / Math.sqrt(256));
  }

  @Test
  void everyParameterizationIsStandardAtTheBaseWidth() {
    MultiLayerNetwork standard = Networks.build(run("standard", 64, "sgd"));
    for (String p : List.of("ntk", "mup", "mean_field")) {
      MultiLayerNetwork other = Networks.build(run(p, 64, "sgd"));
      for (int l = 0; l < 3; l++) {
        assertEquals(rate(standard, l, false), rate(other, l, false), 1e-12, p + " layer " + l);
        assertEquals(rate(standard, l, true), rate(other, l, true), 1e-12, p + " layer " + l);
        // Different run ids draw different weights: compare the spread, not the values.
        assertEquals(sigma(standard, l), sigma(other, l), 0.05 * sigma(standard, l), p);
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
