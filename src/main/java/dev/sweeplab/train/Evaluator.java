package dev.sweeplab.train;

import dev.sweeplab.data.Dataset;
import dev.sweeplab.model.Loss;
import dev.sweeplab.model.Mlp;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loss and error of one run's network on the whole train, validation and test splits, in chunks so
 * memory stays bounded: every evaluation of a run sees the same samples, so its learning curve has
 * no step from a change of sample. Loss is {@link Loss}'s, the one the run trains on (mean
 * cross-entropy, or mean squared error per output against the targets or the one-hot labels); error
 * is the fraction misclassified (the largest output is the prediction, whichever the loss), NaN for
 * regression.
 *
 * <p>Besides, on two fixed probe batches, how each layer's values have moved since the network as
 * it was when this evaluator was made (the trainer makes it right after initialisation, so h₀ is
 * the network's at step 0): mean |h_t| and mean |h_t − h₀| per layer on the first training inputs
 * (the coordinate check of Yang et al., Tensor Programs V), and the feature change ‖h_T(x) − h₀(x)‖
 * / ‖h₀(x)‖ per hidden layer on the first test inputs (Tensor Programs IV's feature learning).
 *
 * <p>The forward passes are the run's {@link Mlp}'s.
 */
final class Evaluator implements AutoCloseable {
  private static final int CHUNK = 1024;

  /** Training inputs on which activation scales and their change are measured. */
  private static final int ACTIVATION_SAMPLES = 256;

  /** Test inputs on which the feature change is measured. */
  private static final int FEATURE_SAMPLES = 256;

  private final Dataset data;
  private final Mlp net;

  /** Each layer's values (hidden outputs, then the logits) on the training probe at the start. */
  private final float[][] trainAtStart;

  /** The same on the test probe. */
  private final float[][] testAtStart;

  /** Evaluates {@code net} on {@code data}'s splits. */
  Evaluator(Dataset data, Mlp net) {
    this.data = data;
    this.net = net;
    this.trainAtStart = layerValues(data.train(), ACTIVATION_SAMPLES);
    this.testAtStart = layerValues(data.test(), FEATURE_SAMPLES);
  }

  /** The most samples a forward pass over {@code data}'s splits takes at once. */
  static int forwardRows(Dataset data) {
    int largest = Math.max(data.train().size(), Math.max(data.test().size(), data.val().size()));
    return Math.max(1, Math.min(CHUNK, largest));
  }

  /**
   * The network's loss and error on each whole split (validation: NaN when the run has none), and
   * its activation scales and their change since the start, now.
   */
  CurvePoint evaluate(long step, double epoch) {
    double[] tr = lossAndError(data.train());
    double[] te = lossAndError(data.test());
    double[] va =
        data.val().size() > 0 ? lossAndError(data.val()) : new double[] {Double.NaN, Double.NaN};
    float[][] now = layerValues(data.train(), ACTIVATION_SAMPLES);
    List<Double> activations = new ArrayList<>(now.length);
    List<Double> changes = new ArrayList<>(now.length);
    for (int l = 0; l < now.length; l++) {
      activations.add(ProbeChange.meanAbs(now[l]));
      changes.add(ProbeChange.meanAbsChange(now[l], trainAtStart[l]));
    }
    return new CurvePoint(
        step, epoch, tr[0], tr[1], te[0], te[1], activations, changes, va[0], va[1]);
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
    int layers = net.dims().length - 1;
    int n = Math.min(limit, split.size());
    float[][] values = new float[layers][];
    if (n == 0) {
      Arrays.fill(values, new float[0]);
      return values;
    }
    net.forward(
        split.x(),
        0,
        n,
        (l, z, rows, cols) -> {
          values[l] = new float[rows * cols];
          z.get(0, values[l]);
        });
    return values;
  }

  private double[] lossAndError(Dataset.Split split) {
    int size = split.size();
    int k = data.outputs();
    int chunk = net.forwardRows();
    double loss = 0;
    long wrong = 0;
    for (int from = 0; from < size; from += chunk) {
      int n = Math.min(chunk, size - from);
      FloatBuffer z = net.forward(split.x(), from, n, null);
      for (int r = 0; r < n; r++) {
        if (data.classification()) {
          int label = split.labels()[from + r];
          loss +=
              net.crossEntropy()
                  ? Loss.crossEntropy(z, r * k, k, label)
                  : Loss.squaredError(z, r * k, k, label);
          if (Loss.argmax(z, r * k, k) != label) {
            wrong++;
          }
        } else {
          loss += Loss.squaredError(z, r * k, k, split.targets(), (from + r) * k);
        }
      }
    }
    double error = data.classification() ? (double) wrong / size : Double.NaN;
    return new double[] {loss / size, error};
  }

  /** Nothing of its own to free: the network is the trainer's. */
  @Override
  public void close() {}
}
