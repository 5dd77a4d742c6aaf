package dev.sweeplab.model;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
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
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.pointers.PagedPointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The forward pass of a network {@link Networks#build} made, on the network's own parameter memory:
 * per layer one {@code sgemm} into an array allocated once, then the bias and the activation in
 * Java. {@link DenseStep}'s forward pass, and the evaluation's (inference: no dropout).
 *
 * <p>It runs no ND4J op: DL4J's {@code output} runs some ten per layer, each allocating native
 * buffers, and is where ND4J 1.0.0-M2.1 can free an op's argument under the running op (see {@link
 * FencedOpExecutioner}).
 *
 * <p>The arithmetic is DL4J's: z = x·W + b, ReLU / tanh / identity in the hidden layers; the output
 * layer's z is left as it is (the logits), for {@link Loss} to take. CPU backend only ({@link
 * #unsupported}): on CUDA the parameters live in device memory.
 */
public final class DenseForward implements AutoCloseable {
  /** A hidden layer's activation. */
  enum Activation {
    RELU,
    TANH,
    IDENTITY
  }

  final int layers;
  final int maxRows;

  /** Whether the output layer is a softmax trained on cross-entropy (else identity and MSE). */
  final boolean crossEntropy;

  final Activation[] activations;

  /** Layer l maps dims[l] inputs to dims[l + 1] outputs. */
  final int[] dims;

  final FloatPointer[] weights;
  final FloatBuffer[] biases;

  /** acts[0]: the features; acts[l + 1]: layer l's output; row-major, rows × dims. */
  final FloatPointer[] acts;

  final FloatBuffer[] actValues;

  /** The element-wise loops, for this pass and its {@link DenseStep}. */
  final RowLoops loops;

  private final List<INDArray> owned = new ArrayList<>();

  /** The forward pass of {@code net}, or empty when {@link #unsupported} names a reason. */
  public static Optional<DenseForward> ifSupported(MultiLayerNetwork net, int maxRows) {
    return unsupported(net) == null
        ? Optional.of(new DenseForward(net, maxRows))
        : Optional.empty();
  }

  /**
   * Why this class cannot run {@code net}, or null when it can: it takes the networks {@link
   * Networks#build} makes on ND4J's CPU backend (float dense layers with ReLU, tanh or identity, a
   * softmax + cross-entropy or identity + MSE output layer, biases, no dropout, weight noise,
   * gradient normalization or constraints, and no regularization but one L2 or decoupled weight
   * decay on the weights, which DL4J's updater applies inside the step {@link DenseStep} calls).
   */
  public static String unsupported(MultiLayerNetwork net) {
    if (!Nd4j.getBackend().getClass().getSimpleName().startsWith("Cpu")) {
      return "ND4J backend " + Nd4j.getBackend().getClass().getSimpleName() + " is not the CPU one";
    }
    if (net.params() == null || net.params().dataType() != DataType.FLOAT) {
      return "parameters are not float";
    }
    if (!contiguous(net.params())) {
      return "parameters are not one contiguous array";
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
          || !updaterDecay(base.getRegularization())
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

  /** The pass for {@code net}, which {@link #unsupported} must have accepted. */
  DenseForward(MultiLayerNetwork net, int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows " + maxRows);
    }
    this.maxRows = maxRows;
    this.layers = net.getnLayers();
    this.dims = new int[layers + 1];
    this.activations = new Activation[layers - 1];
    this.weights = new FloatPointer[layers];
    this.biases = new FloatBuffer[layers];
    INDArray paramView = net.params();
    long offset = 0;
    for (int l = 0; l < layers; l++) {
      INDArray w = net.getLayer(l).getParam("W");
      int in = (int) w.size(0);
      int out = (int) w.size(1);
      dims[l] = in;
      dims[l + 1] = out;
      if (l < layers - 1) {
        activations[l] = activation(layerConf(net, l).getActivationFn());
      }
      // DefaultParamInitializer's layout: W (in × out, column-major), then b.
      weights[l] = pointer(paramView, offset, (long) in * out);
      offset += (long) in * out;
      biases[l] = pointer(paramView, offset, out).asBuffer();
      offset += out;
    }
    if (offset != paramView.length()) {
      throw new IllegalStateException(
          "parameter layout: " + offset + " of " + paramView.length() + " parameters placed");
    }
    this.crossEntropy = layerConf(net, layers - 1).getActivationFn() instanceof ActivationSoftmax;
    this.acts = new FloatPointer[layers + 1];
    this.actValues = new FloatBuffer[layers + 1];
    for (int l = 0; l <= layers; l++) {
      acts[l] = allocate((long) maxRows * dims[l]);
      actValues[l] = acts[l].asBuffer();
    }
    this.loops = new RowLoops(java.util.Arrays.stream(dims).max().orElse(1));
  }

  /** Where the next samples' features go: {@code maxRows × inputs}, row-major. */
  public FloatBuffer features() {
    return actValues[0];
  }

  /**
   * The output layer's values after {@link #forward}, before any softmax (the logits, which {@link
   * Loss} takes): {@code rows × outputs}, row-major.
   */
  public FloatBuffer output() {
    return actValues[layers];
  }

  /** The most samples one {@link #forward} takes. */
  public int maxRows() {
    return maxRows;
  }

  /** Computes {@link #output} for the first {@code rows} samples of {@link #features}. */
  public void forward(int rows) {
    forward(rows, null);
  }

  /** {@link #forward}, showing {@code seen} each layer's values (see {@link Mlp.LayerValues}). */
  public void forward(int rows, Mlp.LayerValues seen) {
    if (rows < 1 || rows > maxRows) {
      throw new IllegalArgumentException("rows " + rows + " not in 1.." + maxRows);
    }
    for (int l = 0; l < layers; l++) {
      int in = dims[l];
      int out = dims[l + 1];
      // z = a·W with W stored column-major (in × out), i.e. row-major Wᵀ (out × in).
      gemm(false, true, rows, out, in, acts[l], in, weights[l], in, acts[l + 1], out);
      FloatBuffer z = actValues[l + 1];
      boolean hidden = l < layers - 1;
      loops.biasActivate(hidden ? activations[l] : Activation.IDENTITY, z, biases[l], rows, out);
      if (seen != null) {
        seen.accept(l, z, rows, out);
      }
    }
  }

  /**
   * c = op(a)·op(b), row-major, op transposing where asked: c is m × n, the inner dimension k; lda,
   * ldb and ldc are the rows' strides as stored.
   */
  static void gemm(
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

  /** Frees the pass's own buffers now (the network's memory is the caller's). */
  @Override
  public void close() {
    free(owned);
  }

  /** {@code length} floats of native memory, owned by {@code owner} until {@link #free}. */
  static FloatPointer allocate(List<INDArray> owner, long length) {
    INDArray a = Nd4j.createUninitialized(DataType.FLOAT, length);
    owner.add(a);
    return pointer(a, 0, length);
  }

  private FloatPointer allocate(long length) {
    return allocate(owned, length);
  }

  /** Frees what {@link #allocate} put in {@code owner}. */
  static void free(List<INDArray> owner) {
    for (INDArray a : owner) {
      if (a.closeable()) {
        a.close();
      }
    }
    owner.clear();
  }

  /** {@code length} floats of {@code array}'s memory from element {@code offset}. */
  static FloatPointer pointer(INDArray array, long offset, long length) {
    FloatPointer p =
        new FloatPointer(new PagedPointer(array.data().address() + 4 * (array.offset() + offset)));
    p.capacity(length);
    p.limit(length);
    return p;
  }

  static boolean contiguous(INDArray a) {
    return a != null && a.elementWiseStride() == 1 && a.length() <= Integer.MAX_VALUE;
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

  private static boolean empty(List<?> list) {
    return list == null || list.isEmpty();
  }

  /**
   * Whether the weights' regularization is none, or one L2 term or one decoupled weight decay:
   * DL4J's updater applies either to the gradient view before (L2) or after (decay) the optimizer,
   * in {@code fit} and in {@link DenseStep} alike; neither changes the forward pass.
   */
  private static boolean updaterDecay(List<Regularization> list) {
    return empty(list)
        || (list.size() == 1
            && (list.get(0) instanceof L2Regularization || list.get(0) instanceof WeightDecay));
  }
}
