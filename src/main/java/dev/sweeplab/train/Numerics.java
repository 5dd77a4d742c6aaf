package dev.sweeplab.train;

import dev.sweeplab.model.Parameterization;
import dev.sweeplab.spec.RunConfig;

/**
 * The version of the training maths that computes a run. A run is a pure function of its {@link
 * RunConfig} and of the maths that trains it; the {@code run_id} names the first only, so each
 * staged run and each {@code runs} row records the second as {@code numerics}. Resume reuses a
 * staged run, and the commit publishes it, only when its recorded numerics equals {@link #version}
 * of its configuration; a run staged under other numerics is trained again.
 *
 * <table>
 *   <caption>The versions</caption>
 *   <tr><th>version</th><th>configurations</th><th>the maths</th></tr>
 *   <tr><td>1</td><td>{@code parameterization: standard}</td>
 *       <td>SP as {@code model.Networks} builds it: weights ~ N(0, σ²) with σ =
 *       init_scale·gain/√fan_in, biases 0, one learning rate for every weight and bias. A staged file of any other
 *       parameterization at numerics 1 holds numbers of the multiplier table in which every bias
 *       takes the input layer's rate and mean_field's multipliers are muP's.</td></tr>
 *   <tr><td>2</td><td>{@code parameterization: ntk, mup, mean_field}</td>
 *       <td>the width multipliers of {@link Parameterization}'s table on top of version 1's
 *       maths: each layer's bias takes its own learning-rate multiplier, and mean_field has its
 *       own output multiplier.</td></tr>
 * </table>
 *
 * <p>A change to the training maths (initialisation, update, multipliers, data generation, the
 * evaluation that fills the row) that changes the numbers of some configurations adds a version,
 * one above the highest here, with a row in this table saying what its maths is, and makes {@link
 * #version} return it for exactly those configurations; the others keep theirs, so their staged
 * runs are still reused. A change that leaves every number as it was (speed, logging) needs none.
 * The version lives in the staged file's name as well as in its row (see {@code store.Staging}), so
 * resume and {@code sweeplab status} compare it from a listing alone.
 */
public final class Numerics {
  private Numerics() {}

  /** The version of the training maths that computes {@code run} (see the table above). */
  public static int version(RunConfig run) {
    return switch (Parameterization.of(run.parameterization())) {
      case STANDARD -> 1;
      case NTK, MUP, MEAN_FIELD -> 2;
    };
  }
}
