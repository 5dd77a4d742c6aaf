package dev.sweeplab.analysis;

import java.util.List;

/**
 * A fitted law L = E + Σ_j A_j / x_j^α_j.
 *
 * @param form {@code power_law} (one term) or {@code joint} (two terms, Hoffmann's L(N, D))
 * @param e log E
 * @param a log A_j per term
 * @param alpha exponent α_j per term
 * @param loss the minimised sum of Huber losses
 * @param points points fitted
 * @param rmsLogResidual root mean square of log L̂ − log L
 * @param starts starting points tried; {@code converged} how many of them converged
 */
public record LawFit(
    String form,
    double e,
    List<Double> a,
    List<Double> alpha,
    double loss,
    int points,
    double rmsLogResidual,
    int starts,
    int converged) {

  /** E, the irreducible term. */
  public double floor() {
    return Math.exp(e);
  }

  /** A_j. */
  public double coefficient(int term) {
    return Math.exp(a.get(term));
  }

  /** The prediction at the given feature values (one per term). */
  public double predict(double... x) {
    double[] logs = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      logs[j] = Math.log(x[j]);
    }
    return Math.exp(LogLaw.predictLog(vector(), logs));
  }

  /** Parameters in the optimiser's order {@code [e, a_1, α_1, ...]}. */
  double[] vector() {
    double[] p = new double[1 + 2 * a.size()];
    p[0] = e;
    for (int j = 0; j < a.size(); j++) {
      p[1 + 2 * j] = a.get(j);
      p[2 + 2 * j] = alpha.get(j);
    }
    return p;
  }
}
