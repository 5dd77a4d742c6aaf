package dev.sweeplab.report;

import java.util.List;

/**
 * One line on a plot: points (x, y) with a spread (e.g. the standard deviation over seeds; NaN for
 * none) drawn as error bars.
 */
public record Series(String name, List<Double> x, List<Double> y, List<Double> spread) {
  public Series {
    if (x.size() != y.size() || x.size() != spread.size()) {
      throw new IllegalArgumentException(
          "series "
              + name
              + ": x, y and spread differ in length: "
              + x.size()
              + ", "
              + y.size()
              + ", "
              + spread.size());
    }
    x = List.copyOf(x);
    y = List.copyOf(y);
    spread = List.copyOf(spread);
  }
}
