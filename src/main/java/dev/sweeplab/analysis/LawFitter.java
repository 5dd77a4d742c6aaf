package dev.sweeplab.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hipparchus.exception.Localizable;
import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.optim.LocalizedOptimFormats;
import org.hipparchus.optim.PointValuePair;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresBuilder;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresProblem;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LevenbergMarquardtOptimizer;
import org.hipparchus.util.Pair;

/**
 * Fits scaling laws L = E + Σ_j A_j / x_j^α_j by minimising the Huber loss (δ = 10⁻³) of the log
 * residuals from a grid of starting points and keeping the best: approach 3 of Hoffmann et al.
 * (2022, eq. 3 and Appendix D.2), as refitted by Besiroglu et al. (2024, Epoch AI).
 *
 * <p>The optimiser is Hipparchus' Levenberg–Marquardt (Moré's MINPACK) on the Huber loss written as
 * a sum of squares ½ρ(r)² (see {@link LogLaw}), with the analytic Jacobian: a gradient method that,
 * unlike the paper's L-BFGS, also uses the problem's least-squares structure. On Chinchilla's 240
 * points it reaches the optimum in about 30 evaluations per start, where Hipparchus' nonlinear
 * conjugate gradient needs over 600 and still stops short of it; that is what makes the 4500-start
 * grid take seconds. Every start runs with a loose tolerance, then the best few are polished with a
 * tight one. Starts run on the common fork-join pool; results do not depend on thread count.
 *
 * <p>Parameters are kept in a box (|α_j| ≤ 10, |log E|, |log A_j| ≤ 600) by Hipparchus' parameter
 * validator: points that follow no power law (a step, a bump) drive an unbounded fit to α → ∞ and A
 * → ∞. Such a fit ends on the box and is reported with {@link LawFit#converged()} false.
 */
public final class LawFitter {
  /** Huber threshold of Hoffmann et al. */
  public static final double HUBER_DELTA = 1e-3;

  /** Relative tolerance of the first pass over every start. */
  private static final double ROUGH_TOLERANCE = 1e-6;

  /** Relative tolerance of the polish. */
  private static final double TIGHT_TOLERANCE = 1e-10;

  /** Rough optima polished with the tight tolerance. */
  private static final int POLISHED = 16;

  private static final int MAX_EVALUATIONS = 5_000;

  /** Bound on |α_j|. */
  static final double MAX_EXPONENT = 10;

  /** Bound on |log E| and |log A_j|: exp(±600) is still a finite double. */
  static final double MAX_LOG = 600;

  /**
   * How close, relative to a bound, a parameter counts as on it: where the points follow no law the
   * objective keeps falling towards the box, and the optimiser's tolerance can stop it at |α| =
   * 9.9999 as well as at 10.
   */
  static final double BOX_EDGE = 1e-3;

  /**
   * Whether the parameters (full layout {@code [log E, log A_1, α_1, ...]}) lie on the box: some
   * |α_j| at {@value #MAX_EXPONENT}, or log E or some log A_j at {@value #MAX_LOG}, within {@link
   * #BOX_EDGE}. The lower bound on the logs is no pin: E or A_j → 0 is a law without that term.
   */
  static boolean onBox(double[] full) {
    for (int i = 0; i < full.length; i++) {
      boolean exponent = i % 2 == 0 && i > 0;
      if (exponent
          ? Math.abs(full[i]) >= MAX_EXPONENT * (1 - BOX_EDGE)
          : full[i] >= MAX_LOG * (1 - BOX_EDGE)) {
        return true;
      }
    }
    return false;
  }

  private static final Set<Localizable> TOLERANCE_STOPS =
      Set.of(
          LocalizedOptimFormats.TOO_SMALL_COST_RELATIVE_TOLERANCE,
          LocalizedOptimFormats.TOO_SMALL_PARAMETERS_RELATIVE_TOLERANCE,
          LocalizedOptimFormats.TOO_SMALL_ORTHOGONALITY_TOLERANCE);

  private LawFitter() {}

  /**
   * Hoffmann et al.'s joint form L(N, D) = E + A/N^α + B/D^β from their grid: α, β ∈ {0, 0.5, 1,
   * 1.5, 2}, e ∈ {−1, −0.5, 0, 0.5, 1}, a, b ∈ {0, 5, 10, 15, 20, 25} (4500 starts).
   *
   * @param n parameters N per point
   * @param d training tokens D per point
   * @param loss the measured loss per point
   */
  public static LawFit joint(double[] n, double[] d, double[] loss) {
    return fit("joint", new double[][] {n, d}, loss, true, jointStarts());
  }

  private static List<double[]> jointStarts() {
    double[] exponents = {0, 0.5, 1, 1.5, 2};
    double[] floors = {-1, -0.5, 0, 0.5, 1};
    double[] coefficients = {0, 5, 10, 15, 20, 25};
    List<double[]> starts = new ArrayList<>();
    for (double alpha : exponents) {
      for (double beta : exponents) {
        for (double e : floors) {
          for (double a : coefficients) {
            for (double b : coefficients) {
              starts.add(new double[] {e, a, alpha, b, beta});
            }
          }
        }
      }
    }
    return starts;
  }

  /**
   * y = E + A·x^−α. The grid is scaled to the data: α ∈ {0.1, 0.3, 0.6, 1, 2}, E a fraction of min
   * y, A so that the power term is comparable to y at the smallest x (45 starts).
   */
  public static LawFit powerLaw(double[] x, double[] y) {
    return fit("power_law", new double[][] {x}, y, true, powerLawStarts(x, y, true));
  }

  /** y = A·x^−α (no floor, E = 0): a Huber regression of log y on log x. */
  public static LawFit powerLawNoFloor(double[] x, double[] y) {
    return fit("power_law_no_floor", new double[][] {x}, y, false, powerLawStarts(x, y, false));
  }

  /** Grid starts kept, besides the point estimate, to start each bootstrap replicate from. */
  static final int REPLICATE_STARTS = 4;

  /**
   * A law fitted from a grid, with the grid starts that led to the best optima on the same data: up
   * to {@link #REPLICATE_STARTS}, those whose rough optima differ from the best one's and from each
   * other first (other basins a resample may favour), then the next best.
   */
  record Search(LawFit fit, List<double[]> bestStarts) {}

  /** {@link #joint} with the grid's best starts. */
  static Search jointSearch(double[] n, double[] d, double[] loss) {
    return search("joint", new double[][] {n, d}, loss, true, jointStarts());
  }

  /** {@link #powerLaw} with the grid's best starts. */
  static Search powerLawSearch(double[] x, double[] y) {
    return search("power_law", new double[][] {x}, y, true, powerLawStarts(x, y, true));
  }

  /** {@link #powerLawNoFloor} with the grid's best starts. */
  static Search powerLawNoFloorSearch(double[] x, double[] y) {
    return search("power_law_no_floor", new double[][] {x}, y, false, powerLawStarts(x, y, false));
  }

  /**
   * The same form refitted from one start, the estimate {@code from} (for bootstrap replicates).
   */
  static LawFit refit(LawFit from, double[][] x, double[] y) {
    return refit(from, List.of(), x, y);
  }

  /**
   * The same form refitted from the estimate {@code from} and from {@code starts} (full layout),
   * keeping the best optimum: a bootstrap replicate whose optimum lies in another basin than the
   * estimate's is not stuck in the estimate's.
   */
  static LawFit refit(LawFit from, List<double[]> starts, double[][] x, double[] y) {
    boolean floor = !from.form().equals("power_law_no_floor");
    double[] start = from.vector();
    // A floor that underflowed to 0 would start the optimiser at log 0 = −∞.
    start[0] = Math.max(start[0], -MAX_LOG);
    List<double[]> all = new ArrayList<>();
    all.add(start);
    all.addAll(starts);
    return fit(from.form(), x, y, floor, all);
  }

  private static List<double[]> powerLawStarts(double[] x, double[] y, boolean floor) {
    double minX = Double.POSITIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxY = 0;
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      minX = Math.min(minX, x[i]);
      minY = Math.min(minY, y[i]);
      maxY = Math.max(maxY, y[i]);
    }
    List<double[]> starts = new ArrayList<>();
    for (double alpha : new double[] {0.1, 0.3, 0.6, 1, 2}) {
      for (double floorShare : floor ? new double[] {0.01, 0.5, 0.9} : new double[] {0}) {
        for (double scale : new double[] {0.3, 1, 3}) {
          double e = Math.log(floorShare * minY);
          double a =
              Math.log(scale * Math.max(maxY - floorShare * minY, 1e-12)) + alpha * Math.log(minX);
          starts.add(new double[] {e, a, alpha});
        }
      }
    }
    return starts;
  }

  /**
   * Fits from the given starts (full layout {@code [e, a_1, α_1, ...]}), in parallel; the lowest
   * loss wins.
   */
  static LawFit fit(String form, double[][] x, double[] y, boolean floor, List<double[]> starts) {
    return search(form, x, y, floor, starts).fit();
  }

  /** {@link #fit}, with the starts that reached the best optima (see {@link Search}). */
  static Search search(
      String form, double[][] x, double[] y, boolean floor, List<double[]> starts) {
    LogLaw law = law(form, x, y, floor);
    // Every start with a loose tolerance, then the most promising polished: a tight run from every
    // start costs twice as much for the same minimum.
    List<Optional<PointValuePair>> rough =
        starts.parallelStream().map(s -> minimise(law, law.reduced(s), ROUGH_TOLERANCE)).toList();
    int converged = (int) rough.stream().filter(Optional::isPresent).count();
    List<PointValuePair> promising =
        rough.stream()
            .flatMap(Optional::stream)
            .sorted(Comparator.comparingDouble(PointValuePair::getValue))
            .limit(POLISHED)
            .toList();
    if (promising.isEmpty()) {
      throw new IllegalStateException(
          form + ": no start of " + starts.size() + " converged on " + y.length + " points");
    }
    Optional<PointValuePair> polished =
        promising.parallelStream()
            .map(p -> minimise(law, p.getPoint(), TIGHT_TOLERANCE))
            .flatMap(Optional::stream)
            .min(Comparator.comparingDouble(PointValuePair::getValue));
    PointValuePair best = polished.orElse(promising.get(0));
    boolean pinned = onBox(law.full(best.getPoint()));
    return new Search(
        result(form, law, best, polished.isPresent() && !pinned, starts.size(), converged),
        bestStarts(starts, rough));
  }

  /**
   * Up to {@link #REPLICATE_STARTS} of {@code starts} ranked by the rough optimum each reached:
   * first those whose optima differ (by more than {@link #SAME_OPTIMUM} in some reduced parameter)
   * from the best optimum and from each other, then the best of the rest.
   */
  private static List<double[]> bestStarts(
      List<double[]> starts, List<Optional<PointValuePair>> rough) {
    List<Integer> ranked = new ArrayList<>();
    for (int i = 0; i < rough.size(); i++) {
      if (rough.get(i).isPresent()) {
        ranked.add(i);
      }
    }
    ranked.sort(Comparator.comparingDouble(i -> rough.get(i).orElseThrow().getValue()));
    if (ranked.size() <= 1) {
      return List.of();
    }
    List<double[]> seen = new ArrayList<>();
    seen.add(rough.get(ranked.get(0)).orElseThrow().getPoint());
    List<Integer> chosen = new ArrayList<>();
    for (int i : ranked.subList(1, ranked.size())) {
      if (chosen.size() == REPLICATE_STARTS) {
        break;
      }
      double[] optimum = rough.get(i).orElseThrow().getPoint();
      if (seen.stream().noneMatch(o -> same(o, optimum))) {
        seen.add(optimum);
        chosen.add(i);
      }
    }
    for (int i : ranked.subList(1, ranked.size())) {
      if (chosen.size() == REPLICATE_STARTS) {
        break;
      }
      if (!chosen.contains(i)) {
        chosen.add(i);
      }
    }
    return chosen.stream().map(i -> starts.get(i).clone()).toList();
  }

  /** Largest difference in log E, log A_j or α_j for two optima to count as one. */
  private static final double SAME_OPTIMUM = 1e-2;

  private static boolean same(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      if (Math.abs(a[i] - b[i]) > SAME_OPTIMUM) {
        return false;
      }
    }
    return true;
  }

  private static LogLaw law(String form, double[][] x, double[] y, boolean floor) {
    int parameters = (floor ? 1 : 0) + 2 * x.length;
    if (y.length < parameters) {
      throw new IllegalArgumentException(
          form + " has " + parameters + " parameters and needs as many points, found " + y.length);
    }
    double[][] logX = new double[x.length][y.length];
    double[] logY = new double[y.length];
    for (int j = 0; j < x.length; j++) {
      if (x[j].length != y.length) {
        throw new IllegalArgumentException(
            form
                + ": feature "
                + j
                + " has "
                + x[j].length
                + " values for "
                + y.length
                + " points");
      }
    }
    for (int i = 0; i < y.length; i++) {
      if (!(y[i] > 0) || Double.isInfinite(y[i])) {
        throw new IllegalArgumentException(
            form + ": values must be finite and > 0 for a log-space fit, found " + y[i]);
      }
      logY[i] = Math.log(y[i]);
      for (int j = 0; j < x.length; j++) {
        if (!(x[j][i] > 0) || Double.isInfinite(x[j][i])) {
          throw new IllegalArgumentException(
              form + ": features must be finite and > 0, found " + x[j][i]);
        }
        logX[j][i] = Math.log(x[j][i]);
      }
    }
    return new LogLaw(logX, logY, HUBER_DELTA, floor);
  }

  /**
   * Levenberg–Marquardt on Σ ½ρ(r_i)² inside the parameter box; empty when it does not converge.
   * MINPACK's "tolerance too small" stops mean that no step can lower the cost in floating point:
   * converged, at the best point evaluated.
   */
  private static Optional<PointValuePair> minimise(LogLaw law, double[] start, double tolerance) {
    int m = law.points();
    int k = law.dimension();
    PointValuePair[] best = {null};
    LeastSquaresProblem problem =
        new LeastSquaresBuilder()
            .model(
                point -> {
                  double[] p = point.toArray();
                  double[] rho = new double[m];
                  double[][] jacobian = new double[m][k];
                  law.residuals(p, rho, jacobian);
                  double cost = 0;
                  for (double v : rho) {
                    cost += 0.5 * v * v;
                  }
                  if (best[0] == null || cost < best[0].getValue()) {
                    best[0] = new PointValuePair(p, cost, false);
                  }
                  return new Pair<>(
                      new ArrayRealVector(rho, false), new Array2DRowRealMatrix(jacobian, false));
                })
            .parameterValidator(v -> new ArrayRealVector(box(law, v.toArray()), false))
            .target(new double[m])
            .start(box(law, start))
            .lazyEvaluation(false)
            .maxEvaluations(MAX_EVALUATIONS)
            .maxIterations(MAX_EVALUATIONS)
            .build();
    double[] p;
    try {
      p =
          new LevenbergMarquardtOptimizer()
              .withCostRelativeTolerance(tolerance)
              .withParameterRelativeTolerance(tolerance)
              .optimize(problem)
              .getPoint()
              .toArray();
    } catch (MathIllegalStateException e) {
      if (!TOLERANCE_STOPS.contains(e.getSpecifier()) || best[0] == null) {
        return Optional.empty();
      }
      p = best[0].getPoint();
    }
    double loss = law.loss(p);
    return Double.isFinite(loss) ? Optional.of(new PointValuePair(p, loss)) : Optional.empty();
  }

  /**
   * Keeps exponents within ±{@value #MAX_EXPONENT} and logs of E and A_j within ±{@value #MAX_LOG}:
   * data that are no power law (a step, a rise then a fall) otherwise send the fit to α → ∞, A → ∞,
   * and such a law is reported pinned at the box rather than as infinities.
   */
  static double[] box(LogLaw law, double[] p) {
    double[] out = p.clone();
    int o = law.floor() ? 1 : 0;
    for (int i = 0; i < out.length; i++) {
      double bound = i >= o && (i - o) % 2 == 1 ? MAX_EXPONENT : MAX_LOG;
      out[i] = Double.isNaN(out[i]) ? 0 : Math.max(-bound, Math.min(bound, out[i]));
    }
    return out;
  }

  private static LawFit result(
      String form, LogLaw law, PointValuePair best, boolean converged, int starts, int ok) {
    double[] p = law.full(best.getPoint());
    List<Double> coefficients = new ArrayList<>();
    List<Double> alpha = new ArrayList<>();
    for (int j = 0; j < law.terms(); j++) {
      coefficients.add(Math.exp(p[1 + 2 * j]));
      alpha.add(p[2 + 2 * j]);
    }
    return new LawFit(
        form,
        Math.exp(p[0]),
        coefficients,
        alpha,
        best.getValue(),
        law.points(),
        law.rmsResidual(best.getPoint()),
        converged,
        starts,
        ok);
  }
}
