package dev.sweeplab.model;

import dev.sweeplab.spec.RunConfig;
import java.util.Objects;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A layer's learning rate at each step: its peak rate (the run's rate times the parameterization's
 * factor for the layer) times one factor f(t) shared by every layer, from {@code training.schedule}
 * and {@code training.warmup_steps}. With t the step counted from 0 (DL4J's iteration count, which
 * {@code fit} and {@link DenseStep} both pass), W the warmup steps and T the run's steps ({@link
 * RunConfig#totalSteps}):
 *
 * <pre>
 * t &lt; W:   f(t) = (t + 1) / W                                   linear warmup from η/W to η
 * t ≥ W:   p    = (t − W) / (T − 1 − W), clamped to [0, 1]; 0 when T − 1 − W ≤ 0
 *          constant: f = 1
 *          cosine:   f = 0.1 + 0.9 · ½ (1 + cos π p)              η at t = W, 0.1 η at t = T − 1
 *          linear:   f = 1 − p                                     η at t = W, 0 at t = T − 1
 * </pre>
 *
 * The warmup is Goyal et al.'s (2017) gradual warmup, a constant increment per step reaching the
 * peak at its last step, starting from η/W rather than 0 so that no step is wasted; the cosine
 * decays to 10 % of the peak as Hoffmann et al. (2022) train. A DL4J {@link ISchedule}, so DL4J's
 * updaters (and through them the decoupled weight decay, which multiplies the scheduled rate) take
 * it on both implementations, serialised in the network's JSON. A run trained data-parallel is
 * refused a schedule (the spec check): DL4J's parameter averaging counts each worker's iterations
 * apart, so t would run to T / workers.
 */
public final class Schedule implements ISchedule {
  private static final long serialVersionUID = 1L;

  /** Cosine's rate at the last step as a fraction of the peak. */
  public static final double COSINE_FLOOR = 0.1;

  @JsonProperty("peak")
  private final double peak;

  @JsonProperty("kind")
  private final String kind;

  @JsonProperty("warmup")
  private final int warmup;

  @JsonProperty("total")
  private final long total;

  /**
   * The schedule of rate {@code peak} over {@code total} steps.
   *
   * @param kind constant, cosine or linear
   * @param warmup warmup steps, 0 for none
   */
  @JsonCreator
  public Schedule(
      @JsonProperty("peak") double peak,
      @JsonProperty("kind") String kind,
      @JsonProperty("warmup") int warmup,
      @JsonProperty("total") long total) {
    if (!kind.equals("constant") && !kind.equals("cosine") && !kind.equals("linear")) {
      throw new IllegalArgumentException("schedule " + kind);
    }
    if (warmup < 0 || total < 1) {
      throw new IllegalArgumentException("warmup " + warmup + ", total " + total);
    }
    this.peak = peak;
    this.kind = kind;
    this.warmup = warmup;
    this.total = total;
  }

  /**
   * {@code run}'s schedule for a layer whose peak rate is {@code peak}, or null when the rate is
   * constant with no warmup: DL4J's updaters then take the plain rate, as every run did before
   * schedules existed, so those runs keep their numbers exactly.
   */
  static Schedule of(RunConfig run, double peak) {
    if (run.schedule().equals("constant") && run.warmupSteps() == 0) {
      return null;
    }
    return new Schedule(peak, run.schedule(), run.warmupSteps(), run.totalSteps());
  }

  /** f(t): the factor on every layer's peak rate at step {@code t} (from 0). */
  public static double factor(String kind, int warmup, long total, long t) {
    if (t < warmup) {
      return (t + 1.0) / warmup;
    }
    long span = total - 1 - warmup;
    double p = span <= 0 ? 0 : Math.min(1, (double) (t - warmup) / span);
    return switch (kind) {
      case "constant" -> 1;
      case "cosine" -> COSINE_FLOOR + (1 - COSINE_FLOOR) * 0.5 * (1 + Math.cos(Math.PI * p));
      case "linear" -> 1 - p;
      default -> throw new IllegalArgumentException("schedule " + kind);
    };
  }

  @Override
  public double valueAt(int iteration, int epoch) {
    return peak * factor(kind, warmup, total, iteration);
  }

  @Override
  public ISchedule clone() {
    return new Schedule(peak, kind, warmup, total); // immutable; a copy for DL4J's contract
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Schedule s
        && Double.compare(s.peak, peak) == 0
        && s.kind.equals(kind)
        && s.warmup == warmup
        && s.total == total;
  }

  @Override
  public int hashCode() {
    return Objects.hash(peak, kind, warmup, total);
  }

  @Override
  public String toString() {
    return "Schedule(" + kind + ", peak " + peak + ", warmup " + warmup + ", of " + total + ")";
  }
}
