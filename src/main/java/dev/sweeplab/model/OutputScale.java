package dev.sweeplab.model;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Chizat, Oyallon &amp; Bach's (2019) lazy-training knob {@code model.output_scale} α: the model is
 * f_α(x) = h(θ₀; x) + α·(h(θ; x) − h(θ₀; x)), with h the network's logits, trained on loss(f_α)/α².
 *
 * <p>Their model is α·(h(θ) − h(θ₀)); sweeplab adds the fixed function h(θ₀), so that α = 1 is the
 * plain network and the output at initialisation does not depend on α. Adding a fixed function
 * changes neither their argument nor its conclusion: a gradient step moves θ by O(1/α) while moving
 * f_α by O(1), so as α grows training stays ever closer to the linearisation at θ₀ (lazy) at any
 * width. The initial network is a second copy, built from the same seed, whose forward pass runs
 * beside the trained one's.
 */
final class OutputScale implements AutoCloseable {
  /** α = 1: the network's own logits, nothing kept. */
  static final OutputScale NONE = new OutputScale(1, null, null);

  private final double alpha;
  private final DenseForward initial;
  private final FloatBuffer scaled;
  private final List<INDArray> owned = new ArrayList<>();

  private OutputScale(double alpha, DenseForward initial, FloatBuffer scaled) {
    this.alpha = alpha;
    this.initial = initial;
    this.scaled = scaled;
  }

  /**
   * α applied around {@code initialNet}, a copy of the network at initialisation, for forward
   * passes of up to {@code maxRows} samples; {@link #NONE} for α = 1.
   */
  static OutputScale of(double alpha, MultiLayerNetwork initialNet, int maxRows) {
    if (alpha == 1) {
      return NONE;
    }
    DenseForward initial = new DenseForward(initialNet, maxRows);
    List<INDArray> owned = new ArrayList<>();
    int k = initial.dims[initial.layers];
    FloatBuffer scaled = DenseForward.allocate(owned, (long) maxRows * k).asBuffer();
    OutputScale s = new OutputScale(alpha, initial, scaled);
    s.owned.addAll(owned);
    return s;
  }

  double alpha() {
    return alpha;
  }

  /**
   * f_α for the {@code rows} samples {@code forward} has just run on: its own output when α = 1,
   * else h₀ + α(h − h₀) with h₀ from the initial network on the same features.
   */
  FloatBuffer apply(DenseForward forward, int rows) {
    FloatBuffer h = forward.output();
    if (initial == null) {
      return h;
    }
    int d = forward.dims[0];
    FloatBuffer x = forward.features();
    FloatBuffer x0 = initial.features();
    for (int i = 0, n = rows * d; i < n; i++) {
      x0.put(i, x.get(i));
    }
    initial.forward(rows);
    FloatBuffer h0 = initial.output();
    float a = (float) alpha;
    for (int i = 0, n = rows * forward.dims[forward.layers]; i < n; i++) {
      float base = h0.get(i);
      scaled.put(i, base + a * (h.get(i) - base));
    }
    return scaled;
  }

  @Override
  public void close() {
    if (initial != null) {
      initial.close();
      DenseForward.free(owned);
    }
  }
}
