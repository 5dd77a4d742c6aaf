package dev.sweeplab.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogLawTest {
  static final double[][] LOG_X = {{1, 2, 3, 4, 5, 6}, {2, 2, 4, 4, 7, 7}};
  static final double[] LOG_Y = {1.2, 0.9, 0.8, 0.75, 0.69, 0.67};

  @Test
  void squaredRhoIsTheHuberLoss() {
    LogLaw law = new LogLaw(LOG_X, LOG_Y, 0.05, true);
    double[] p = {0.5, 1.5, 0.7, 0.8, 0.3};
    double[] rho = new double[6];
    double[] r = law.residuals(p, rho, new double[6][5]);
    double half = 0;
    double huber = 0;
    for (int i = 0; i < 6; i++) {
      half += 0.5 * rho[i] * rho[i];
      double a = Math.abs(r[i]);
      huber += a <= 0.05 ? 0.5 * a * a : 0.05 * (a - 0.025);
    }
    assertEquals(huber, half, 1e-15);
    assertEquals(huber, law.loss(p), 1e-15);
  }

  @Test
  void theJacobianMatchesFiniteDifferences() {
    for (boolean floor : new boolean[] {true, false}) {
      LogLaw law = new LogLaw(LOG_X, LOG_Y, 0.05, floor);
      double[] p =
          floor ? new double[] {0.5, 1.5, 0.7, 0.8, 0.3} : new double[] {1.5, 0.7, 0.8, 0.3};
      double[][] jacobian = new double[6][p.length];
      law.residuals(p, new double[6], jacobian);
      for (int c = 0; c < p.length; c++) {
        double h = 1e-6;
        double[] up = p.clone();
        double[] down = p.clone();
        up[c] += h;
        down[c] -= h;
        double[] rhoUp = new double[6];
        double[] rhoDown = new double[6];
        law.residuals(up, rhoUp, new double[6][p.length]);
        law.residuals(down, rhoDown, new double[6][p.length]);
        for (int i = 0; i < 6; i++) {
          assertEquals(
              (rhoUp[i] - rhoDown[i]) / (2 * h),
              jacobian[i][c],
              1e-6,
              "floor " + floor + ", point " + i + ", parameter " + c);
        }
      }
    }
  }

  @Test
  void withoutAFloorTheFloorTermVanishes() {
    LogLaw law = new LogLaw(LOG_X, LOG_Y, 0.05, false);
    double[] p = {1.5, 0.7, 0.8, 0.3};
    double[] full = law.full(p);
    assertEquals(Double.NEGATIVE_INFINITY, full[0]);
    assertArrayEquals(p, law.reduced(full));
    double expected = Math.log(Math.exp(1.5 - 0.7 * 3) + Math.exp(0.8 - 0.3 * 4));
    assertEquals(expected, LogLaw.predictLog(full, new double[] {3, 4}), 1e-15);
    assertEquals(expected - LOG_Y[2], law.residuals(p, null, null)[2], 1e-15);
  }
}
