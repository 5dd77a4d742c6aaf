package dev.sweeplab.model;

import dev.sweeplab.spec.RunConfig;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Builds the DL4J network of a run: an MLP input → width × depth → outputs with the run's
 * activation, softmax + cross-entropy for classification or identity + MSE for regression.
 *
 * <p>Initialisation (standard parameterization): every weight ~ N(0, σ²) with σ = init_scale · gain
 * / √fan_in, gain √2 for ReLU (He et al. 2015) and 1 otherwise (LeCun); the output layer has gain
 * 1. Biases start at 0. {@code init_scale} thus scales every layer's standard deviation, the knob
 * of Chizat &amp; Bach's lazy-training analysis.
 */
public final class Networks {
  private Networks() {}

  /** A freshly initialised network for {@code run}, seeded with the run's seed. */
  public static MultiLayerNetwork build(RunConfig run) {
    boolean classification = "classification".equals(run.task());
    Activation hidden = activation(run.activation());
    double gain = hidden == Activation.RELU ? Math.sqrt(2) : 1.0;
    NeuralNetConfiguration.ListBuilder layers =
        new NeuralNetConfiguration.Builder()
            .seed(run.seed())
            .dataType(DataType.FLOAT)
            .updater(updater(run))
            .list();
    int fanIn = run.inputDim();
    for (int i = 0; i < run.depth(); i++) {
      layers.layer(
          new DenseLayer.Builder()
              .nIn(fanIn)
              .nOut(run.width())
              .activation(hidden)
              .weightInit(new NormalDistribution(0, run.initScale() * gain / Math.sqrt(fanIn)))
              .biasInit(0)
              .build());
      fanIn = run.width();
    }
    layers.layer(
        new OutputLayer.Builder(classification ? LossFunction.MCXENT : LossFunction.MSE)
            .nIn(fanIn)
            .nOut(run.classes())
            .activation(classification ? Activation.SOFTMAX : Activation.IDENTITY)
            .weightInit(new NormalDistribution(0, run.initScale() / Math.sqrt(fanIn)))
            .biasInit(0)
            .build());
    MultiLayerConfiguration conf = layers.build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  private static IUpdater updater(RunConfig run) {
    return switch (run.optimizer()) {
      case "adam" -> new Adam(run.learningRate());
      case "sgd" -> new Sgd(run.learningRate());
      default -> throw new IllegalArgumentException("optimizer " + run.optimizer());
    };
  }

  private static Activation activation(String name) {
    return switch (name) {
      case "relu" -> Activation.RELU;
      case "tanh" -> Activation.TANH;
      case "linear" -> Activation.IDENTITY;
      default -> throw new IllegalArgumentException("activation " + name);
    };
  }
}
