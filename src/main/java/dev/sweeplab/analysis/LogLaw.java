package dev.sweeplab.analysis;

/**
 * A sum of power laws with an optional floor, fitted in log space as in Hoffmann et al. (2022,
 * "Training Compute-Optimal Large Language Models", §3.3 and Appendix D.2, approach 3):
 *
 * <pre>
 *   log L̂ = LSE(a_1 − α_1 log x_1, ..., a_k − α_k log x_k, e)
 *   i.e.  L̂ = E + Σ_j A_j / x_j^α_j   with E = exp(e), A_j = exp(a_j)
 * </pre>
 *
 * and the objective Σ_i Huber_δ(log L̂_i − log L_i). Parameters are ordered {@code [e, a_1, α_1,
 * ..., a_k, α_k]}, or {@code [a_1, α_1, ...]} without a floor (E = 0, e = −∞). k = 1 is the power
 * law with an irreducible term (Kaplan et al. 2020); k = 2 with (N, D) is Chinchilla's L(N, D).
 *
 * <p>For the least-squares optimiser the Huber loss is written as ½ρ(r)² with ρ(r) = r for |r| ≤ δ
 * and sign(r)·√(δ(2|r| − δ)) beyond: the same objective, exactly, and ρ is continuously
 * differentiable (ρ' = 1 on both sides of |r| = δ).
 */
final class LogLaw {
  private final double[][] logX;
  private final double[] logY;
  private final double delta;
  private final boolean floor;

  /**
   * @param logX logX[j][i]: log of feature j at point i
   * @param logY log of the observed value at point i
   * @param delta Huber threshold on the log residual
   * @param floor whether the law has the irreducible term E
   */
  LogLaw(double[][] logX, double[] logY, double delta, boolean floor) {
    this.logX = logX;
    this.logY = logY;
    this.delta = delta;
    this.floor = floor;
  }

  int terms() {
    return logX.length;
  }

  int points() {
    return logY.length;
  }

  boolean floor() {
    return floor;
  }

  /** Number of parameters. */
  int dimension() {
    return (floor ? 1 : 0) + 2 * logX.length;
  }

  /**
   * log L̂ at one point. {@code p} is in the full layout {@code [e, a_1, α_1, ...]}; e = −∞ drops
   * the floor.
   */
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

  /** The optimiser's parameters in the full layout {@code [e, a_1, α_1, ...]}. */
  double[] full(double[] p) {
    if (floor) {
      return p.clone();
    }
    double[] out = new double[p.length + 1];
    out[0] = Double.NEGATIVE_INFINITY;
    System.arraycopy(p, 0, out, 1, p.length);
    return out;
  }

  /** The optimiser's parameters from the full layout. */
  double[] reduced(double[] full) {
    if (floor) {
      return full.clone();
    }
    double[] out = new double[full.length - 1];
    System.arraycopy(full, 1, out, 0, out.length);
    return out;
  }

  /**
   * Log residuals r_i = log L̂_i − log L_i; when {@code rho} is not null, also ρ(r_i) and its
   * Jacobian (rows: points, columns: parameters).
   */
  double[] residuals(double[] p, double[] rho, double[][] jacobian) {
    int k = logX.length;
    int o = floor ? 1 : 0;
    double[] r = new double[logY.length];
    double[] t = new double[k + 1];
    for (int i = 0; i < logY.length; i++) {
      t[0] = floor ? p[0] : Double.NEGATIVE_INFINITY;
      double max = t[0];
      for (int j = 0; j < k; j++) {
        t[j + 1] = p[o + 2 * j] - p[o + 2 * j + 1] * logX[j][i];
        max = Math.max(max, t[j + 1]);
      }
      double sum = 0;
      for (int j = 0; j <= k; j++) {
        t[j] = Math.exp(t[j] - max);
        sum += t[j];
      }
      r[i] = max + Math.log(sum) - logY[i];
      if (rho == null) {
        continue;
      }
      double abs = Math.abs(r[i]);
      double slope;
      if (abs <= delta) {
        rho[i] = r[i];
        slope = 1;
      } else {
        double s = Math.sqrt(delta * (2 * abs - delta));
        rho[i] = Math.copySign(s, r[i]);
        slope = delta / s;
      }
      if (floor) {
        jacobian[i][0] = slope * t[0] / sum;
      }
      for (int j = 0; j < k; j++) {
        double w = slope * t[j + 1] / sum;
        jacobian[i][o + 2 * j] = w;
        jacobian[i][o + 2 * j + 1] = -w * logX[j][i];
      }
    }
    return r;
  }

  /** The objective Σ Huber_δ(r_i). */
  double loss(double[] p) {
    double total = 0;
    for (double r : residuals(p, null, null)) {
      double abs = Math.abs(r);
      total += abs <= delta ? 0.5 * r * r : delta * (abs - 0.5 * delta);
    }
    return total;
  }

  /** Root mean square of the log residuals. */
  double rmsResidual(double[] p) {
    double sum = 0;
    for (double r : residuals(p, null, null)) {
      sum += r * r;
    }
    return Math.sqrt(sum / logY.length);
  }
}
