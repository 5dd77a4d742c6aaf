package dev.sweeplab.analysis;

/**
 * A sum of power laws with a floor, fitted in log space as in Hoffmann et al. (2022, "Training
 * Compute-Optimal Large Language Models", §3.3 and Appendix D.2, approach 3):
 *
 * <pre>
 *   log L̂ = LSE(a_1 − α_1 log x_1, ..., a_k − α_k log x_k, e)
 *   i.e.  L̂ = E + Σ_j A_j / x_j^α_j   with E = exp(e), A_j = exp(a_j)
 * </pre>
 *
 * and the objective Σ_i Huber_δ(log L̂_i − log L_i). Parameters are ordered {@code [e, a_1, α_1,
 * ..., a_k, α_k]}. k = 1 is the power law with an irreducible term (Kaplan et al. 2020); k = 2 with
 * (N, D) is Chinchilla's L(N, D).
 */
final class LogLaw {
  private final double[][] logX;
  private final double[] logY;
  private final double delta;

  /**
   * @param logX logX[j][i]: log of feature j at point i
   * @param logY log of the observed value at point i
   * @param delta Huber threshold on the log residual
   */
  LogLaw(double[][] logX, double[] logY, double delta) {
    this.logX = logX;
    this.logY = logY;
    this.delta = delta;
  }

  int terms() {
    return logX.length;
  }

  int points() {
    return logY.length;
  }

  /** log L̂ at point i. */
  double predictLog(double[] p, int i) {
    double max = p[0];
    for (int j = 0; j < logX.length; j++) {
      max = Math.max(max, p[1 + 2 * j] - p[2 + 2 * j] * logX[j][i]);
    }
    double sum = Math.exp(p[0] - max);
    for (int j = 0; j < logX.length; j++) {
      sum += Math.exp(p[1 + 2 * j] - p[2 + 2 * j] * logX[j][i] - max);
    }
    return max + Math.log(sum);
  }

  /** Root mean square of the log residuals. */
  double rmsResidual(double[] p) {
    double sum = 0;
    for (int i = 0; i < logY.length; i++) {
      double r = predictLog(p, i) - logY[i];
      sum += r * r;
    }
    return Math.sqrt(sum / logY.length);
  }

  /** log L̂ for features given directly (for prediction at new points). */
  static double predictLog(double[] p, double[] logFeatures) {
    double max = p[0];
    for (int j = 0; j < logFeatures.length; j++) {
      max = Math.max(max, p[1 + 2 * j] - p[2 + 2 * j] * logFeatures[j]);
    }
    double sum = Math.exp(p[0] - max);
    for (int j = 0; j < logFeatures.length; j++) {
      sum += Math.exp(p[1 + 2 * j] - p[2 + 2 * j] * logFeatures[j] - max);
    }
    return max + Math.log(sum);
  }

  /** The objective Σ Huber_δ(r_i); its gradient is written into {@code grad} when not null. */
  double loss(double[] p, double[] grad) {
    int k = logX.length;
    double[] t = new double[k + 1];
    double total = 0;
    if (grad != null) {
      java.util.Arrays.fill(grad, 0);
    }
    for (int i = 0; i < logY.length; i++) {
      t[0] = p[0];
      double max = t[0];
      for (int j = 0; j < k; j++) {
        t[j + 1] = p[1 + 2 * j] - p[2 + 2 * j] * logX[j][i];
        max = Math.max(max, t[j + 1]);
      }
      double sum = 0;
      for (int j = 0; j <= k; j++) {
        t[j] = Math.exp(t[j] - max);
        sum += t[j];
      }
      double r = max + Math.log(sum) - logY[i];
      double abs = Math.abs(r);
      total += abs <= delta ? 0.5 * r * r : delta * (abs - 0.5 * delta);
      if (grad != null) {
        double dh = abs <= delta ? r : Math.copySign(delta, r);
        grad[0] += dh * t[0] / sum;
        for (int j = 0; j < k; j++) {
          double w = dh * t[j + 1] / sum;
          grad[1 + 2 * j] += w;
          grad[2 + 2 * j] -= w * logX[j][i];
        }
      }
    }
    return total;
  }
}
