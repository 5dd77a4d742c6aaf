package dev.sweeplab.model;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_saxpy;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.pointers.PagedPointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * One training step of a network {@link Networks#build} made, computed on the network's own
 * parameter and gradient memory with a few BLAS calls, then updated by the network's own DL4J
 * updater: what {@code MultiLayerNetwork.fit(features, labels)} does, without its per-op cost.
 *
 * <p>DL4J 1.0.0-M2.1 runs some 45 ND4J ops per step of a 3-layer MLP. Each op that creates an array
 * allocates a native data buffer and a native shape buffer, and every native allocation re-reads
 * the process's resident size ({@code Pointer.physicalBytesInaccurate}) to enforce JavaCPP's memory
 * bound; its dense layers also compute each pre-activation twice (forward, and again in backprop).
 * At width 16 that bookkeeping was about 70 % of the step ({@code bench/profile_step.sh}). Here a
 * step is, per layer, one {@code sgemm} forward and two backward (one for the first layer) into
 * arrays allocated once per run, with the bias, activation, loss and their derivatives computed in
 * Java on the same memory; the update is DL4J's updater (Adam or SGD with the per-layer rates of
 * the run's {@link Parameterization}) on the network's gradient view, then {@code params -=
 * update}, the iteration count advanced as {@code fit} does. Nothing of its own is allocated per
 * step (DL4J's updater still allocates its op objects and shape buffers).
 *
 * <p>The arithmetic is DL4J's: z = x·W + b, ReLU / tanh / identity, softmax with cross-entropy
 * (probabilities clipped at 10⁻¹⁰, as {@code LossMCXENT}) or identity with mean squared error per
 * output ({@code LossMSE}); gradients summed over the minibatch, which the updater divides by its
 * size. Parameters agree with {@code fit}'s to float rounding ({@code DenseStepTest}). The BLAS is
 * the OpenBLAS ND4J's CPU backend links, with the threads {@code OMP_NUM_THREADS} gives it.
 *
 * <p>CPU backend only ({@link #unsupported}): on CUDA the parameters live in device memory.
 */
public final class DenseStep implements AutoCloseable {
  /** LossMCXENT's default clipping of softmax probabilities, in float (1 − 10⁻¹⁰ rounds to 1). */
  private static final float CLIP = 1e-10f;

  /** A hidden layer's activation. */
  private enum Activation {
    RELU,
    TANH,
    IDENTITY
  }

  private final MultiLayerNetwork net;
  private final int layers;
  private final int maxRows;
  private final boolean classification;
  private final Activation[] activations;

  /** Layer l maps dims[l] inputs to dims[l + 1] outputs. */
  private final int[] dims;

  private final FloatPointer[] weights;
  private final FloatPointer[] weightGrads;
  private final FloatBuffer[] biases;
  private final FloatBuffer[] biasGrads;

  /** acts[0]: the minibatch's features; acts[l + 1]: layer l's output; row-major, rows × dims. */
  private final FloatPointer[] acts;

  private final FloatBuffer[] actValues;
  private final FloatBuffer labels;

  /** Two rows × widest buffers for the loss's derivative by each layer's pre-activation. */
  private final FloatPointer[] deltas = new FloatPointer[2];

  private final FloatBuffer[] deltaValues = new FloatBuffer[2];
  private final FloatPointer params;
  private final FloatPointer grads;
  private final int paramCount;
  private final BaseMultiLayerUpdater<?> updater;
  private final Gradient gradient;
  private final LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
  private final List<INDArray> owned = new ArrayList<>();

  /**
   * The step for {@code net}, for minibatches of up to {@code maxRows} samples.
   *
   * @throws IllegalArgumentException when {@link #unsupported} names a reason
   */
  public static DenseStep of(MultiLayerNetwork net, int maxRows) {
    String reason = unsupported(net);
    if (reason != null) {
      throw new IllegalArgumentException("DenseStep cannot train this network: " + reason);
    }
    return new DenseStep(net, maxRows);
  }

  /** The step for {@code net}, or empty when {@link #unsupported} names a reason. */
  public static Optional<DenseStep> ifSupported(MultiLayerNetwork net, int maxRows) {
    return unsupported(net) == null ? Optional.of(new DenseStep(net, maxRows)) : Optional.empty();
  }

  /**
   * Why this class cannot train {@code net} ({@code fit} can), or null when it can: it takes the
   * networks {@link Networks#build} makes on ND4J's CPU backend (float dense layers with ReLU, tanh
   * or identity, a softmax + cross-entropy or identity + MSE output layer, biases, no dropout,
   * weight noise, regularization, gradient normalization or constraints).
   */
  public static String unsupported(MultiLayerNetwork net) {
    if (!Nd4j.getBackend().getClass().getSimpleName().startsWith("Cpu")) {
      return "ND4J backend " + Nd4j.getBackend().getClass().getSimpleName() + " is not the CPU one";
    }
    if (net.params() == null || net.params().dataType() != DataType.FLOAT) {
      return "parameters are not float";
    }
    if (!(net.getUpdater() instanceof BaseMultiLayerUpdater)) {
      return "updater " + net.getUpdater();
    }
    if (!contiguous(net.params()) || !contiguous(net.getFlattenedGradients())) {
      return "parameters or gradients are not one contiguous array";
    }
    int n = net.getnLayers();
    for (int l = 0; l < n; l++) {
      org.deeplearning4j.nn.conf.layers.Layer layer =
          net.getLayerWiseConfigurations().getConf(l).getLayer();
      boolean last = l == n - 1;
      if (last ? layer.getClass() != OutputLayer.class : layer.getClass() != DenseLayer.class) {
        return "layer " + l + " is a " + layer.getClass().getSimpleName();
      }
      BaseLayer base = (BaseLayer) layer;
      IActivation fn = base.getActivationFn();
      if (last) {
        ILossFunction loss = ((OutputLayer) layer).getLossFn();
        boolean xent = new LossMCXENT().equals(loss) && fn instanceof ActivationSoftmax;
        boolean mse = new LossMSE().equals(loss) && fn instanceof ActivationIdentity;
        if (!xent && !mse) {
          return "output layer " + fn + " with " + loss;
        }
      } else if (activation(fn) == null) {
        return "layer " + l + " activation " + fn;
      } else if (!((DenseLayer) layer).hasBias()) {
        return "layer " + l + " has no bias";
      }
      if (layer.getIDropout() != null
          || base.getWeightNoise() != null
          || (layer.getConstraints() != null && !layer.getConstraints().isEmpty())
          || !empty(base.getRegularization())
          || !empty(base.getRegularizationBias())
          || (base.getGradientNormalization() != null
              && base.getGradientNormalization() != GradientNormalization.None)) {
        return "layer "
            + l
            + " has dropout, weight noise, constraints, regularization or"
            + " gradient normalization";
      }
    }
    return null;
  }

  private DenseStep(MultiLayerNetwork net, int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows " + maxRows);
    }
    this.net = net;
    this.maxRows = maxRows;
    this.layers = net.getnLayers();
    this.dims = new int[layers + 1];
    this.activations = new Activation[layers - 1];
    this.weights = new FloatPointer[layers];
    this.weightGrads = new FloatPointer[layers];
    this.biases = new FloatBuffer[layers];
    this.biasGrads = new FloatBuffer[layers];
    INDArray paramView = net.params();
    INDArray gradView = net.getFlattenedGradients();
    long offset = 0;
    int widest = 1;
    for (int l = 0; l < layers; l++) {
      INDArray w = net.getLayer(l).getParam("W");
      int in = (int) w.size(0);
      int out = (int) w.size(1);
      dims[l] = in;
      dims[l + 1] = out;
      widest = Math.max(widest, out);
      if (l < layers - 1) {
        activations[l] = activation(layerConf(net, l).getActivationFn());
      }
      // DefaultParamInitializer's layout: W (in × out, column-major), then b.
      weights[l] = pointer(paramView, offset, (long) in * out);
      weightGrads[l] = pointer(gradView, offset, (long) in * out);
      offset += (long) in * out;
      biases[l] = pointer(paramView, offset, out).asBuffer();
      biasGrads[l] = pointer(gradView, offset, out).asBuffer();
      offset += out;
    }
    if (offset != paramView.length()) {
      throw new IllegalStateException(
          "parameter layout: " + offset + " of " + paramView.length() + " parameters placed");
    }
    this.classification = layerConf(net, layers - 1).getActivationFn() instanceof ActivationSoftmax;
    this.paramCount = (int) paramView.length();
    this.params = pointer(paramView, 0, paramCount);
    this.grads = pointer(gradView, 0, paramCount);
    this.acts = new FloatPointer[layers + 1];
    this.actValues = new FloatBuffer[layers + 1];
    for (int l = 0; l <= layers; l++) {
      acts[l] = allocate((long) maxRows * dims[l]);
      actValues[l] = acts[l].asBuffer();
    }
    this.labels = allocate((long) maxRows * dims[layers]).asBuffer();
    for (int i = 0; i < 2; i++) {
      deltas[i] = allocate((long) maxRows * widest);
      deltaValues[i] = deltas[i].asBuffer();
    }
    this.updater = (BaseMultiLayerUpdater<?>) net.getUpdater();
    this.gradient = ViewGradientUpdater.onView(gradView);
  }

  /** Where the next minibatch's features go: {@code maxRows × inputs}, row-major. */
  public FloatBuffer features() {
    return actValues[0];
  }

  /** Where its labels go: one-hot classes or regression targets, {@code maxRows × outputs}. */
  public FloatBuffer labels() {
    return labels;
  }

  /** The most samples a minibatch may have. */
  public int maxRows() {
    return maxRows;
  }

  /**
   * One optimizer step on the first {@code rows} samples of {@link #features} and {@link #labels};
   * returns the minibatch's mean loss before the update (NaN or infinite when training diverged),
   * as {@code MultiLayerNetwork.score()} after {@code fit}.
   */
  public double fit(int rows) {
    if (rows < 1 || rows > maxRows) {
      throw new IllegalArgumentException("rows " + rows + " not in 1.." + maxRows);
    }
    forward(rows);
    double loss = outputDelta(rows);
    backward(rows);
    int iteration = net.getIterationCount();
    updater.update(gradient, iteration, net.getEpochCount(), rows, noWorkspaces);
    cblas_saxpy(paramCount, -1f, grads, 1, params, 1);
    net.setIterationCount(iteration + 1);
    for (int l = 0; l < layers; l++) {
      net.getLayer(l).setIterationCount(iteration + 1);
    }
    return loss;
  }

  private void forward(int rows) {
    for (int l = 0; l < layers; l++) {
      int in = dims[l];
      int out = dims[l + 1];
      // z = a·W with W stored column-major (in × out), i.e. row-major Wᵀ (out × in).
      gemm(false, true, rows, out, in, acts[l], in, weights[l], in, acts[l + 1], out);
      FloatBuffer z = actValues[l + 1];
      FloatBuffer b = biases[l];
      if (l < layers - 1) {
        activate(activations[l], z, b, rows, out);
      } else if (classification) {
        softmax(z, b, rows, out);
      } else {
        activate(Activation.IDENTITY, z, b, rows, out);
      }
    }
  }

  /** deltas[0] = ∂loss/∂z of the output layer, summed over samples; returns the mean loss. */
  private double outputDelta(int rows) {
    int k = dims[layers];
    FloatBuffer out = actValues[layers];
    FloatBuffer delta = deltaValues[0];
    double loss = 0;
    for (int i = 0, n = rows * k; i < n; i++) {
      float y = labels.get(i);
      float o = out.get(i);
      if (classification) {
        float p = Math.max(o, CLIP);
        if (y != 0) {
          loss -= y * Math.log(p);
        }
        delta.put(i, p - y);
      } else {
        float diff = o - y;
        loss += (double) diff * diff / k;
        delta.put(i, 2 * diff / k);
      }
    }
    return loss / rows;
  }

  private void backward(int rows) {
    int d = 0;
    for (int l = layers - 1; l >= 0; l--) {
      int in = dims[l];
      int out = dims[l + 1];
      // dW = aᵀ·delta, stored column-major: row-major dWᵀ = deltaᵀ·a (out × in).
      gemm(true, false, out, in, rows, deltas[d], out, acts[l], in, weightGrads[l], in);
      columnSums(deltaValues[d], biasGrads[l], rows, out);
      if (l > 0) {
        // ∂loss/∂a of the layer below = delta·Wᵀ = delta (rows × out) · row-major Wᵀ (out × in).
        gemm(false, false, rows, in, out, deltas[d], out, weights[l], in, deltas[1 - d], in);
        derivative(activations[l - 1], deltaValues[1 - d], actValues[l], rows * in);
        d = 1 - d;
      }
    }
  }

  /**
   * c = op(a)·op(b), row-major, op transposing where asked: c is m × n, the inner dimension k; lda,
   * ldb and ldc are the rows' strides as stored.
   */
  private static void gemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      FloatPointer a,
      int lda,
      FloatPointer b,
      int ldb,
      FloatPointer c,
      int ldc) {
    cblas_sgemm(
        CblasRowMajor,
        transA ? CblasTrans : CblasNoTrans,
        transB ? CblasTrans : CblasNoTrans,
        m,
        n,
        k,
        1f,
        a,
        lda,
        b,
        ldb,
        0f,
        c,
        ldc);
  }

  /** z ← act(z + b) row by row. */
  private static void activate(Activation act, FloatBuffer z, FloatBuffer b, int rows, int cols) {
    for (int r = 0, i = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++, i++) {
        float v = z.get(i) + b.get(c);
        z.put(
            i,
            switch (act) {
              case RELU -> v > 0 ? v : 0f;
              case TANH -> tanh(v);
              case IDENTITY -> v;
            });
      }
    }
  }

  /**
   * tanh to float precision through {@code Math.exp} (a JIT intrinsic), about twice as fast as
   * {@code Math.tanh}; a Taylor term near 0, where 1 − 2/(e^{2x} + 1) would cancel.
   */
  static float tanh(float x) {
    if (Math.abs(x) < 1e-4f) {
      return x - x * x * x / 3;
    }
    double e = Math.exp(2.0 * x);
    return (float) (1 - 2 / (e + 1));
  }

  /** z ← softmax(z + b) row by row, shifted by the row's maximum. */
  private static void softmax(FloatBuffer z, FloatBuffer b, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < cols; c++) {
        float v = z.get(o + c) + b.get(c);
        z.put(o + c, v);
        max = Math.max(max, v);
      }
      float sum = 0;
      for (int c = 0; c < cols; c++) {
        float e = (float) Math.exp(z.get(o + c) - max);
        z.put(o + c, e);
        sum += e;
      }
      for (int c = 0; c < cols; c++) {
        z.put(o + c, z.get(o + c) / sum);
      }
    }
  }

  /** delta ← delta ⊙ act′, from the activation's output a. */
  private static void derivative(Activation act, FloatBuffer delta, FloatBuffer a, int n) {
    switch (act) {
      case RELU -> {
        for (int i = 0; i < n; i++) {
          if (!(a.get(i) > 0)) {
            delta.put(i, 0f);
          }
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i++) {
          float t = a.get(i);
          delta.put(i, delta.get(i) * (1 - t * t));
        }
      }
      case IDENTITY -> {}
    }
  }

  private static void columnSums(FloatBuffer m, FloatBuffer sums, int rows, int cols) {
    for (int c = 0; c < cols; c++) {
      sums.put(c, 0f);
    }
    for (int r = 0, i = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++, i++) {
        sums.put(c, sums.get(c) + m.get(i));
      }
    }
  }

  /** Frees the step's own buffers now (the network's memory is the caller's). */
  @Override
  public void close() {
    for (INDArray a : owned) {
      if (a.closeable()) {
        a.close();
      }
    }
    owned.clear();
  }

  private FloatPointer allocate(long length) {
    INDArray a = Nd4j.createUninitialized(DataType.FLOAT, length);
    owned.add(a);
    return pointer(a, 0, length);
  }

  /** {@code length} floats of {@code array}'s memory from element {@code offset}. */
  private static FloatPointer pointer(INDArray array, long offset, long length) {
    FloatPointer p =
        new FloatPointer(new PagedPointer(array.data().address() + 4 * (array.offset() + offset)));
    p.capacity(length);
    p.limit(length);
    return p;
  }

  private static BaseLayer layerConf(MultiLayerNetwork net, int l) {
    return (BaseLayer) net.getLayerWiseConfigurations().getConf(l).getLayer();
  }

  private static Activation activation(IActivation fn) {
    if (new ActivationReLU().equals(fn)) {
      return Activation.RELU;
    }
    if (fn instanceof ActivationTanH) {
      return Activation.TANH;
    }
    if (fn instanceof ActivationIdentity) {
      return Activation.IDENTITY;
    }
    return null;
  }

  private static boolean contiguous(INDArray a) {
    return a != null && a.elementWiseStride() == 1 && a.length() <= Integer.MAX_VALUE;
  }

  private static boolean empty(List<?> list) {
    return list == null || list.isEmpty();
  }
}
