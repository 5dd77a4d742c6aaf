package dev.sweeplab.train;

import dev.sweeplab.data.Dataset;
import dev.sweeplab.model.DenseForward;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Loss and error of one run's network on (a fixed prefix of) the train and test splits, in chunks
 * so memory stays bounded. Loss is mean cross-entropy (classification) or mean squared error per
 * output (regression); error is the fraction misclassified, NaN for regression.
 *
 * <p>The forward passes run in {@link DenseForward}, on the network's own memory, where it takes
 * the network (ND4J's CPU backend), without DL4J's per-op cost; elsewhere they are DL4J's {@code
 * output} and {@code feedForward}.
 */
final class Evaluator implements AutoCloseable {
  private static final int CHUNK = 1024;

  /** Training inputs on which activation scales are measured. */
  private static final int ACTIVATION_SAMPLES = 256;

  private static final double MIN_PROBABILITY = 1e-12;

  private final Dataset data;
  private final MultiLayerNetwork net;

  /** The forward pass on the network's memory; null: DL4J's. */
  private final DenseForward forward;

  /** Evaluates {@code net} on {@code data}'s splits, in {@link DenseForward} where it can. */
  Evaluator(Dataset data, MultiLayerNetwork net) {
    this(data, net, true);
  }

  /** As above; {@code dense} false: always DL4J's forward pass (to compare the two). */
  Evaluator(Dataset data, MultiLayerNetwork net, boolean dense) {
    this.data = data;
    this.net = net;
    int rows = Math.max(1, Math.min(CHUNK, Math.max(data.train().size(), data.test().size())));
    this.forward = dense ? DenseForward.ifSupported(net, rows).orElse(null) : null;
  }

  /** Whether the forward passes run in {@link DenseForward}. */
  boolean dense() {
    return forward != null;
  }

  /** The network's loss, error and activation scales now, on up to {@code maxSamples} per split. */
  CurvePoint evaluate(long step, double epoch, int maxSamples) {
    double[] tr = lossAndError(data.train(), maxSamples);
    double[] te = lossAndError(data.test(), maxSamples);
    return new CurvePoint(step, epoch, tr[0], tr[1], te[0], te[1], activations());
  }

  /** Mean |h| of each hidden layer's output and of the logits, on the first training samples. */
  private List<Double> activations() {
    int n = Math.min(ACTIVATION_SAMPLES, data.train().size());
    int d = data.inputDim();
    double[] means;
    if (forward != null) {
      forward.features().put(0, data.train().x(), 0, n * d);
      means = forward.forwardMeasured(n);
    } else {
      means = new double[net.getnLayers()];
      INDArray probe = Nd4j.create(Arrays.copyOf(data.train().x(), n * d), new long[] {n, d}, 'c');
      List<INDArray> acts = net.feedForward(probe, false);
      int layers = net.getnLayers();
      for (int l = 1; l < layers; l++) {
        means[l - 1] = acts.get(l).ameanNumber().doubleValue();
      }
      Layer out = net.getLayer(layers - 1);
      INDArray logits =
          acts.get(layers - 1).mmul(out.getParam("W")).addiRowVector(out.getParam("b"));
      means[layers - 1] = logits.ameanNumber().doubleValue();
    }
    List<Double> list = new ArrayList<>(means.length);
    for (double m : means) {
      list.add(m);
    }
    return list;
  }

  private double[] lossAndError(Dataset.Split split, int maxSamples) {
    int size = Math.min(split.size(), maxSamples);
    int k = data.outputs();
    int chunk = forward != null ? forward.maxRows() : CHUNK;
    double loss = 0;
    long wrong = 0;
    for (int from = 0; from < size; from += chunk) {
      int n = Math.min(chunk, size - from);
      FloatBuffer p = outputs(split.x(), from, n);
      for (int r = 0; r < n; r++) {
        if (data.classification()) {
          int label = split.labels()[from + r];
          loss -= Math.log(Math.max(p.get(r * k + label), MIN_PROBABILITY));
          int best = 0;
          for (int c = 1; c < k; c++) {
            if (p.get(r * k + c) > p.get(r * k + best)) {
              best = c;
            }
          }
          if (best != label) {
            wrong++;
          }
        } else {
          for (int c = 0; c < k; c++) {
            double diff = p.get(r * k + c) - split.targets()[(from + r) * k + c];
            loss += diff * diff / k;
          }
        }
      }
    }
    double error = data.classification() ? (double) wrong / size : Double.NaN;
    return new double[] {loss / size, error};
  }

  /** The network's outputs for samples [from, from + n) of {@code x}: n × outputs, row-major. */
  private FloatBuffer outputs(float[] x, int from, int n) {
    int d = data.inputDim();
    if (forward != null) {
      forward.features().put(0, x, from * d, n * d);
      forward.forward(n);
      return forward.output();
    }
    INDArray in =
        Nd4j.create(Arrays.copyOfRange(x, from * d, (from + n) * d), new long[] {n, d}, 'c');
    return FloatBuffer.wrap(Nd4j.toFlattened('c', net.output(in, false)).toFloatVector());
  }

  /** Frees the forward pass's buffers (the network's are the trainer's). */
  @Override
  public void close() {
    if (forward != null) {
      forward.close();
    }
  }
}
