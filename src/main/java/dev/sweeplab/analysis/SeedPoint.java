package dev.sweeplab.analysis;

import java.util.List;

/**
 * The measured values of one configuration at one x (or (x, x2) for the joint form): one value per
 * seed. Bootstrap intervals resample the seeds within each point (stratified by config).
 */
public record SeedPoint(double x, double x2, List<Double> values) {
  public SeedPoint {
    values = List.copyOf(values);
    if (values.isEmpty()) {
      throw new IllegalArgumentException("a point needs at least one seed value");
    }
  }

  public double mean() {
    return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }
}
