package dev.sweeplab.report;

import java.util.List;

/**
 * One line on a plot: points (x, y) with a spread (e.g. the standard deviation over seeds; NaN for
 * none) drawn as error bars.
 *
 * @param color index into the plot's palette, so that series of one group share a colour; -1 for
 *     the next colour in turn
 * @param draw points joined by a line, points only (measurements beside a fit), a line only (a
 *     fitted curve), or a highlighted point left out of the legend (an optimum on a curve)
 */
public record Series(
    String name, List<Double> x, List<Double> y, List<Double> spread, int color, Draw draw) {
  /** How a series is drawn. */
  public enum Draw {
    POINTS_AND_LINE,
    POINTS,
    LINE,
    MARK
  }

  /** Points joined by a line, in the next colour. */
  public Series(String name, List<Double> x, List<Double> y, List<Double> spread) {
    this(name, x, y, spread, -1, Draw.POINTS_AND_LINE);
  }

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
