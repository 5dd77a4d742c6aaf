package dev.sweeplab.model;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * DL4J's parameter update for the networks {@link Networks#build} makes, in one pass over the
 * parameters with nothing allocated per step: what {@code BaseMultiLayerUpdater.update} followed by
 * {@code params -= update} computes, float for float.
 *
 * <p>DL4J 1.0.0-M2.1 makes that update in four or more passes, each an ND4J op that allocates its
 * op object and shape buffers: the gradient divided by the minibatch size, the L2 term added
 * ({@code Axpy}), the optimizer's kernel writing the update into the gradient memory, the decoupled
 * weight decay added ({@code Axpy}); then {@link DenseStep} subtracts it. At small widths that
 * bookkeeping is about 40 % of a step, and at large widths the passes are memory traffic
 * (docs/benchmarks.md). Here each parameter is read once and written once, with its optimizer
 * state, in the order of operations of DL4J's ops and libnd4j's kernels:
 *
 * <pre>
 * g ← g / batch                      (BaseMultiLayerUpdater.divideByMinibatch)
 * g ← λ₂·θ + g                       (L2Regularization: Axpy)
 * Adam:  m ← β₁·m + g·(1 − β₁);  v ← β₂·v + g·g·(1 − β₂);  u ← (m·ε_t) / (√v + ε),
 *        ε_t = η·√(1 − β₂^(t+1)) / (1 − β₁^(t+1))       (libnd4j's adamUpdater)
 * SGD:   u ← g·η                                          (libnd4j's sgd_updater)
 * {@link HeavyBall}: v ← v·μ + g;  u ← v·η
 * {@link Frozen}: u ← 0
 * u ← (λ·η)·θ + u                    (WeightDecay with its rate applied: Axpy)
 * θ ← θ − u                          (DenseStep's saxpy by −1)
 * </pre>
 *
 * with η the block's scheduled rate at the iteration, every operation in float as libnd4j's kernels
 * compute it (the scalars rounded to float first, ε_t's quotient in double). β^(t+1) is libm's
 * {@code powf}, which libnd4j calls and which Java's {@code Math.pow} does not reproduce (they
 * differ in the last bit at some iterations): {@link #powers} computes it through ND4J's own {@code
 * pow} once per stretch of iterations. {@code FusedUpdateTest} holds parameters and state equal to
 * the bit with DL4J's updater for every optimizer, parameterization, schedule and decay a run can
 * have.
 *
 * <p>Unlike DL4J's, the gradient memory keeps the summed gradient after the step, not the update;
 * nothing reads it between steps.
 */
final class FusedUpdate {
  private enum Kind {
    ADAM,
    SGD,
    HEAVY_BALL,
    FROZEN
  }

  /** Parameters updated per pass of the arithmetic over Java arrays ({@link #load}). */
  private static final int CHUNK = 2048;

  /** Iterations whose β^(t+1) one call of {@link #powers} computes. */
  private static final int STRETCH = 4096;

  /**
   * One parameter of one layer (W or b) within one DL4J updater block: its own regularization, the
   * block's optimizer and state.
   */
  private record Segment(
      int from,
      int to,
      Kind kind,
      IUpdater config,
      int stateFrom,
      int stateSecond,
      ISchedule l2,
      ISchedule decay,
      boolean decayTimesRate) {}

  private final Segment[] segments;
  private final FloatBuffer params;
  private final FloatBuffer grads;
  private final FloatBuffer state;
  private final boolean divide;
  private final float[] gChunk = new float[CHUNK];
  private final float[] pChunk = new float[CHUNK];
  private final float[] mChunk = new float[CHUNK];
  private final float[] vChunk = new float[CHUNK];
  private float[] beta1Powers = new float[0];
  private float[] beta2Powers = new float[0];
  private float beta1;
  private float beta2;
  private int powersFrom = -1;

  /**
   * Why this class cannot update {@code net} the way its DL4J updater does, or null when it can:
   * every block's optimizer is Adam, SGD, {@link HeavyBall} or {@link Frozen}, Adam's β₁ and β₂ are
   * the same in every block, the only regularizations are one L2 term and one weight decay, and no
   * frozen layer has either.
   */
  static String unsupported(MultiLayerNetwork net) {
    if (!(net.getUpdater() instanceof BaseMultiLayerUpdater<?> updater)) {
      return "updater " + net.getUpdater();
    }
    Adam adam = null;
    for (UpdaterBlock block : updater.getUpdaterBlocks()) {
      IUpdater config = config(block);
      if (kind(config) == null) {
        return "optimizer " + config;
      }
      if (config instanceof Adam a) {
        if (adam != null && (a.getBeta1() != adam.getBeta1() || a.getBeta2() != adam.getBeta2())) {
          return "Adam's betas differ between layers";
        }
        adam = a;
      }
      for (UpdaterBlock.ParamState p : block.getLayersAndVariablesInBlock()) {
        List<Regularization> regs =
            p.getLayer().getConfig().getRegularizationByParam(p.getParamName());
        if (config instanceof Frozen && regs != null && !regs.isEmpty()) {
          return "a frozen layer with regularization (DL4J still decays it)";
        }
        int l2 = 0;
        int decay = 0;
        for (Regularization r : regs == null ? List.<Regularization>of() : regs) {
          if (r.getClass() == L2Regularization.class) {
            l2++;
          } else if (r.getClass() == WeightDecay.class) {
            decay++;
          } else {
            return "regularization " + r;
          }
        }
        if (l2 > 1 || decay > 1) {
          return "more than one L2 term or weight decay on " + p.getParamName();
        }
      }
    }
    return null;
  }

  /**
   * The update of {@code net}, whose parameters and gradients are {@code params} and {@code grads}
   * (the network's own memory), or null when {@link #unsupported} names a reason. Readies DL4J's
   * optimizer state as its first update would.
   */
  static FusedUpdate ifSupported(MultiLayerNetwork net, FloatPointer params, FloatPointer grads) {
    return unsupported(net) == null ? new FusedUpdate(net, params, grads) : null;
  }

  private FusedUpdate(MultiLayerNetwork net, FloatPointer params, FloatPointer grads) {
    this.params = params.asBuffer();
    this.grads = grads.asBuffer();
    BaseMultiLayerUpdater<?> updater = (BaseMultiLayerUpdater<?>) net.getUpdater();
    this.divide = net.conf().isMiniBatch();
    List<Segment> list = new ArrayList<>();
    for (UpdaterBlock block : updater.getUpdaterBlocks()) {
      block.getGradientUpdater(); // DL4J zeroes a new state array here, on its first update
      IUpdater config = config(block);
      Kind kind = kind(config);
      if (config instanceof Adam adam) {
        beta1 = (float) adam.getBeta1();
        beta2 = (float) adam.getBeta2();
      }
      int blockLength = block.getParamOffsetEnd() - block.getParamOffsetStart();
      for (UpdaterBlock.ParamState p : block.getLayersAndVariablesInBlock()) {
        ISchedule l2 = null;
        ISchedule decay = null;
        boolean timesRate = false;
        List<Regularization> regs =
            p.getLayer().getConfig().getRegularizationByParam(p.getParamName());
        for (Regularization r : regs == null ? List.<Regularization>of() : regs) {
          if (r instanceof L2Regularization l) {
            l2 = l.getL2();
          } else if (r instanceof WeightDecay w) {
            decay = w.getCoeff();
            timesRate = w.isApplyLR();
          }
        }
        int within = p.getParamOffsetStart() - block.getParamOffsetStart();
        int stateFrom = block.getUpdaterViewOffsetStart() + within;
        list.add(
            new Segment(
                p.getParamOffsetStart(),
                p.getParamOffsetEnd(),
                kind,
                config,
                stateFrom,
                stateFrom + blockLength,
                l2,
                decay,
                timesRate));
      }
    }
    this.segments = list.toArray(Segment[]::new);
    INDArray stateView = updater.getStateViewArray();
    this.state =
        stateView == null || stateView.length() == 0
            ? FloatBuffer.allocate(0)
            : DenseForward.pointer(stateView, 0, stateView.length()).asBuffer();
  }

  /**
   * One update from the gradient summed over {@code rows} samples, at DL4J's {@code iteration} and
   * {@code epoch} (the iteration count before the step, as {@code fit} passes it).
   */
  void apply(int iteration, int epoch, int rows) {
    float batch = divide ? rows : 1f;
    for (Segment s : segments) {
      double rate = s.config.hasLearningRate() ? s.config.getLearningRate(iteration, epoch) : 1.0;
      float l2 = s.l2 == null ? 0f : (float) s.l2.valueAt(iteration, epoch);
      float decay = 0f;
      if (s.decay != null) {
        double scale = s.decay.valueAt(iteration, epoch);
        decay = (float) (s.decayTimesRate ? scale * rate : scale);
      }
      switch (s.kind) {
        case ADAM -> adam(s, (Adam) s.config, (float) rate, iteration, batch, l2, decay);
        case SGD -> sgd(s, (float) rate, batch, l2, decay);
        case HEAVY_BALL -> heavyBall(s, (HeavyBall) s.config, (float) rate, batch, l2, decay);
        case FROZEN -> {}
      }
    }
  }

  private void adam(
      Segment s, Adam config, float lr, int iteration, float batch, float l2, float decay) {
    float b1 = beta1;
    float b2 = beta2;
    float epsilon = (float) config.getEpsilon();
    if (epsilon == 0f) {
      epsilon = 1e-7f; // libnd4j's guard against a zero ε
    }
    float b1t = power(iteration, true);
    float b2t = power(iteration, false);
    float epsilonT = (float) (lr * (float) Math.sqrt((float) (1.0 - b2t)) / (1.0 - b1t));
    if (Float.isNaN(epsilonT) || epsilonT == 0f || Float.isInfinite(epsilonT)) {
      epsilonT = epsilon;
    }
    float oneMinusB1 = 1f - b1;
    float oneMinusB2 = 1f - b2;
    float[] g = gChunk;
    float[] p = pChunk;
    float[] m = mChunk;
    float[] v = vChunk;
    for (int from = s.from; from < s.to; from += CHUNK) {
      int n = Math.min(CHUNK, s.to - from);
      int at = from - s.from;
      load(from, n, s.stateFrom + at, s.stateSecond + at);
      scaled(s, n, batch, l2);
      for (int j = 0; j < n; j++) {
        float grad = g[j];
        float mt = b1 * m[j] + grad * oneMinusB1;
        float vt = b2 * v[j] + grad * grad * oneMinusB2;
        m[j] = mt;
        v[j] = vt;
        g[j] = (mt * epsilonT) / ((float) Math.sqrt(vt) + epsilon);
      }
      state.put(s.stateFrom + at, m, 0, n);
      state.put(s.stateSecond + at, v, 0, n);
      store(s, from, n, decay);
    }
  }

  private void sgd(Segment s, float lr, float batch, float l2, float decay) {
    float[] g = gChunk;
    for (int from = s.from; from < s.to; from += CHUNK) {
      int n = Math.min(CHUNK, s.to - from);
      load(from, n, -1, -1);
      scaled(s, n, batch, l2);
      for (int j = 0; j < n; j++) {
        g[j] = g[j] * lr;
      }
      store(s, from, n, decay);
    }
  }

  private void heavyBall(
      Segment s, HeavyBall config, float lr, float batch, float l2, float decay) {
    float mu = (float) config.momentum();
    float[] g = gChunk;
    float[] v = mChunk;
    for (int from = s.from; from < s.to; from += CHUNK) {
      int n = Math.min(CHUNK, s.to - from);
      int at = s.stateFrom + (from - s.from);
      load(from, n, at, -1);
      scaled(s, n, batch, l2);
      for (int j = 0; j < n; j++) {
        float vt = v[j] * mu + g[j];
        v[j] = vt;
        g[j] = vt * lr;
      }
      state.put(at, v, 0, n);
      store(s, from, n, decay);
    }
  }

  /**
   * Copies {@code n} gradients and parameters from {@code from} into the chunk arrays, and the
   * state at {@code first} and {@code second} where they are not negative: the arithmetic then runs
   * on Java arrays, which the JIT compiles to vector instructions (it does not for buffers).
   */
  private void load(int from, int n, int first, int second) {
    grads.get(from, gChunk, 0, n);
    params.get(from, pChunk, 0, n);
    if (first >= 0) {
      state.get(first, mChunk, 0, n);
    }
    if (second >= 0) {
      state.get(second, vChunk, 0, n);
    }
  }

  /**
   * g ← g / batch, then g ← λ₂·θ + g where the parameter has an L2 term (whatever its coefficient
   * at this iteration: DL4J applies it at 0 too, and 0·∞ is NaN).
   */
  private void scaled(Segment s, int n, float batch, float l2) {
    float[] g = gChunk;
    float[] p = pChunk;
    for (int j = 0; j < n; j++) {
      g[j] = g[j] / batch;
    }
    if (s.l2 != null) {
      for (int j = 0; j < n; j++) {
        g[j] = l2 * p[j] + g[j];
      }
    }
  }

  /** u ← (λ·η)·θ + u where the parameter decays, then θ ← θ − u, written back. */
  private void store(Segment s, int from, int n, float decay) {
    float[] u = gChunk;
    float[] p = pChunk;
    if (s.decay != null) {
      for (int j = 0; j < n; j++) {
        u[j] = decay * p[j] + u[j];
      }
    }
    for (int j = 0; j < n; j++) {
      p[j] = p[j] - u[j];
    }
    params.put(from, p, 0, n);
  }

  /** β₁^(t+1) or β₂^(t+1) in float, as libnd4j's {@code powf} gives it. */
  private float power(int iteration, boolean first) {
    if (powersFrom < 0 || iteration < powersFrom || iteration >= powersFrom + STRETCH) {
      powersFrom = iteration;
      beta1Powers = powers(beta1, iteration);
      beta2Powers = powers(beta2, iteration);
    }
    return (first ? beta1Powers : beta2Powers)[iteration - powersFrom];
  }

  /** β^(t+1) for t from {@code from} on, {@link #STRETCH} of them, by ND4J's {@code pow}. */
  static float[] powers(float beta, int from) {
    float[] exponents = new float[STRETCH];
    for (int i = 0; i < STRETCH; i++) {
      exponents[i] = (float) from + i + 1; // libnd4j's exponent: (float) iteration + 1
    }
    INDArray e = Nd4j.createFromArray(exponents);
    INDArray b = Nd4j.valueArrayOf(e.shape(), beta);
    try {
      Transforms.pow(b, e, false); // in place: b holds β^(t+1)
      return b.toFloatVector();
    } finally {
      for (INDArray a : List.of(e, b)) {
        if (a.closeable()) {
          a.close();
        }
      }
    }
  }

  private static IUpdater config(UpdaterBlock block) {
    UpdaterBlock.ParamState first = block.getLayersAndVariablesInBlock().get(0);
    return first.getLayer().getConfig().getUpdaterByParam(first.getParamName());
  }

  private static Kind kind(IUpdater config) {
    Class<?> c = config.getClass();
    if (c == Adam.class) {
      return Kind.ADAM;
    }
    if (c == Sgd.class) {
      return Kind.SGD;
    }
    if (c == HeavyBall.class) {
      return Kind.HEAVY_BALL;
    }
    if (c == Frozen.class) {
      return Kind.FROZEN;
    }
    return null;
  }
}
