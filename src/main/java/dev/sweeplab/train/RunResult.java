package dev.sweeplab.train;

import java.io.Serializable;
import java.util.List;

/**
 * What one training run produced. Errors are fractions misclassified (NaN for regression); losses
 * are the training objective (cross-entropy or MSE) on the full split.
 *
 * @param status {@code ok}, {@code diverged} (non-finite loss), {@code timeout} (stopped at the
 *     sweep's {@code limits.run_timeout}; the numbers are those at the step it stopped) or {@code
 *     failed} (exception)
 * @param reason why a run did not end {@code ok}; empty otherwise
 * @param params trainable parameters of the network
 * @param steps optimizer steps taken
 * @param epochs passes over the training data taken (fractional)
 * @param wallMs wall time of the run, data and model building included
 * @param weightChange ‖θ_T − θ_0‖ / ‖θ_0‖ over all parameters (small: lazy; large: rich)
 * @param layerWeightChange ‖W_T − W_0‖_F / ‖W_0‖_F per weight matrix, input layer first
 * @param layerSpectralChange ‖W_T − W_0‖₂ / ‖W_0‖₂ (spectral norms) per weight matrix, input layer
 *     first: Θ(1) in width for a hidden layer under muP, falling as width^−1/2 under NTK (Tensor
 *     Programs IV)
 * @param featureChange per hidden layer, the mean over a fixed batch of test inputs x of ‖h_T(x) −
 *     h_0(x)‖₂ / ‖h_0(x)‖₂: whether the features moved (rich) or stayed put (lazy)
 * @param interpolationStep the first evaluated step whose training error is 0, or −1
 * @param noisyLabels training labels changed by label noise
 * @param implementation which {@code model.Mlp} implementation trained the run ({@code blas} or
 *     {@code dl4j}); empty when the run failed before its network was built
 * @param curve evaluations at log-spaced steps, the last one being the final state
 */
public record RunResult(
    String status,
    String reason,
    long params,
    double trainLoss,
    double trainError,
    double testLoss,
    double testError,
    long steps,
    double epochs,
    long wallMs,
    double weightChange,
    List<Double> layerWeightChange,
    List<Double> layerSpectralChange,
    List<Double> featureChange,
    long interpolationStep,
    int noisyLabels,
    String implementation,
    List<CurvePoint> curve)
    implements Serializable {

  public static final String OK = "ok";
  public static final String DIVERGED = "diverged";
  public static final String FAILED = "failed";
  public static final String TIMEOUT = "timeout";

  public RunResult {
    layerWeightChange = List.copyOf(layerWeightChange);
    layerSpectralChange = List.copyOf(layerSpectralChange);
    featureChange = List.copyOf(featureChange);
    curve = List.copyOf(curve);
  }

  /**
   * The lowest test loss on the learning curve: the loss early stopping on the test split would
   * report (Kaplan et al. 2020 fit L(N) to the converged or early-stopped loss). NaN without a
   * curve.
   */
  public double bestTestLoss() {
    return curve.stream().mapToDouble(CurvePoint::testLoss).min().orElse(Double.NaN);
  }

  /** The lowest test error on the learning curve (NaN without a curve or for regression). */
  public double bestTestError() {
    return curve.stream().mapToDouble(CurvePoint::testError).min().orElse(Double.NaN);
  }

  /** A run that threw before it could finish. */
  public static RunResult failed(Throwable error, long wallMs) {
    String reason = describe(error);
    double nan = Double.NaN;
    return new RunResult(
        FAILED, reason, 0, nan, nan, nan, nan, 0, 0, wallMs, nan, List.of(), List.of(), List.of(),
        -1, 0, "", List.of());
  }

  /**
   * A failure in words: each exception of the cause chain with its message, or, where it has none,
   * where it was thrown (an {@code IndexOutOfBoundsException} without a message says nothing else).
   */
  static String describe(Throwable error) {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    for (Throwable t = error; t != null && depth < 5; t = t.getCause(), depth++) {
      if (depth > 0) {
        out.append("; caused by ");
      }
      out.append(t.getClass().getSimpleName());
      String message = t.getMessage();
      if (message != null && !message.isBlank()) {
        out.append(": ").append(message.strip());
      } else {
        StackTraceElement[] frames = t.getStackTrace();
        out.append(" (no message");
        if (frames.length > 0) {
          out.append("; thrown at ").append(frames[0]);
        }
        out.append(')');
      }
      if (t instanceof OutOfMemoryError) {
        out.append(" (the run needs more memory than its executor has; see docs/operations.md)");
      }
    }
    return out.toString();
  }
}
