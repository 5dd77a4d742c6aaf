package dev.sweeplab.train;

import java.io.Serializable;
import java.util.List;

/**
 * What one training run produced. Errors are fractions misclassified (NaN for regression); losses
 * are the training objective (cross-entropy or MSE) on the full split: every curve point, the last
 * included, is evaluated on the same whole training, validation and test splits.
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
 * @param evalTrainSize training samples every curve point is evaluated on (the whole training set;
 *     0 when the run failed before its data was built)
 * @param evalTestSize test samples every curve point is evaluated on (the whole test split)
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
    List<CurvePoint> curve,
    int evalTrainSize,
    int evalTestSize)
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
   * The curve point early stopping on validation picks: the one with the lowest finite validation
   * loss, the earliest on a tie; −1 when no point has one (the run has no validation split). The
   * test split plays no part in the choice.
   */
  public int bestIndex() {
    int best = -1;
    for (int i = 0; i < curve.size(); i++) {
      double v = curve.get(i).valLoss();
      if (Double.isFinite(v) && (best < 0 || v < curve.get(best).valLoss())) {
        best = i;
      }
    }
    return best;
  }

  /** The curve point of {@link #bestIndex()}; null without a validation split. */
  public CurvePoint best() {
    int i = bestIndex();
    return i < 0 ? null : curve.get(i);
  }

  /** A run that threw before it could finish, its parameter count unknown (0). */
  public static RunResult failed(Throwable error, long wallMs) {
    return failed(error, wallMs, 0);
  }

  /**
   * A run that threw before it could finish, with the {@code params} its configuration has, so that
   * an analysis along {@code params} counts it where its configuration lies.
   */
  public static RunResult failed(Throwable error, long wallMs, long params) {
    String reason = describe(error);
    double nan = Double.NaN;
    return new RunResult(
        FAILED, reason, params, nan, nan, nan, nan, 0, 0, wallMs, nan, List.of(), List.of(),
        List.of(), -1, 0, "", List.of(), 0, 0);
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
