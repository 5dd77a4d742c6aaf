package dev.sweeplab.train;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How far training moved a network's parameters from their initial values (lazy vs rich training,
 * Chizat &amp; Bach): ‖θ − θ₀‖ / ‖θ₀‖ over all parameters, and over each layer's weight matrix in
 * Frobenius and in spectral norm. The initial parameters are kept as one Java copy of the network's
 * flattened parameter vector, and the norms are computed in double precision over it: no ND4J
 * operations, whose per-call overhead is large next to a small run's own cost (docs/benchmarks.md),
 * and no native memory to free.
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

  WeightChange(MultiLayerNetwork net) {
    INDArray params = net.params();
    initial = values(params);
    for (int i = 0; i < net.getnLayers(); i++) {
      INDArray w = net.getLayer(i).getParam("W");
      if (w != null) {
        weights.add(
            new int[] {(int) (w.offset() - params.offset()), (int) w.size(0), (int) w.size(1)});
      }
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
  Moved measure(MultiLayerNetwork net) {
    float[] now = values(net.params());
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
      spectral.add(SpectralNorm.of(moved, 0, in, out) / SpectralNorm.of(initial, from, in, out));
    }
    return new Moved(relative(now, 0, initial.length), perLayer, spectral);
  }

  /** The elements of the flattened parameter vector (a contiguous row vector), copied. */
  private static float[] values(INDArray params) {
    float[] buffer = params.data().asFloat();
    long from = params.offset();
    if (from == 0 && buffer.length == params.length()) {
      return buffer;
    }
    float[] values = new float[(int) params.length()];
    System.arraycopy(buffer, (int) from, values, 0, values.length);
    return values;
  }

  private double relative(float[] now, int from, int length) {
    double moved = 0;
    double size = 0;
    for (int i = from; i < from + length; i++) {
      double d = (double) now[i] - initial[i];
      moved += d * d;
      size += (double) initial[i] * initial[i];
    }
    return Math.sqrt(moved) / Math.sqrt(size);
  }
}
