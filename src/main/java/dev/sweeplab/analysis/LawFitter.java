package dev.sweeplab.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.MaxIter;
import org.hipparchus.optim.PointValuePair;
import org.hipparchus.optim.SimpleBounds;
import org.hipparchus.optim.SimpleValueChecker;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunctionGradient;
import org.hipparchus.optim.nonlinear.scalar.gradient.NonLinearConjugateGradientOptimizer;
import org.hipparchus.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;

/**
 * Fits power laws with a floor by minimising the Huber loss of log residuals from a grid of
 * starting points, keeping the best (Hoffmann et al. 2022, approach 3). The optimiser is
 * Hipparchus' nonlinear conjugate gradient (Polak–Ribière) with the analytic gradient: like the
 * L-BFGS of the paper, a gradient method with line search, and the grid guards against its local
 * minima.
 */
public final class LawFitter {
  /** Huber threshold of Hoffmann et al. */
  public static final double HUBER_DELTA = 1e-3;

  private static final int MAX_ITERATIONS = 20_000;

  /** Rough optima polished with tight tolerances. */
  private static final int POLISHED = 16;

  private LawFitter() {}

  /**
   * Hoffmann et al.'s joint form L(N, D) = E + A/N^α + B/D^β from their grid: α, β ∈ {0, 0.5, 1,
   * 1.5, 2}, e ∈ {−1, −0.5, 0, 0.5, 1}, a, b ∈ {0, 5, 10, 15, 20, 25}.
   */
  public static LawFit joint(double[] n, double[] d, double[] loss) {
    double[] exps = {0, 0.5, 1, 1.5, 2};
    double[] es = {-1, -0.5, 0, 0.5, 1};
    double[] coefs = {0, 5, 10, 15, 20, 25};
    List<double[]> starts = new ArrayList<>();
    for (double alpha : exps) {
      for (double beta : exps) {
        for (double e : es) {
          for (double a : coefs) {
            for (double b : coefs) {
              starts.add(new double[] {e, a, alpha, b, beta});
            }
          }
        }
      }
    }
    return fit("joint", new double[][] {n, d}, loss, starts);
  }

  /**
   * y = E + A·x^−α. The grid is scaled to the data: α ∈ {0.1, 0.3, 0.6, 1, 2}, E from a fraction of
   * min y, A so that the power term is comparable to y at the smallest x.
   */
  public static LawFit powerLaw(double[] x, double[] y) {
    double minX = Double.POSITIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxY = 0;
    for (int i = 0; i < x.length; i++) {
      minX = Math.min(minX, x[i]);
      minY = Math.min(minY, y[i]);
      maxY = Math.max(maxY, y[i]);
    }
    List<double[]> starts = new ArrayList<>();
    for (double alpha : new double[] {0.1, 0.3, 0.6, 1, 2}) {
      for (double floorShare : new double[] {0.01, 0.5, 0.9}) {
        for (double scale : new double[] {0.3, 1, 3}) {
          double e = Math.log(floorShare * minY);
          double a =
              Math.log(scale * Math.max(maxY - floorShare * minY, 1e-12)) + alpha * Math.log(minX);
          starts.add(new double[] {e, a, alpha});
        }
      }
    }
    return fit("power_law", new double[][] {x}, y, starts);
  }

  /** Fits from the given starts, in parallel; the best converged result wins. */
  static LawFit fit(String form, double[][] x, double[] y, List<double[]> starts) {
    for (double[] column : x) {
      if (column.length != y.length) {
        throw new IllegalArgumentException("features and values differ in length");
      }
    }
    if (y.length < 1 + 2 * x.length) {
      throw new IllegalArgumentException(
          form + " needs at least " + (1 + 2 * x.length) + " points, found " + y.length);
    }
    double[][] logX = new double[x.length][y.length];
    double[] logY = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      if (!(y[i] > 0)) {
        throw new IllegalArgumentException("values must be > 0 for a log-space fit, found " + y[i]);
      }
      logY[i] = Math.log(y[i]);
      for (int j = 0; j < x.length; j++) {
        if (!(x[j][i] > 0)) {
          throw new IllegalArgumentException("features must be > 0, found " + x[j][i]);
        }
        logX[j][i] = Math.log(x[j][i]);
      }
    }
    LogLaw law = new LogLaw(logX, logY, HUBER_DELTA);
    // Every start with loose tolerances, then the most promising ones polished tightly: the
    // objective is badly conditioned (A and B are weakly identified), so a tight run from every
    // start would cost ~15x more for the same minimum.
    List<Optional<PointValuePair>> rough =
        starts.parallelStream().map(s -> minimise(law, s, false)).toList();
    long converged = rough.stream().filter(Optional::isPresent).count();
    List<double[]> promising =
        rough.stream()
            .flatMap(Optional::stream)
            .sorted(Comparator.comparingDouble(PointValuePair::getValue))
            .limit(POLISHED)
            .map(PointValuePair::getPoint)
            .toList();
    PointValuePair best =
        promising.parallelStream()
            .map(s -> minimise(law, s, true))
            .flatMap(Optional::stream)
            .min(Comparator.comparingDouble(PointValuePair::getValue))
            .orElseThrow(() -> new IllegalStateException(form + ": no start converged"));
    return result(form, law, best, starts.size(), (int) converged);
  }

  /** Refits from one start (bootstrap replicates start from the point estimate). */
  static LawFit refit(String form, double[][] x, double[] y, LawFit from) {
    return fit(form, x, y, List.of(from.vector()));
  }

  private static Optional<PointValuePair> minimise(LogLaw law, double[] start, boolean tight) {
    if (tight) {
      return polish(law, start);
    }
    NonLinearConjugateGradientOptimizer optimizer =
        new NonLinearConjugateGradientOptimizer(
            NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE,
            new SimpleValueChecker(1e-10, 1e-12),
            1e-4,
            1e-8,
            1e-2);
    try {
      PointValuePair p =
          optimizer.optimize(
              new MaxEval(200_000),
              new MaxIter(MAX_ITERATIONS),
              new ObjectiveFunction(q -> law.loss(q, null)),
              new ObjectiveFunctionGradient(
                  q -> {
                    double[] g = new double[q.length];
                    law.loss(q, g);
                    return g;
                  }),
              GoalType.MINIMIZE,
              new InitialGuess(start));
      return Double.isFinite(p.getValue()) ? Optional.of(p) : Optional.empty();
    } catch (MathIllegalStateException e) {
      return Optional.empty();
    }
  }

  /**
   * Polishes a rough optimum with BOBYQA (Powell 2009): quadratic models of the objective inside a
   * trust region, robust on this narrow, curved valley where conjugate gradients crawl.
   */
  private static Optional<PointValuePair> polish(LogLaw law, double[] start) {
    try {
      PointValuePair p =
          new BOBYQAOptimizer(2 * start.length + 1, 0.1, 1e-10)
              .optimize(
                  new MaxEval(100_000),
                  new ObjectiveFunction(q -> law.loss(q, null)),
                  GoalType.MINIMIZE,
                  SimpleBounds.unbounded(start.length),
                  new InitialGuess(start));
      return Double.isFinite(p.getValue()) ? Optional.of(p) : Optional.empty();
    } catch (MathIllegalStateException e) {
      return Optional.empty();
    }
  }

  private static LawFit result(
      String form, LogLaw law, PointValuePair best, int starts, int converged) {
    double[] p = best.getPoint();
    List<Double> a = new ArrayList<>();
    List<Double> alpha = new ArrayList<>();
    for (int j = 0; j < law.terms(); j++) {
      a.add(p[1 + 2 * j]);
      alpha.add(p[2 + 2 * j]);
    }
    return new LawFit(
        form, p[0], a, alpha, best.getValue(), law.points(), law.rmsResidual(p), starts, converged);
  }
}
