package dev.sweeplab.model;

import dev.sweeplab.spec.RunConfig;
import java.nio.FloatBuffer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * {@link Mlp#BLAS}: steps by {@link DenseStep} and forward passes by {@link DenseForward} on the
 * network's own memory, with DL4J's updater; {@code model.output_scale} through {@link
 * OutputScale}. ND4J's CPU backend only ({@link DenseStep#unsupported}).
 */
final class BlasMlp implements Mlp, Networks.Held {
  private final MultiLayerNetwork net;
  private final MultiLayerNetwork initialNet;
  private final OutputScale trainScale;
  private final OutputScale evalScale;
  private final DenseStep step;
  private final DenseForward eval;
  private final int[] dims;

  BlasMlp(RunConfig run, MultiLayerNetwork net, int batchRows, int forwardRows) {
    this.net = net;
    double alpha = run.outputScale();
    MultiLayerNetwork initial = null;
    OutputScale train = null;
    OutputScale evaluation = null;
    DenseStep dense = null;
    try {
      // The same seed builds the same initial parameters: the network at θ₀, kept for f_α.
      initial = alpha == 1 ? null : Networks.build(run);
      train = OutputScale.of(alpha, initial, batchRows);
      evaluation = OutputScale.of(alpha, initial, forwardRows);
      dense = DenseStep.of(net, batchRows, train);
      this.eval = new DenseForward(net, forwardRows);
    } catch (RuntimeException | Error e) {
      // Free now what was built (the caller frees net): native memory waits on no collector.
      if (dense != null) {
        dense.close();
      }
      if (train != null) {
        train.close();
      }
      if (evaluation != null) {
        evaluation.close();
      }
      if (initial != null) {
        Networks.release(initial);
      }
      throw e;
    }
    this.initialNet = initial;
    this.trainScale = train;
    this.evalScale = evaluation;
    this.step = dense;
    this.dims = eval.dims.clone();
  }

  @Override
  public MultiLayerNetwork network() {
    return net;
  }

  @Override
  public String implementation() {
    return BLAS;
  }

  @Override
  public int[] dims() {
    return dims.clone();
  }

  @Override
  public boolean crossEntropy() {
    return eval.crossEntropy;
  }

  @Override
  public long numParams() {
    return net.numParams();
  }

  @Override
  public FloatBuffer features() {
    return step.features();
  }

  @Override
  public FloatBuffer labels() {
    return step.labels();
  }

  @Override
  public int batchRows() {
    return step.maxRows();
  }

  @Override
  public double fit(int rows) {
    return step.fit(rows);
  }

  @Override
  public int forwardRows() {
    return eval.maxRows();
  }

  @Override
  public FloatBuffer forward(float[] x, int from, int rows, LayerValues seen) {
    int d = dims[0];
    eval.features().put(0, x, from * d, rows * d);
    int last = dims.length - 2;
    if (evalScale == OutputScale.NONE) {
      eval.forward(rows, seen);
      return eval.output();
    }
    eval.forward(
        rows,
        seen == null
            ? null
            : (l, values, n, cols) -> {
              if (l < last) {
                seen.accept(l, values, n, cols);
              }
            });
    FloatBuffer f = evalScale.apply(eval, rows);
    if (seen != null) {
      seen.accept(last, f, rows, dims[last + 1]);
    }
    return f;
  }

  @Override
  public float[] parameters() {
    return Networks.values(net.params());
  }

  @Override
  public void close() {
    step.close();
    eval.close();
    trainScale.close();
    evalScale.close();
    Networks.release(net);
    if (initialNet != null) {
      Networks.release(initialNet);
    }
  }
}
