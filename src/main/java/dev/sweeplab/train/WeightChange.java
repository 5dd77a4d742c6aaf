package dev.sweeplab.train;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How far training moved a network's parameters from their initial values (lazy vs rich training,
 * Chizat &amp; Bach): ‖θ − θ₀‖ / ‖θ₀‖ over all parameters and over each layer's weight matrix. The
 * initial parameters are kept as one Java copy of the network's flattened parameter vector, and the
 * norms are summed in double precision over it: no ND4J operations, whose per-call overhead is
 * large next to a small run's own cost (docs/benchmarks.md), and no native memory to free.
 */
final class WeightChange {
  private final float[] initial;

  /** Per layer with a weight matrix: its offset and length in the flattened parameters. */
  private final List<long[]> weights = new ArrayList<>();

  WeightChange(MultiLayerNetwork net) {
    INDArray params = net.params();
    initial = values(params);
    for (int i = 0; i < net.getnLayers(); i++) {
      INDArray w = net.getLayer(i).getParam("W");
      if (w != null) {
        weights.add(new long[] {w.offset() - params.offset(), w.length()});
      }
    }
  }

  /**
   * How far the parameters moved: {@code total}, ‖θ − θ₀‖ / ‖θ₀‖ over all of them, and {@code
   * perLayer}, ‖W − W₀‖ / ‖W₀‖ for each layer's weight matrix, input side first.
   */
  record Moved(double total, List<Double> perLayer) {}

  /** How far {@code net}'s parameters have moved since this was made (one copy of them). */
  Moved measure(MultiLayerNetwork net) {
    float[] now = values(net.params());
    List<Double> perLayer = new ArrayList<>(weights.size());
    for (long[] w : weights) {
      perLayer.add(relative(now, (int) w[0], (int) w[1]));
    }
    return new Moved(relative(now, 0, initial.length), perLayer);
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
