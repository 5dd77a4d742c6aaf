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
 * <p>Besides, on two fixed probe batches, how each layer's values have moved since the network as
 * it was when this evaluator was made (the trainer makes it right after initialisation, so h₀ is
 * the network's at step 0): mean |h_t| and mean |h_t − h₀| per layer on the first training inputs
 * (the coordinate check of Yang et al., Tensor Programs V), and the feature change ‖h_T(x) − h₀(x)‖
 * / ‖h₀(x)‖ per hidden layer on the first test inputs (Tensor Programs IV's feature learning).
 *
 * <p>The forward passes run in {@link DenseForward}, on the network's own memory, where it takes
 * the network (ND4J's CPU backend), without DL4J's per-op cost; elsewhere they are DL4J's {@code
 * output} and {@code feedForward}.
 */
final class Evaluator implements AutoCloseable {
  private static final int CHUNK = 1024;

  /** Training inputs on which activation scales and their change are measured. */
  private static final int ACTIVATION_SAMPLES = 256;

  /** Test inputs on which the feature change is measured. */
  private static final int FEATURE_SAMPLES = 256;

  private static final double MIN_PROBABILITY = 1e-12;

  private final Dataset data;
  private final MultiLayerNetwork net;

  /** The forward pass on the network's memory; null: DL4J's. */
  private final DenseForward forward;

  /** Each layer's values (hidden outputs, then the logits) on the training probe at the start. */
  private final float[][] trainAtStart;

  /** The same on the test probe. */
  private final float[][] testAtStart;

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
    this.trainAtStart = layerValues(data.train(), ACTIVATION_SAMPLES);
    this.testAtStart = layerValues(data.test(), FEATURE_SAMPLES);
  }

  /** Whether the forward passes run in {@link DenseForward}. */
  boolean dense() {
    return forward != null;
  }

  /**
   * The network's loss, error, activation scales and their change since the start now, on up to
   * {@code maxSamples} per split.
   */
  CurvePoint evaluate(long step, double epoch, int maxSamples) {
    double[] tr = lossAndError(data.train(), maxSamples);
    double[] te = lossAndError(data.test(), maxSamples);
    float[][] now = layerValues(data.train(), ACTIVATION_SAMPLES);
    List<Double> activations = new ArrayList<>(now.length);
    List<Double> changes = new ArrayList<>(now.length);
    for (int l = 0; l < now.length; l++) {
      activations.add(ProbeChange.meanAbs(now[l]));
      changes.add(ProbeChange.meanAbsChange(now[l], trainAtStart[l]));
    }
    return new CurvePoint(step, epoch, tr[0], tr[1], te[0], te[1], activations, changes);
  }

  /**
   * Per hidden layer, the feature change since the start on the test probe: the mean over its
   * samples x of ‖h(x) − h₀(x)‖₂ / ‖h₀(x)‖₂, samples with h₀(x) = 0 left out.
   */
  List<Double> featureChange() {
    float[][] now = layerValues(data.test(), FEATURE_SAMPLES);
    int rows = Math.min(FEATURE_SAMPLES, data.test().size());
    List<Double> change = new ArrayList<>(now.length - 1);
    for (int l = 0; l < now.length - 1; l++) {
      change.add(ProbeChange.meanRelativeChange(now[l], testAtStart[l], rows));
    }
    return change;
  }

  /**
   * Each layer's values for the first {@code min(limit, size)} samples of {@code split}: the hidden
   * layers' outputs, then the output layer's pre-activation (the logits), each row-major samples ×
   * units, copied.
   */
  private float[][] layerValues(Dataset.Split split, int limit) {
    int layers = net.getnLayers();
    int n = Math.min(limit, split.size());
    int d = data.inputDim();
    float[][] values = new float[layers][];
    if (n == 0) {
      Arrays.fill(values, new float[0]);
      return values;
    }
    if (forward != null) {
      forward.features().put(0, split.x(), 0, n * d);
      forward.forward(
          n,
          (l, z, rows, cols) -> {
            values[l] = new float[rows * cols];
            z.get(0, values[l]);
          });
      return values;
    }
    INDArray probe = Nd4j.create(Arrays.copyOf(split.x(), n * d), new long[] {n, d}, 'c');
    List<INDArray> acts = net.feedForward(probe, false);
    for (int l = 1; l < layers; l++) {
      values[l - 1] = Nd4j.toFlattened('c', acts.get(l)).toFloatVector();
    }
    Layer out = net.getLayer(layers - 1);
    INDArray logits = acts.get(layers - 1).mmul(out.getParam("W")).addiRowVector(out.getParam("b"));
    values[layers - 1] = Nd4j.toFlattened('c', logits).toFloatVector();
    return values;
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
