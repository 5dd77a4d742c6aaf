package dev.sweeplab.model;

import java.nio.FloatBuffer;

/**
 * The loss a run trains on and its evaluation reports, defined once, from the network's outputs
 * before the softmax (the logits z, one row of K per sample):
 *
 * <ul>
 *   <li><b>cross-entropy</b> (classification's default): cross-entropy of softmax(z) against the
 *       label, log Σₖ exp(zₖ) − z_y, computed with the row's maximum subtracted so it neither
 *       overflows nor needs a clip on the probability; its gradient by z is softmax(z) − y;
 *   <li><b>mse</b> (regression, or classification with {@code dataset.loss: mse} against the
 *       one-hot label row): squared error averaged over the K outputs, (1/K) Σₖ (zₖ − yₖ)², with no
 *       ½ (DL4J's {@code LossMSE}); its gradient is 2(z − y)/K. A minibatch's or a split's loss is
 *       the mean of this over its samples.
 * </ul>
 *
 * DL4J's {@code LossMCXENT}, which its own {@code fit} uses, clips the probability at 10⁻¹⁰
 * instead; the two agree wherever every probability exceeds 10⁻¹⁰ (the implementations' contract
 * test).
 */
public final class Loss {
  private Loss() {}

  /**
   * The loss of one sample whose logits are {@code z[offset .. offset + k)}: cross-entropy against
   * the one-hot or soft label row {@code y[yOffset ..]} when {@code crossEntropy}, else the mean
   * squared error against the target (or one-hot label) row. When {@code delta} is not null, writes
   * ∂loss/∂z × {@code scale} to {@code delta[offset ..]}.
   */
  public static double of(
      boolean crossEntropy,
      FloatBuffer z,
      int offset,
      int k,
      FloatBuffer y,
      int yOffset,
      FloatBuffer delta,
      float scale) {
    if (!crossEntropy) {
      double loss = 0;
      for (int c = 0; c < k; c++) {
        float diff = z.get(offset + c) - y.get(yOffset + c);
        loss += (double) diff * diff;
        if (delta != null) {
          delta.put(offset + c, scale * 2 * diff / k);
        }
      }
      return loss / k;
    }
    float max = max(z, offset, k);
    double sum = 0;
    for (int c = 0; c < k; c++) {
      sum += Math.exp(z.get(offset + c) - max);
    }
    double logSum = max + Math.log(sum);
    double loss = 0;
    for (int c = 0; c < k; c++) {
      float label = y.get(yOffset + c);
      if (label != 0) {
        loss += label * (logSum - z.get(offset + c));
      }
      if (delta != null) {
        float p = (float) Math.exp(z.get(offset + c) - logSum);
        delta.put(offset + c, scale * (p - label));
      }
    }
    return loss;
  }

  /** Cross-entropy of one sample against the class {@code label}: log Σₖ exp(zₖ) − z_label. */
  public static double crossEntropy(FloatBuffer z, int offset, int k, int label) {
    float max = max(z, offset, k);
    double sum = 0;
    for (int c = 0; c < k; c++) {
      sum += Math.exp(z.get(offset + c) - max);
    }
    return max + Math.log(sum) - z.get(offset + label);
  }

  /**
   * Squared error of one sample against the one-hot row of class {@code label}, averaged over its
   * {@code k} outputs: (1/K) Σₖ (zₖ − [k = label])².
   */
  public static double squaredError(FloatBuffer z, int offset, int k, int label) {
    double loss = 0;
    for (int c = 0; c < k; c++) {
      double diff = z.get(offset + c) - (c == label ? 1f : 0f);
      loss += diff * diff;
    }
    return loss / k;
  }

  /** Squared error of one sample averaged over its {@code k} outputs. */
  public static double squaredError(FloatBuffer z, int offset, int k, float[] y, int yOffset) {
    double loss = 0;
    for (int c = 0; c < k; c++) {
      double diff = z.get(offset + c) - y[yOffset + c];
      loss += diff * diff;
    }
    return loss / k;
  }

  /** The predicted class: the first index of the largest logit. */
  public static int argmax(FloatBuffer z, int offset, int k) {
    int best = 0;
    for (int c = 1; c < k; c++) {
      if (z.get(offset + c) > z.get(offset + best)) {
        best = c;
      }
    }
    return best;
  }

  private static float max(FloatBuffer z, int offset, int k) {
    float max = Float.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      max = Math.max(max, z.get(offset + c));
    }
    return max;
  }
}
