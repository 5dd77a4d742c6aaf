package dev.sweeplab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sweeplab.model.Parameterization.Layer;
import dev.sweeplab.model.Parameterization.Scaling;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The multiplier table, cell by cell, written out by hand from the papers rather than derived from
 * the code: Jacot et al. 2018 (ntk: W = w/√fan_in, w ~ N(0, 1), one rate, biases without a width
 * factor), Tensor Programs V Table 3 with microsoft/mup's treatment of the output bias (mup), and
 * Chizat &amp; Bach 2018 / Mei et al. 2018 (mean_field: output multiplier 1/n, O(1) weights,
 * particle rates × n under SGD). Columns: the paper's form (forward multiplier, σ, weight rate,
 * bias rate) relative to standard at the base width, then the folded form the network trains (σ,
 * weight rate, bias rate). r = width / base_width; s = √r. At r = 1 every row is standard.
 */
class ParameterizationTest {
  @ParameterizedTest(name = "{0} {1} {2} r={3}")
  @CsvSource({
    // parameterization, optimizer, layer, r, mult, sigma, W rate, b rate, folded sigma, W, b
    "standard,   sgd,  INPUT,  1, 1,    1,   1,    1, 1,    1,    1",
    "standard,   sgd,  HIDDEN, 1, 1,    1,   1,    1, 1,    1,    1",
    "standard,   sgd,  OUTPUT, 1, 1,    1,   1,    1, 1,    1,    1",
    "standard,   adam, INPUT,  1, 1,    1,   1,    1, 1,    1,    1",
    "standard,   adam, HIDDEN, 1, 1,    1,   1,    1, 1,    1,    1",
    "standard,   adam, OUTPUT, 1, 1,    1,   1,    1, 1,    1,    1",
    "standard,   sgd,  INPUT,  4, 1,    1,   1,    1, 1,    1,    1",
    "standard,   sgd,  HIDDEN, 4, 1,    1,   1,    1, 1,    1,    1",
    "standard,   sgd,  OUTPUT, 4, 1,    1,   1,    1, 1,    1,    1",
    "standard,   adam, INPUT,  4, 1,    1,   1,    1, 1,    1,    1",
    "standard,   adam, HIDDEN, 4, 1,    1,   1,    1, 1,    1,    1",
    "standard,   adam, OUTPUT, 4, 1,    1,   1,    1, 1,    1,    1",
    // ntk, SGD only: hidden and output W = w/√n with w at O(1) σ and rate η; biases × 1.
    "ntk,        sgd,  INPUT,  1, 1,    1,   1,    1, 1,    1,    1",
    "ntk,        sgd,  HIDDEN, 1, 1,    1,   1,    1, 1,    1,    1",
    "ntk,        sgd,  OUTPUT, 1, 1,    1,   1,    1, 1,    1,    1",
    "ntk,        sgd,  INPUT,  4, 1,    1,   1,    1, 1,    1,    1",
    "ntk,        sgd,  HIDDEN, 4, 0.5,  2,   1,    1, 1,    0.25, 1",
    "ntk,        sgd,  OUTPUT, 4, 0.5,  2,   1,    1, 1,    0.25, 1",
    // mup, TP V Table 3: SGD rate η·fan_out for vectors (input W, hidden b), η for hidden W,
    // η/fan_in for output W (variance 1/fan_in²); the output bias has no infinite dimension.
    "mup,        sgd,  INPUT,  1, 1,    1,   1,    1, 1,    1,    1",
    "mup,        sgd,  HIDDEN, 1, 1,    1,   1,    1, 1,    1,    1",
    "mup,        sgd,  OUTPUT, 1, 1,    1,   1,    1, 1,    1,    1",
    "mup,        adam, INPUT,  1, 1,    1,   1,    1, 1,    1,    1",
    "mup,        adam, HIDDEN, 1, 1,    1,   1,    1, 1,    1,    1",
    "mup,        adam, OUTPUT, 1, 1,    1,   1,    1, 1,    1,    1",
    "mup,        sgd,  INPUT,  4, 1,    1,   4,    4, 1,    4,    4",
    "mup,        sgd,  HIDDEN, 4, 1,    1,   1,    4, 1,    1,    4",
    "mup,        sgd,  OUTPUT, 4, 1,    0.5, 0.25, 1, 0.5,  0.25, 1",
    "mup,        adam, INPUT,  4, 1,    1,   1,    1, 1,    1,    1",
    "mup,        adam, HIDDEN, 4, 1,    1,   0.25, 1, 1,    0.25, 1",
    "mup,        adam, OUTPUT, 4, 1,    0.5, 0.25, 1, 0.5,  0.25, 1",
    // mean_field, one hidden layer: output multiplier 1/r on weights at base-width σ (√r × SP's
    // at width n); particles (input W and b, output W) at rate × r under SGD, × 1 under Adam.
    "mean_field, sgd,  INPUT,  1, 1,    1,   1,    1, 1,    1,    1",
    "mean_field, sgd,  OUTPUT, 1, 1,    1,   1,    1, 1,    1,    1",
    "mean_field, adam, INPUT,  1, 1,    1,   1,    1, 1,    1,    1",
    "mean_field, adam, OUTPUT, 1, 1,    1,   1,    1, 1,    1,    1",
    "mean_field, sgd,  INPUT,  4, 1,    1,   4,    4, 1,    4,    4",
    "mean_field, sgd,  OUTPUT, 4, 0.25, 2,   4,    1, 0.5,  0.25, 1",
    "mean_field, adam, INPUT,  4, 1,    1,   1,    1, 1,    1,    1",
    "mean_field, adam, OUTPUT, 4, 0.25, 2,   1,    1, 0.5,  0.25, 1",
  })
  void multipliers(
      String name,
      String optimizer,
      Layer layer,
      double r,
      double multiplier,
      double sigma,
      double weightRate,
      double biasRate,
      double foldedSigma,
      double foldedWeightRate,
      double foldedBiasRate) {
    boolean adam = optimizer.equals("adam");
    Scaling s = Parameterization.of(name).scaling(layer, r, adam);
    assertEquals(new Scaling(multiplier, sigma, weightRate, biasRate), round(s));
    assertEquals(
        new Scaling(1, foldedSigma, foldedWeightRate, foldedBiasRate), round(s.folded(adam)));
  }

  @ParameterizedTest(name = "{0} {1} depth {2}")
  @CsvSource({
    "ntk,        adam, 1",
    "ntk,        adam, 3",
    "mean_field, sgd,  2",
    "mean_field, adam, 3",
  })
  void undefinedCombinationsAreNamed(String name, String optimizer, int depth) {
    Parameterization p = Parameterization.of(name);
    assertNotNull(p.undefinedFor(depth, optimizer));
    boolean adam = optimizer.equals("adam");
    assertThrows(IllegalArgumentException.class, () -> p.scaling(Layer.HIDDEN, 4, adam));
  }

  @ParameterizedTest(name = "{0} {1} depth {2}")
  @CsvSource({
    "standard,   adam, 5",
    "ntk,        sgd,  5",
    "mup,        adam, 5",
    "mean_field, sgd,  1",
    "mean_field, adam, 1",
  })
  void definedCombinations(String name, String optimizer, int depth) {
    assertNull(Parameterization.of(name).undefinedFor(depth, optimizer));
  }

  @ParameterizedTest(name = "output multiplier {0} under {1}")
  @CsvSource({"2, sgd, 4", "2, adam, 2", "0.5, sgd, 0.25", "0.5, adam, 0.5"})
  void anOutputMultiplierFoldsIntoSigmaAndRate(double alpha, String optimizer, double rate) {
    boolean adam = optimizer.equals("adam");
    Scaling s = Parameterization.STANDARD.scaling(Layer.OUTPUT, 1, adam).times(alpha);
    assertEquals(new Scaling(1, alpha, rate, 1), round(s.folded(adam)));
  }

  /** Rounds to 12 digits, so 1/√4 and 0.5 compare equal. */
  private static Scaling round(Scaling s) {
    return new Scaling(
        round(s.multiplier()), round(s.sigma()), round(s.weightRate()), round(s.biasRate()));
  }

  private static double round(double v) {
    return Math.round(v * 1e12) / 1e12;
  }
}
