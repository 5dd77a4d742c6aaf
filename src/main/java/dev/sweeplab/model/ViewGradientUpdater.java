package dev.sweeplab.model;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's own {@link MultiLayerUpdater}, without a detour DL4J 1.0.0-M2.1 takes on every step.
 *
 * <p>{@code BaseMultiLayerUpdater.update} compares the gradient's flattened array with the
 * network's gradient view by identity ({@code !=}); when they differ it treats the gradient as
 * computed elsewhere (RL4J's case) and updates through per-parameter views it creates with {@code
 * get} and {@code reshape}, before and after the optimizer. M2.1's {@code
 * DefaultGradient.gradient()} returns a fresh {@code reshape} of the view on every call, so every
 * step takes that path, each view a Java object and a native shape buffer waiting for the garbage
 * collector: a large share of a small run's allocation (profiled in docs/benchmarks.md).
 *
 * <p>When the gradient's array is the network's own gradient memory (same buffer, offset and
 * length), this passes it on with the view itself in its place, so DL4J takes its standard path:
 * the same arithmetic on the same memory. A gradient in other memory goes through unchanged.
 */
final class ViewGradientUpdater extends MultiLayerUpdater {
  private long viewUpdates;

  ViewGradientUpdater(MultiLayerNetwork net) {
    super(net);
  }

  @Override
  public synchronized void update(
      Gradient gradient, int iteration, int epoch, int batchSize, LayerWorkspaceMgr workspaces) {
    INDArray view = getFlattenedGradientsView();
    INDArray flat = gradient.gradient();
    boolean substitute = flat != view && sameMemory(flat, view);
    if (substitute) {
      viewUpdates++;
    }
    super.update(
        substitute ? new OnView(gradient, view) : gradient,
        iteration,
        epoch,
        batchSize,
        workspaces);
  }

  /**
   * Whether {@code a} and {@code b} are the same contiguous elements of the same memory ({@code
   * reshape} wraps the buffer in a new {@code DataBuffer} object, so buffers compare by address).
   */
  static boolean sameMemory(INDArray a, INDArray b) {
    return a != null
        && b != null
        && a.data().address() == b.data().address()
        && a.offset() == b.offset()
        && a.length() == b.length()
        && a.dataType() == b.dataType()
        && a.elementWiseStride() == 1
        && b.elementWiseStride() == 1;
  }

  /** A gradient whose flattened array is {@code view} itself, the network's gradient memory. */
  static Gradient onView(INDArray view) {
    return new OnView(new DefaultGradient(view), view);
  }

  /** How many updates took DL4J's standard path through this updater (tests). */
  long updatesOnView() {
    return viewUpdates;
  }

  /** {@code gradient} with {@code view} as its flattened array; all else delegated. */
  private static final class OnView implements Gradient {
    private static final long serialVersionUID = 1L;

    private final Gradient gradient;
    private final transient INDArray view;

    OnView(Gradient gradient, INDArray view) {
      this.gradient = gradient;
      this.view = view;
    }

    @Override
    public Map<String, INDArray> gradientForVariable() {
      return gradient.gradientForVariable();
    }

    @Override
    public INDArray gradient(List<String> order) {
      return gradient.gradient(order);
    }

    @Override
    public INDArray gradient() {
      return view;
    }

    @Override
    public void clear() {
      gradient.clear();
    }

    @Override
    public INDArray getGradientFor(String variable) {
      return gradient.getGradientFor(variable);
    }

    @Override
    public INDArray setGradientFor(String variable, INDArray value) {
      return gradient.setGradientFor(variable, value);
    }

    @Override
    public INDArray setGradientFor(String variable, INDArray value, Character order) {
      return gradient.setGradientFor(variable, value, order);
    }

    @Override
    public Character flatteningOrderForVariable(String variable) {
      return gradient.flatteningOrderForVariable(variable);
    }
  }
}
