package dev.sweeplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hoffmann et al.'s approach 3 on the points Epoch AI read off their Figure 4 reproduces Epoch's
 * refit (Besiroglu et al. 2024): E = 1.82, α = 0.348, β = 0.366.
 */
class ChinchillaRefitTest {
  /** The points, shipped in the test resources (their source: reference/README.md there). */
  static Path reference() {
    Path p = Path.of("src/test/resources/reference/chinchilla_fig4_points.csv");
    if (!Files.isRegularFile(p)) {
      return fail("chinchilla_fig4_points.csv not found at " + p.toAbsolutePath());
    }
    return p;
  }

  /** (N, D, loss) rows, D = C / (6N). */
  static List<double[]> points() throws IOException {
    List<String> lines = Files.readAllLines(reference());
    List<String> header = List.of(lines.get(0).split(","));
    int n = header.indexOf("Model Size");
    int c = header.indexOf("Training FLOP");
    int l = header.indexOf("loss");
    List<double[]> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      double size = Double.parseDouble(f[n]);
      rows.add(
          new double[] {size, Double.parseDouble(f[c]) / (6 * size), Double.parseDouble(f[l])});
    }
    return rows;
  }

  @Test
  void reproducesEpochAisRefit() throws IOException {
    List<double[]> rows = new ArrayList<>(points());
    assertEquals(245, rows.size());
    // Epoch AI leave out the five points with the highest loss.
    rows.sort(Comparator.comparingDouble(r -> r[2]));
    rows = rows.subList(0, rows.size() - 5);
    double[] n = rows.stream().mapToDouble(r -> r[0]).toArray();
    double[] d = rows.stream().mapToDouble(r -> r[1]).toArray();
    double[] loss = rows.stream().mapToDouble(r -> r[2]).toArray();
    long start = System.nanoTime();
    LawFit fit = LawFitter.joint(n, d, loss);
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "Chinchilla refit: E=%.4f A=%.1f B=%.1f alpha=%.4f beta=%.4f loss=%.6g converged %d/%d"
            + " in %d ms%n",
        fit.floor(),
        fit.coefficient(0),
        fit.coefficient(1),
        fit.alpha().get(0),
        fit.alpha().get(1),
        fit.loss(),
        fit.startsConverged(),
        fit.starts(),
        ms);
    assertEquals(4500, fit.starts());
    assertTrue(fit.converged(), "the polished optimum met its convergence test");
    assertEquals(240, fit.points());
    assertEquals(1.82, fit.floor(), 0.01 * 1.82, "E within 1 %");
    assertEquals(0.348, fit.alpha().get(0), 0.01, "alpha");
    assertEquals(0.366, fit.alpha().get(1), 0.01, "beta");
    // Besiroglu et al. (2024): alpha = 0.3478, beta = 0.3658, so N_opt ∝ C^a with a = 0.513.
    double[] ab = ScalingAnalysis.allocation(fit.alpha().get(0), fit.alpha().get(1));
    assertEquals(0.3658 / (0.3478 + 0.3658), ab[0], 0.01, "compute-optimal a");
    assertEquals(0.3478 / (0.3478 + 0.3658), ab[1], 0.01, "compute-optimal b");
    assertTrue(fit.coefficient(0) > 100 && fit.coefficient(1) > 100, "A and B weakly identified");
  }
}
