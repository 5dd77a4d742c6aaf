package dev.sweeplab.train;

import java.io.Serializable;
import java.util.List;

/**
 * One evaluation on the learning curve, after {@code step} optimizer steps.
 *
 * @param activations mean |h| per layer (each hidden layer's output, then the logits) on a fixed
 *     batch of training inputs: the coordinate check of Yang et al. (flat in width under muP,
 *     growing with width under standard parameterization once training starts)
 * @param activationChanges mean |h_t − h_0| per layer, the same layers and inputs, h_0 being the
 *     network's values at initialisation (0 at step 0): Tensor Programs V's coordinate check of the
 *     change, Θ(1) in width under muP for every layer
 * @param valLoss loss on the validation split (NaN when the run has none)
 * @param valError error on the validation split (NaN when the run has none, or for regression)
 */
public record CurvePoint(
    long step,
    double epoch,
    double trainLoss,
    double trainError,
    double testLoss,
    double testError,
    List<Double> activations,
    List<Double> activationChanges,
    double valLoss,
    double valError)
    implements Serializable {
  public CurvePoint {
    activations = List.copyOf(activations);
    activationChanges = List.copyOf(activationChanges);
  }
}
