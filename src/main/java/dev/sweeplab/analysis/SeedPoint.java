package dev.sweeplab.analysis;

import java.util.List;

/**
 * The measured values of one configuration at one x (or (x, x2) for the joint form): one value per
 * seed. Bootstrap intervals resample the seeds within each point (stratified by config), or, where
 * {@code units} names what each value shares with other points, whole units across the points
 * ({@link ScalingAnalysis}).
 *
 * @param units the unit each value belongs to, in the order of {@code values}: the run on the step
 *     axis (one run gives every step), the repeat under {@code dataset.data_seed: per_repeat} (one
 *     training sample serves every configuration of a repeat); empty where the points' seeds are
 *     independent of each other
 */
public record SeedPoint(double x, double x2, List<Double> values, List<String> units) {
  public SeedPoint {
    values = List.copyOf(values);
    units = List.copyOf(units);
    if (values.isEmpty()) {
      throw new IllegalArgumentException("a point needs at least one seed value");
    }
    if (!units.isEmpty() && units.size() != values.size()) {
      throw new IllegalArgumentException(
          "a point names the unit of every value or of none: "
              + values.size()
              + " values, "
              + units.size()
              + " units");
    }
  }

  /** A point whose seeds are independent of every other point's. */
  public SeedPoint(double x, double x2, List<Double> values) {
    this(x, x2, values, List.of());
  }

  public double mean() {
    return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }
}
