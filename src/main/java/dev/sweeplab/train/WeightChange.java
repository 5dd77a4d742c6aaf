package dev.sweeplab.train;

import dev.sweeplab.model.Mlp;
import java.util.ArrayList;
import java.util.List;

/**
 * How far training moved a network's parameters from their initial values (lazy vs rich training,
 * Chizat &amp; Bach): ‖θ − θ₀‖ / ‖θ₀‖ over all parameters, and over each layer's weight matrix in
 * Frobenius and in spectral norm. The initial parameters are kept as one Java copy of the network's
 * flattened parameter vector ({@link Mlp#parameters}), and the norms are computed in double
 * precision over it: no ND4J operations, whose per-call overhead is large next to a small run's own
 * cost (docs/benchmarks.md), and no native memory to free. A matrix that starts at 0 ({@code
 * model.readout_init: zero}) has no relative change: NaN.
 *
 * <p>The spectral change ‖W − W₀‖₂ / ‖W₀‖₂ is the one that tells lazy from rich training: a hidden
 * layer's update under muP has spectral norm Θ(1) relative to W₀ while its Frobenius norm still
 * falls as width^−1/2, because W₀ has full rank and the update a stable rank (‖ΔW‖_F² / ‖ΔW‖₂²)
 * that does not grow with width (Yang &amp; Hu 2021, Tensor Programs IV; Yang, Simon &amp;
 * Bernstein 2023, "A Spectral Condition for Feature Learning").
 */
final class WeightChange {
  private final float[] initial;

  /**
   * Per layer with a weight matrix: its offset in the flattened parameters and its shape, in × out
   * (DL4J stores it column-major there).
   */
  private final List<int[]> weights = new ArrayList<>();

  WeightChange(Mlp net) {
    initial = net.parameters();
    int[] dims = net.dims();
    int offset = 0;
    for (int l = 0; l + 1 < dims.length; l++) {
      weights.add(new int[] {offset, dims[l], dims[l + 1]});
      offset += dims[l] * dims[l + 1] + dims[l + 1];
    }
    if (offset != initial.length) {
      throw new IllegalStateException(
          "parameter layout: " + offset + " of " + initial.length + " parameters placed");
    }
  }

  /**
   * How far the parameters moved: {@code total}, ‖θ − θ₀‖ / ‖θ₀‖ over all of them; {@code
   * perLayer}, ‖W − W₀‖_F / ‖W₀‖_F for each layer's weight matrix, input side first; {@code
   * spectral}, ‖W − W₀‖₂ / ‖W₀‖₂ for the same matrices.
   */
  record Moved(double total, List<Double> perLayer, List<Double> spectral) {
    Moved {
      perLayer = List.copyOf(perLayer);
      spectral = List.copyOf(spectral);
    }
  }

  /** How far {@code net}'s parameters have moved since this was made (one copy of them). */
  Moved measure(Mlp net) {
    float[] now = net.parameters();
    List<Double> perLayer = new ArrayList<>(weights.size());
    List<Double> spectral = new ArrayList<>(weights.size());
    for (int[] w : weights) {
      int from = w[0];
      int in = w[1];
      int out = w[2];
      perLayer.add(relative(now, from, in * out));
      float[] moved = new float[in * out];
      for (int i = 0; i < moved.length; i++) {
        moved[i] = now[from + i] - initial[from + i];
      }
      double start = SpectralNorm.of(initial, from, in, out);
      spectral.add(start == 0 ? Double.NaN : SpectralNorm.of(moved, 0, in, out) / start);
    }
    return new Moved(relative(now, 0, initial.length), perLayer, spectral);
  }

  private double relative(float[] now, int from, int length) {
    double moved = 0;
    double size = 0;
    for (int i = from; i < from + length; i++) {
      double d = (double) now[i] - initial[i];
      moved += d * d;
      size += (double) initial[i] * initial[i];
    }
    return size == 0 ? Double.NaN : Math.sqrt(moved) / Math.sqrt(size);
  }
}
