package dev.sweeplab.model;

import static org.bytedeco.openblas.global.openblas_nolapack.cblas_saxpy;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One training step of a network {@link Networks#build} made, computed on the network's own
 * parameter and gradient memory with a few BLAS calls, then updated as the network's own DL4J
 * updater updates it: what {@code MultiLayerNetwork.fit(features, labels)} does, without its per-op
 * cost.
 *
 * <p>DL4J 1.0.0-M2.1 runs some 45 ND4J ops per step of a 3-layer MLP. Each op that creates an array
 * allocates a native data buffer and a native shape buffer, and every native allocation re-reads
 * the process's resident size ({@code Pointer.physicalBytesInaccurate}) to enforce JavaCPP's memory
 * bound; its dense layers also compute each pre-activation twice (forward, and again in backprop).
 * At small widths that bookkeeping dominates the step ({@code bench/profile_step.sh} measures it;
 * docs/benchmarks.md). Here a step is, per layer, one {@code sgemm} forward ({@link DenseForward})
 * and two backward (one for the first layer) into arrays allocated once per run, with the bias,
 * activation, loss and their derivatives computed in Java on the same memory ({@link RowLoops});
 * the update is {@link FusedUpdate}: DL4J's updater arithmetic (Adam, SGD or {@link HeavyBall} with
 * the per-layer rates of the run's {@link Parameterization} and its {@link Schedule}, and the
 * weights' L2 or decoupled decay) in one pass over the parameters, float for float, the iteration
 * count advanced as {@code fit} does. Nothing is allocated per step but {@link FusedUpdate}'s Adam
 * bias corrections, once per 4,096 steps. A network whose updater {@link FusedUpdate#unsupported}
 * refuses is updated by DL4J's updater on the gradient view, then {@code params -= update}.
 *
 * <p>The arithmetic is DL4J's: z = x·W + b, ReLU / tanh / identity; the loss and its gradient by
 * the logits are {@link Loss}'s (softmax cross-entropy by log-sum-exp, or mean squared error per
 * output), taken on {@link OutputScale}'s output; gradients summed over the minibatch, which the
 * update divides by its size. Parameters agree with {@code fit}'s to float rounding wherever every
 * probability exceeds {@code LossMCXENT}'s 10⁻¹⁰ clip ({@code MlpContractTest}), and with DL4J's
 * updater's to the bit on ND4J's generic build ({@code FusedUpdateTest}). The BLAS is the OpenBLAS
 * ND4J's CPU backend links, with the threads {@code OMP_NUM_THREADS} gives it.
 *
 * <p>CPU backend only ({@link #unsupported}): on CUDA the parameters live in device memory.
 */
public final class DenseStep implements AutoCloseable {
  private final MultiLayerNetwork net;
  private final DenseForward forward;
  private final int layers;
  private final int[] dims;
  private final FloatPointer[] weightGrads;
  private final FloatBuffer[] biasGrads;
  private final FloatBuffer labels;

  /** Two rows × widest buffers for the loss's derivative by each layer's pre-activation. */
  private final FloatPointer[] deltas = new FloatPointer[2];

  private final FloatBuffer[] deltaValues = new FloatBuffer[2];
  private final FloatPointer params;
  private final FloatPointer grads;
  private final int paramCount;
  private final BaseMultiLayerUpdater<?> updater;
  private final Gradient gradient;

  /** The update in one pass, or null where DL4J's updater makes it ({@link FusedUpdate}). */
  private final FusedUpdate fused;

  private final LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();

  /** The output as the loss sees it, {@link OutputScale#apply}'s result. */
  private final OutputScale scale;

  private final List<INDArray> owned = new ArrayList<>();

  /**
   * The step for {@code net}, for minibatches of up to {@code maxRows} samples.
   *
   * @throws IllegalArgumentException when {@link #unsupported} names a reason
   */
  public static DenseStep of(MultiLayerNetwork net, int maxRows) {
    return of(net, maxRows, OutputScale.NONE);
  }

  /** The step for {@code net}, or empty when {@link #unsupported} names a reason. */
  static Optional<DenseStep> ifSupported(MultiLayerNetwork net, int maxRows) {
    return unsupported(net) == null
        ? Optional.of(new DenseStep(net, maxRows, OutputScale.NONE, true))
        : Optional.empty();
  }

  /** As {@link #of(MultiLayerNetwork, int)}, the loss taken on {@code scale}'s output. */
  static DenseStep of(MultiLayerNetwork net, int maxRows, OutputScale scale) {
    String reason = unsupported(net);
    if (reason != null) {
      throw new IllegalArgumentException("DenseStep cannot train this network: " + reason);
    }
    return new DenseStep(net, maxRows, scale, true);
  }

  /** As {@link #of(MultiLayerNetwork, int)}, updated by DL4J's updater (tests compare the two). */
  static DenseStep withDl4jUpdater(MultiLayerNetwork net, int maxRows) {
    String reason = unsupported(net);
    if (reason != null) {
      throw new IllegalArgumentException("DenseStep cannot train this network: " + reason);
    }
    return new DenseStep(net, maxRows, OutputScale.NONE, false);
  }

  /**
   * Why this class cannot train {@code net} ({@code fit} can), or null when it can: what {@link
   * DenseForward#unsupported} says, or an updater or gradient layout other than DL4J's own.
   */
  public static String unsupported(MultiLayerNetwork net) {
    String reason = DenseForward.unsupported(net);
    if (reason != null) {
      return reason;
    }
    if (!(net.getUpdater() instanceof BaseMultiLayerUpdater)) {
      return "updater " + net.getUpdater();
    }
    if (!DenseForward.contiguous(net.getFlattenedGradients())) {
      return "gradients are not one contiguous array";
    }
    return null;
  }

  private DenseStep(MultiLayerNetwork net, int maxRows, OutputScale scale, boolean fuse) {
    this.net = net;
    this.scale = scale;
    this.forward = new DenseForward(net, maxRows); // unsupported(net) checked what it needs
    this.layers = forward.layers;
    this.dims = forward.dims;
    this.weightGrads = new FloatPointer[layers];
    this.biasGrads = new FloatBuffer[layers];
    INDArray gradView = net.getFlattenedGradients();
    long offset = 0;
    int widest = 1;
    for (int l = 0; l < layers; l++) {
      int in = dims[l];
      int out = dims[l + 1];
      widest = Math.max(widest, out);
      // The gradients' layout is the parameters': W (in × out, column-major), then b.
      weightGrads[l] = DenseForward.pointer(gradView, offset, (long) in * out);
      offset += (long) in * out;
      biasGrads[l] = DenseForward.pointer(gradView, offset, out).asBuffer();
      offset += out;
    }
    this.paramCount = (int) net.params().length();
    this.params = DenseForward.pointer(net.params(), 0, paramCount);
    this.grads = DenseForward.pointer(gradView, 0, paramCount);
    this.labels = DenseForward.allocate(owned, (long) maxRows * dims[layers]).asBuffer();
    for (int i = 0; i < 2; i++) {
      deltas[i] = DenseForward.allocate(owned, (long) maxRows * widest);
      deltaValues[i] = deltas[i].asBuffer();
    }
    this.updater = (BaseMultiLayerUpdater<?>) net.getUpdater();
    this.gradient = ViewGradientUpdater.onView(gradView);
    this.fused = fuse ? FusedUpdate.ifSupported(net, params, grads) : null;
  }

  /** Whether {@link FusedUpdate} makes the update (else DL4J's updater does). */
  boolean fusedUpdate() {
    return fused != null;
  }

  /** Where the next minibatch's features go: {@code maxRows × inputs}, row-major. */
  public FloatBuffer features() {
    return forward.features();
  }

  /** Where its labels go: one-hot classes or regression targets, {@code maxRows × outputs}. */
  public FloatBuffer labels() {
    return labels;
  }

  /** The most samples a minibatch may have. */
  public int maxRows() {
    return forward.maxRows();
  }

  /**
   * One optimizer step on the first {@code rows} samples of {@link #features} and {@link #labels};
   * returns the minibatch's mean loss before the update (NaN or infinite when training diverged),
   * as {@code MultiLayerNetwork.score()} after {@code fit}.
   */
  public double fit(int rows) {
    forward.forward(rows);
    double loss = outputDelta(rows);
    backward(rows);
    int iteration = net.getIterationCount();
    if (fused != null) {
      fused.apply(iteration, net.getEpochCount(), rows);
    } else {
      updater.update(gradient, iteration, net.getEpochCount(), rows, noWorkspaces);
      cblas_saxpy(paramCount, -1f, grads, 1, params, 1);
    }
    net.setIterationCount(iteration + 1);
    for (int l = 0; l < layers; l++) {
      net.getLayer(l).setIterationCount(iteration + 1);
    }
    return loss;
  }

  /**
   * deltas[0] = ∂loss/∂z of the output layer, per sample (the updater divides the sum over samples
   * by the minibatch size); returns the minibatch's mean loss. The loss is {@link Loss}'s, taken on
   * {@link OutputScale#apply}'s output f = z₀ + α(z − z₀) and divided by α², so ∂/∂z = (1/α)
   * ∂loss/∂f.
   */
  private double outputDelta(int rows) {
    int k = dims[layers];
    FloatBuffer f = scale.apply(forward, rows);
    FloatBuffer delta = deltaValues[0];
    float perZ = (float) (1 / scale.alpha());
    double loss = 0;
    for (int r = 0; r < rows; r++) {
      loss += Loss.of(forward.crossEntropy, f, r * k, k, labels, r * k, delta, perZ);
    }
    return loss / rows;
  }

  private void backward(int rows) {
    FloatPointer[] acts = forward.acts;
    int d = 0;
    for (int l = layers - 1; l >= 0; l--) {
      int in = dims[l];
      int out = dims[l + 1];
      // dW = aᵀ·delta, stored column-major: row-major dWᵀ = deltaᵀ·a (out × in).
      DenseForward.gemm(
          true, false, out, in, rows, deltas[d], out, acts[l], in, weightGrads[l], in);
      forward.loops.columnSums(deltaValues[d], biasGrads[l], rows, out);
      if (l > 0) {
        // ∂loss/∂a of the layer below = delta·Wᵀ = delta (rows × out) · row-major Wᵀ (out × in).
        DenseForward.gemm(
            false, false, rows, in, out, deltas[d], out, forward.weights[l], in, deltas[1 - d], in);
        forward.loops.derivative(
            forward.activations[l - 1], deltaValues[1 - d], forward.actValues[l], rows * in);
        d = 1 - d;
      }
    }
  }

  /** Frees the step's own buffers now (the network's memory is the caller's). */
  @Override
  public void close() {
    forward.close();
    DenseForward.free(owned);
  }
}
