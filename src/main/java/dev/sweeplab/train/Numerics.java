package dev.sweeplab.train;

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
 *   <tr><td>1</td><td>none now</td>
 *       <td>the cross-entropy of the softmax probability clipped at 10⁻¹⁰ in training and at
 *       10⁻¹² in evaluation; a multiplier table in which every bias takes its input layer's
 *       learning rate, ntk's biases divide with width, ntk runs under Adam and mean_field has
 *       muP's multipliers at every depth.</td></tr>
 *   <tr><td>2</td><td>none now</td>
 *       <td>the loss of {@code model.Loss}, from the logits by log-sum-exp with no clip, in
 *       training and evaluation, and the prediction as the largest logit; the multipliers of
 *       {@code model.Parameterization}'s table (each layer's bias at its own rate, ntk only under
 *       SGD, mean_field only with one hidden layer and its own output multiplier).</td></tr>
 *   <tr><td>3</td><td>every configuration</td>
 *       <td>version 2's maths, with the run's seed (initialisation, minibatch order) derived
 *       from its configuration without the evaluation-only keys ({@code RunConfig.trainingId}:
 *       version 2 hashed the run_id), teacher–student data generated with {@code StrictMath}
 *       (version 2's {@code Math} may differ in the last bit between JVMs), and evaluated on one
 *       set of samples for every curve point: the whole training, validation and test splits at
 *       every step (version 2 used the first 2,048 samples of each split for every point but the
 *       last); a validation split ({@code dataset.val_size}, from the training distribution, apart
 *       from every training subset, clean labels), whose least loss picks the step of {@code
 *       best_step} and {@code test_*_at_best}. The training setups' keys ({@code dataset.loss},
 *       {@code training.schedule}, ...) at their defaults train as before.</td></tr>
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
    return 3;
  }
}
