package dev.sweeplab.train;

import dev.sweeplab.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Loss and error of a network on (a fixed prefix of) the train and test splits, in chunks so memory
 * stays bounded. Loss is mean cross-entropy (classification) or mean squared error per output
 * (regression); error is the fraction misclassified, NaN for regression.
 */
final class Evaluator {
  private static final int CHUNK = 1024;

  /** Training inputs on which activation scales are measured. */
  private static final int ACTIVATION_SAMPLES = 256;

  private static final double MIN_PROBABILITY = 1e-12;

  private final Dataset data;
  private final Dataset.Split train;
  private final Dataset.Split test;
  private final INDArray probe;

  Evaluator(Dataset data, int maxSamples) {
    this.data = data;
    this.train = data.train().prefix(maxSamples, data.inputDim(), data.outputs());
    this.test = data.test().prefix(maxSamples, data.inputDim(), data.outputs());
    int n = Math.min(ACTIVATION_SAMPLES, data.train().size());
    float[] x = java.util.Arrays.copyOf(data.train().x(), n * data.inputDim());
    this.probe = Nd4j.create(x, new long[] {n, data.inputDim()}, 'c');
  }

  CurvePoint evaluate(MultiLayerNetwork net, long step, double epoch) {
    double[] tr = lossAndError(net, train);
    double[] te = lossAndError(net, test);
    return new CurvePoint(step, epoch, tr[0], tr[1], te[0], te[1], activations(net));
  }

  /** Mean |h| of each hidden layer's output and of the logits, on the probe batch. */
  private List<Double> activations(MultiLayerNetwork net) {
    List<INDArray> acts = net.feedForward(probe, false);
    List<Double> means = new ArrayList<>();
    int layers = net.getnLayers();
    for (int l = 1; l < layers; l++) {
      means.add(acts.get(l).ameanNumber().doubleValue());
    }
    Layer out = net.getLayer(layers - 1);
    INDArray logits = acts.get(layers - 1).mmul(out.getParam("W")).addiRowVector(out.getParam("b"));
    means.add(logits.ameanNumber().doubleValue());
    return means;
  }

  private double[] lossAndError(MultiLayerNetwork net, Dataset.Split split) {
    int d = data.inputDim();
    int k = data.outputs();
    double loss = 0;
    long wrong = 0;
    for (int from = 0; from < split.size(); from += CHUNK) {
      int n = Math.min(CHUNK, split.size() - from);
      float[] x = java.util.Arrays.copyOfRange(split.x(), from * d, (from + n) * d);
      INDArray out = net.output(Nd4j.create(x, new long[] {n, d}, 'c'), false);
      float[] p = Nd4j.toFlattened('c', out).toFloatVector();
      for (int r = 0; r < n; r++) {
        if (data.classification()) {
          int label = split.labels()[from + r];
          loss -= Math.log(Math.max(p[r * k + label], MIN_PROBABILITY));
          int best = 0;
          for (int c = 1; c < k; c++) {
            if (p[r * k + c] > p[r * k + best]) {
              best = c;
            }
          }
          if (best != label) {
            wrong++;
          }
        } else {
          for (int c = 0; c < k; c++) {
            double diff = p[r * k + c] - split.targets()[(from + r) * k + c];
            loss += diff * diff / k;
          }
        }
      }
    }
    double error = data.classification() ? (double) wrong / split.size() : Double.NaN;
    return new double[] {loss / split.size(), error};
  }
}
