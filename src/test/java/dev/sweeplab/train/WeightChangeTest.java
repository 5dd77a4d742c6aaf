package dev.sweeplab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sweeplab.model.Mlp;
import dev.sweeplab.model.Networks;
import dev.sweeplab.spec.SpecKeys;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class WeightChangeTest {

  /**
   * The Java sums over the flattened parameters agree with ND4J's norms of the same arrays: over
   * all parameters, and per layer over the weight matrix alone (the biases, which sit next to it in
   * the flattened vector, are moved differently so that a wrong slice would show); and the spectral
   * norms, read column-major from the same slices, agree with a singular value decomposition.
   */
  @Test
  void matchesNd4jsNormsOverAllParametersAndEachWeightMatrix() {
    Mlp mlp = Mlp.of(TrainerTest.run(Map.of(SpecKeys.DEPTH, List.of(2))), 16, 16);
    MultiLayerNetwork net = Networks.network(mlp);
    INDArray initialAll = net.params().dup();
    int layers = net.getnLayers();
    INDArray[] initialW = new INDArray[layers];
    for (int i = 0; i < layers; i++) {
      initialW[i] = net.getLayer(i).getParam("W").dup();
    }
    WeightChange change = new WeightChange(mlp);

    Nd4j.getRandom().setSeed(3);
    for (int i = 0; i < layers; i++) {
      INDArray w = net.getLayer(i).getParam("W");
      w.addi(Nd4j.randn(w.dataType(), w.shape()).muli(0.01 * (i + 1)));
      net.getLayer(i).getParam("b").addi(5.0); // far more than any weight moved
    }

    WeightChange.Moved moved = change.measure(mlp);
    assertEquals(relative(net.params(), initialAll), moved.total(), 1e-5);
    List<Double> perLayer = moved.perLayer();
    assertEquals(layers, perLayer.size());
    for (int i = 0; i < layers; i++) {
      double expected = relative(net.getLayer(i).getParam("W"), initialW[i]);
      assertEquals(expected, perLayer.get(i), 1e-5 * expected, "layer " + i);
    }
    // Spectral norms from Hipparchus's SVD of the same matrices, as ND4J shapes them (in × out).
    List<Double> spectral = moved.spectral();
    assertEquals(layers, spectral.size());
    for (int i = 0; i < layers; i++) {
      INDArray w = net.getLayer(i).getParam("W");
      double expected = spectralNorm(w.sub(initialW[i])) / spectralNorm(initialW[i]);
      assertEquals(expected, spectral.get(i), 1e-4 * expected, "spectral, layer " + i);
    }
  }

  private static double spectralNorm(INDArray m) {
    return new SingularValueDecomposition(MatrixUtils.createRealMatrix(m.toDoubleMatrix()))
        .getSingularValues()[0];
  }

  private static double relative(INDArray now, INDArray before) {
    return now.sub(before).norm2Number().doubleValue() / before.norm2Number().doubleValue();
  }
}
