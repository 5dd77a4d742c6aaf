package dev.sweeplab.analysis;

import java.util.List;

/**
 * A fitted scaling law L = E + Σ_j A_j / x_j^α_j: the power law of Kaplan et al. (2020, eqs.
 * 1.1–1.3) with the irreducible term of Henighan et al. (2020, §1) for one feature, Hoffmann et
 * al.'s (2022, eq. 2) L(N, D) = E + A/N^α + B/D^β for two. Values, not logs, so that a reader of
 * the {@code scaling_fits} table sees the numbers the papers print.
 *
 * @param form {@code power_law}, {@code power_law_no_floor} (E = 0) or {@code joint}
 * @param floor E, the irreducible term (0 for {@code power_law_no_floor})
 * @param coefficients A_j per term (A, then B for the joint form)
 * @param alpha exponent α_j per term (α, then β for the joint form)
 * @param loss the minimised sum of Huber losses of the log residuals
 * @param points points fitted
 * @param rmsLogResidual root mean square of log L̂ − log L
 * @param converged whether the optimiser met its convergence test at the returned optimum, inside
 *     the parameter box (false for a law {@link #pinned()} at |α| = 10 or at A or E = e^600: the
 *     points follow no power law)
 * @param starts starting points tried
 * @param startsConverged how many of them converged
 */
public record LawFit(
    String form,
    double floor,
    List<Double> coefficients,
    List<Double> alpha,
    double loss,
    int points,
    double rmsLogResidual,
    boolean converged,
    int starts,
    int startsConverged) {

  public LawFit {
    coefficients = List.copyOf(coefficients);
    alpha = List.copyOf(alpha);
    if (coefficients.size() != alpha.size()) {
      throw new IllegalArgumentException(
          "one coefficient per exponent, found "
              + coefficients.size()
              + " coefficients and "
              + alpha.size()
              + " exponents");
    }
  }

  /**
   * Whether the law ends on the fitter's parameter box ({@link LawFitter#onBox}): some |α_j| = 10,
   * or E or some A_j = e^600. A pinned law follows the box, not the points.
   */
  public boolean pinned() {
    return LawFitter.onBox(vector());
  }

  /** A_j. */
  public double coefficient(int term) {
    return coefficients.get(term);
  }

  /** The prediction at the given feature values (one per term: x, or N then D). */
  public double predict(double... x) {
    if (x.length != alpha.size()) {
      throw new IllegalArgumentException(
          form + " takes " + alpha.size() + " feature values, found " + x.length);
    }
    double[] logs = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      logs[j] = Math.log(x[j]);
    }
    return Math.exp(LogLaw.predictLog(vector(), logs));
  }

  /** Parameters as logs in the full order {@code [log E, log A_1, α_1, ...]}; log 0 = −∞. */
  double[] vector() {
    double[] p = new double[1 + 2 * alpha.size()];
    p[0] = Math.log(floor);
    for (int j = 0; j < alpha.size(); j++) {
      p[1 + 2 * j] = Math.log(coefficients.get(j));
      p[2 + 2 * j] = alpha.get(j);
    }
    return p;
  }
}
