package dev.sweeplab.analysis;

import java.util.List;

/**
 * The measured values of one configuration at one x (or (x, x2) for the joint form): one value per
 * seed. Bootstrap intervals resample the seeds within each point (stratified by config), or, where
 * {@code runs} names the run of each value, whole runs across the points ({@link ScalingAnalysis}).
 *
 * @param runs the run each value comes from, in the order of {@code values}; empty where one run
 *     gives one point only, so that the points' seeds are independent of each other
 */
public record SeedPoint(double x, double x2, List<Double> values, List<String> runs) {
  public SeedPoint {
    values = List.copyOf(values);
    runs = List.copyOf(runs);
    if (values.isEmpty()) {
      throw new IllegalArgumentException("a point needs at least one seed value");
    }
    if (!runs.isEmpty() && runs.size() != values.size()) {
      throw new IllegalArgumentException(
          "a point names the run of every value or of none: "
              + values.size()
              + " values, "
              + runs.size()
              + " runs");
    }
  }

  /** A point whose values come from runs that give no other point. */
  public SeedPoint(double x, double x2, List<Double> values) {
    this(x, x2, values, List.of());
  }

  public double mean() {
    return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }
}
