package dev.sweeplab.model;

import dev.sweeplab.spec.RunConfig;
import java.nio.FloatBuffer;

/**
 * One run's network as training and evaluation see it: minibatch buffers, one optimizer step, a
 * forward pass that yields the logits and each layer's values, and a copy of the parameters. The
 * only way {@code dev.sweeplab.train} reaches a network, so the training loop, the loss ({@link
 * Loss}) and the measurements are the same whatever computes the steps.
 *
 * <p>Two implementations, both of the MLP {@link Networks#build} makes and with the same
 * initialisation: {@link #BLAS}, steps and forward passes in a few BLAS calls on the network's own
 * memory ({@link DenseStep}, {@link DenseForward}; ND4J's CPU backend), and {@link #DL4J}, DL4J's
 * {@code MultiLayerNetwork.fit} and {@code feedForward}, which run on any ND4J backend (CUDA
 * included). {@link #of} takes the first where it can; {@code runs.implementation} records which
 * trained each run. They agree to float rounding ({@code MlpContractTest}).
 *
 * <p>The parameters' layout, for {@link #parameters}: per layer, input side first, the weight
 * matrix W (fan_in × fan_out, column-major) then the bias.
 */
public interface Mlp extends AutoCloseable {
  /** {@code runs.implementation} of the BLAS implementation. */
  String BLAS = "blas";

  /** {@code runs.implementation} of DL4J's. */
  String DL4J = "dl4j";

  /** Sees each layer's values as a forward pass computes them. */
  interface LayerValues {
    /**
     * Layer {@code layer}'s values for the pass's {@code rows} samples, {@code rows × cols}
     * row-major: a hidden layer's output (after its activation), or for the output layer the
     * model's output before any softmax (the logits). Valid only during the call.
     */
    void accept(int layer, FloatBuffer values, int rows, int cols);
  }

  /**
   * A freshly initialised network for {@code run}, taking minibatches of up to {@code batchRows}
   * samples and forward passes of up to {@code forwardRows}: {@link #BLAS} where ND4J's CPU backend
   * runs, else {@link #DL4J}.
   */
  static Mlp of(RunConfig run, int batchRows, int forwardRows) {
    return Networks.mlp(run, batchRows, forwardRows, null);
  }

  /** As {@link #of(RunConfig, int, int)}, with the named implementation. */
  static Mlp of(RunConfig run, int batchRows, int forwardRows, String implementation) {
    return Networks.mlp(run, batchRows, forwardRows, implementation);
  }

  /** {@link #BLAS} or {@link #DL4J}. */
  String implementation();

  /** Units per layer: the inputs, each hidden layer's width, the outputs. */
  int[] dims();

  /**
   * Whether the output is a softmax trained on cross-entropy; else an identity output trained on
   * squared error (regression, or classification with {@code dataset.loss: mse}).
   */
  boolean crossEntropy();

  /** Trainable parameters, weights and biases. */
  long numParams();

  /** Where the next minibatch's features go: {@code batchRows × inputs}, row-major. */
  FloatBuffer features();

  /** Where its labels go: one-hot classes or regression targets, {@code batchRows × outputs}. */
  FloatBuffer labels();

  /** The most samples a minibatch may have. */
  int batchRows();

  /**
   * One optimizer step on the first {@code rows} samples of {@link #features} and {@link #labels};
   * returns the minibatch's mean {@link Loss} before the update (NaN or infinite when training
   * diverged).
   */
  double fit(int rows);

  /** The most samples one {@link #forward} takes. */
  int forwardRows();

  /**
   * The model's outputs before any softmax (logits, or regression outputs) for the {@code rows}
   * samples of {@code x} (row-major, {@code inputs} floats each) from sample {@code from}: {@code
   * rows × outputs}, valid until the next call. {@code seen}, when not null, sees each layer's
   * values.
   */
  FloatBuffer forward(float[] x, int from, int rows, LayerValues seen);

  /** A copy of the parameters, in the layout of this interface's description. */
  float[] parameters();

  /** Frees the network's memory now (parameters, gradients, optimizer state). */
  @Override
  void close();
}
