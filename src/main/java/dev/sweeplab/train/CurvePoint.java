package dev.sweeplab.train;

import java.io.Serializable;
import java.util.List;

/**
 * One evaluation on the learning curve, after {@code step} optimizer steps.
 *
 * @param activations mean |h| per layer (each hidden layer's output, then the logits) on a fixed
 *     batch of training inputs: the coordinate check of Yang et al. (flat in width under muP,
 *     growing with width under standard parameterization once training starts)
 */
public record CurvePoint(
    long step,
    double epoch,
    double trainLoss,
    double trainError,
    double testLoss,
    double testError,
    List<Double> activations)
    implements Serializable {
  public CurvePoint {
    activations = List.copyOf(activations);
  }
}
