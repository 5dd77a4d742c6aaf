package dev.sweeplab.model;

import dev.sweeplab.spec.RunConfig;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Mlp#DL4J}: DL4J's own {@code MultiLayerNetwork.fit} for a step and {@code feedForward} for
 * a forward pass, on any ND4J backend. Minibatches are staged in Java buffers and copied into ND4J
 * arrays per step. {@code model.output_scale} other than 1 needs {@link Mlp#BLAS}: DL4J's loss
 * functions take the network's own output.
 */
final class Dl4jMlp implements Mlp, Networks.Held {
  private final MultiLayerNetwork net;
  private final int[] dims;
  private final boolean crossEntropy;
  private final boolean regularized;
  private final FloatBuffer features;
  private final FloatBuffer labels;
  private final int batchRows;
  private final int forwardRows;
  private FloatBuffer output;

  Dl4jMlp(RunConfig run, MultiLayerNetwork net, int batchRows, int forwardRows) {
    if (run.outputScale() != 1) {
      throw new UnsupportedOperationException(
          "model.output_scale = "
              + run.outputScale()
              + " needs the "
              + BLAS
              + " implementation (ND4J's CPU backend); this JVM runs "
              + Platform.nd4jBackend());
    }
    this.net = net;
    this.crossEntropy = run.crossEntropy();
    this.regularized = run.weightDecay() > 0;
    int layers = net.getnLayers();
    this.dims = new int[layers + 1];
    for (int l = 0; l < layers; l++) {
      INDArray w = net.getLayer(l).getParam("W");
      dims[l] = (int) w.size(0);
      dims[l + 1] = (int) w.size(1);
    }
    this.batchRows = batchRows;
    this.forwardRows = forwardRows;
    this.features = FloatBuffer.allocate(batchRows * dims[0]);
    this.labels = FloatBuffer.allocate(batchRows * dims[layers]);
  }

  @Override
  public MultiLayerNetwork network() {
    return net;
  }

  @Override
  public String implementation() {
    return DL4J;
  }

  @Override
  public int[] dims() {
    return dims.clone();
  }

  @Override
  public boolean crossEntropy() {
    return crossEntropy;
  }

  @Override
  public long numParams() {
    return net.numParams();
  }

  @Override
  public FloatBuffer features() {
    return features;
  }

  @Override
  public FloatBuffer labels() {
    return labels;
  }

  @Override
  public int batchRows() {
    return batchRows;
  }

  @Override
  public double fit(int rows) {
    int d = dims[0];
    int k = dims[dims.length - 1];
    INDArray x = Nd4j.create(Arrays.copyOf(features.array(), rows * d), new long[] {rows, d}, 'c');
    INDArray y = Nd4j.create(Arrays.copyOf(labels.array(), rows * k), new long[] {rows, k}, 'c');
    // fit's score adds the regularization's ½·c·‖W‖² (L2 and WeightDecay alike), taken on the
    // parameters before the step: the loss alone is the score less that term, computed first.
    double penalty = regularized ? net.calcRegularizationScore(true) : 0;
    net.fit(x, y);
    return net.score() - penalty;
  }

  @Override
  public int forwardRows() {
    return forwardRows;
  }

  @Override
  public FloatBuffer forward(float[] x, int from, int rows, LayerValues seen) {
    int d = dims[0];
    int layers = dims.length - 1;
    INDArray in =
        Nd4j.create(Arrays.copyOfRange(x, from * d, (from + rows) * d), new long[] {rows, d}, 'c');
    List<INDArray> acts = net.feedForward(in, false);
    if (seen != null) {
      for (int l = 1; l < layers; l++) {
        seen.accept(
            l - 1,
            FloatBuffer.wrap(Nd4j.toFlattened('c', acts.get(l)).toFloatVector()),
            rows,
            dims[l]);
      }
    }
    Layer out = net.getLayer(layers - 1);
    INDArray logits = acts.get(layers - 1).mmul(out.getParam("W")).addiRowVector(out.getParam("b"));
    output = FloatBuffer.wrap(Nd4j.toFlattened('c', logits).toFloatVector());
    if (seen != null) {
      seen.accept(layers - 1, output, rows, dims[layers]);
    }
    return output;
  }

  @Override
  public float[] parameters() {
    return Networks.values(net.params());
  }

  @Override
  public void close() {
    Networks.release(net);
  }
}
