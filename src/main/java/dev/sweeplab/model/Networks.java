package dev.sweeplab.model;

import dev.sweeplab.model.Parameterization.Layer;
import dev.sweeplab.model.Parameterization.Scaling;
import dev.sweeplab.spec.RunConfig;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.ConstantDistribution;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Builds the DL4J network of a run: an MLP input → width × depth → outputs with the run's
 * activation, softmax + cross-entropy ({@code dataset.loss: cross_entropy}, classification's
 * default) or identity + MSE (regression, or classification on one-hot targets with {@code
 * dataset.loss: mse}); its updaters take the run's optimizer, {@link Schedule}, momentum ({@link
 * HeavyBall}) and weight decay.
 *
 * <p>Initialisation: every weight ~ N(0, σ²) with σ = init_scale · gain / √fan_in · m, gain √2 for
 * ReLU (He et al. 2015) and 1 otherwise (LeCun), 1 for the output layer; m, each layer's forward
 * multiplier and its learning rates come from the run's {@link Parameterization}, and {@code
 * model.output_multiplier} multiplies the output layer's product W·h. Multipliers are folded into σ
 * and the rates ({@link Parameterization.Scaling#folded}), so the network is a plain MLP that
 * DL4J's {@code fit} and {@link DenseStep} train alike. {@code model.readout_init: zero} starts the
 * output weights at 0. Biases start at 0. {@code init_scale} scales every layer's σ. {@code
 * model.train: readout} gives every hidden layer the {@link Frozen} updater and no weight decay:
 * only the output layer trains, on fixed random features.
 */
public final class Networks {
  static {
    FencedOpExecutioner.install(); // before any network's ops run in this JVM
  }

  private Networks() {}

  /** A freshly initialised network for {@code run}, seeded with the run's seed. */
  public static MultiLayerNetwork build(RunConfig run) {
    return build(run, run.seed());
  }

  /**
   * {@link #build(RunConfig)} seeded with {@code seed}: two runs' initialisations compared draw for
   * draw.
   */
  static MultiLayerNetwork build(RunConfig run, long seed) {
    boolean crossEntropy = run.crossEntropy();
    boolean adam = "adam".equals(run.optimizer());
    Parameterization p = Parameterization.of(run.parameterization());
    double r = (double) run.width() / run.baseWidth();
    Activation hidden = activation(run.activation());
    double gain = hidden == Activation.RELU ? Math.sqrt(2) : 1.0;
    NeuralNetConfiguration.ListBuilder layers =
        new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT).list();
    int fanIn = run.inputDim();
    for (int i = 0; i < run.depth(); i++) {
      DenseLayer.Builder dense =
          new DenseLayer.Builder().nIn(fanIn).nOut(run.width()).activation(hidden);
      Scaling scaling = p.scaling(i == 0 ? Layer.INPUT : Layer.HIDDEN, r, adam);
      scale(dense, run, scaling.folded(adam), gain, fanIn, run.readoutOnly());
      layers.layer(dense.build());
      fanIn = run.width();
    }
    OutputLayer.Builder out =
        new OutputLayer.Builder(crossEntropy ? LossFunction.MCXENT : LossFunction.MSE)
            .nIn(fanIn)
            .nOut(run.classes())
            .activation(crossEntropy ? Activation.SOFTMAX : Activation.IDENTITY);
    Scaling readout = p.scaling(Layer.OUTPUT, r, adam).times(run.outputMultiplier()).folded(adam);
    if ("zero".equals(run.readoutInit())) {
      readout = new Scaling(1, 0, readout.weightRate(), readout.biasRate());
    }
    scale(out, run, readout, 1.0, fanIn, false);
    layers.layer(out.build());
    MultiLayerNetwork net = new MultiLayerNetwork(layers.build());
    net.init();
    net.setUpdater(new ViewGradientUpdater(net)); // DL4J's updater, without M2.1's per-step detour
    return net;
  }

  /** What {@link Mlp#of} returns: the implementation asked for, else the first that takes it. */
  static Mlp mlp(RunConfig run, int batchRows, int forwardRows, String implementation) {
    MultiLayerNetwork net = build(run);
    try {
      if (implementation == null) {
        implementation = DenseStep.unsupported(net) == null ? Mlp.BLAS : Mlp.DL4J;
      }
      return switch (implementation) {
        case Mlp.BLAS -> new BlasMlp(run, net, batchRows, forwardRows);
        case Mlp.DL4J -> new Dl4jMlp(run, net, batchRows, forwardRows);
        default -> throw new IllegalArgumentException("implementation " + implementation);
      };
    } catch (RuntimeException | Error e) {
      release(net);
      throw e;
    }
  }

  /** An {@link Mlp} built on a DL4J network. */
  interface Held {
    MultiLayerNetwork network();
  }

  /**
   * The DL4J network behind {@code mlp}, for what only DL4J does (data-parallel training by
   * parameter averaging): both implementations keep their parameters in one.
   */
  public static MultiLayerNetwork network(Mlp mlp) {
    return ((Held) mlp).network();
  }

  /** The elements of a contiguous parameter vector, copied to the Java heap. */
  static float[] values(INDArray params) {
    float[] buffer = params.data().asFloat();
    long from = params.offset();
    if (from == 0 && buffer.length == params.length()) {
      return buffer;
    }
    float[] values = new float[(int) params.length()];
    System.arraycopy(buffer, (int) from, values, 0, values.length);
    return values;
  }

  /**
   * Frees the network's parameters, gradients, and optimizer state now. ND4J would free their
   * native memory only once the garbage collector reclaims their Java handles, and a long-lived
   * run's handles reach the old generation, which G1 collects only when the heap (not native
   * memory) fills, so native memory would grow run after run (measured in docs/benchmarks.md). The
   * rest of what a run leaves (per-op buffers) goes with G1's early concurrent cycles ({@code
   * -XX:InitiatingHeapOccupancyPercent=5} in {@code conf/jvm.options} and the cluster confs). Not
   * {@code MultiLayerNetwork.close()}: that also destroys the thread's workspaces, which the next
   * run on this thread reuses, and calls {@code System.gc()} on every run.
   */
  static void release(MultiLayerNetwork net) {
    try {
      close(net.params());
      close(net.getFlattenedGradients());
      Updater updater = net.getUpdater(false);
      if (updater != null) {
        close(updater.getStateViewArray());
      }
    } catch (RuntimeException e) {
      // Freeing early is an optimisation; the garbage collector frees what is left.
    }
  }

  private static void close(INDArray array) {
    if (array != null && array.closeable()) {
      array.close();
    }
  }

  /**
   * The layer's init and updaters; a {@code frozen} layer's updaters are {@link Frozen} and it has
   * no weight decay, so nothing moves it from its initial parameters.
   */
  private static void scale(
      BaseLayer.Builder<?> layer,
      RunConfig run,
      Scaling s,
      double gain,
      int fanIn,
      boolean frozen) {
    double sigma = run.initScale() * gain / Math.sqrt(fanIn) * s.sigma();
    layer
        .weightInit(sigma == 0 ? new ConstantDistribution(0) : new NormalDistribution(0, sigma))
        .biasInit(0);
    if (frozen) {
      layer.updater(new Frozen()).biasUpdater(new Frozen());
      return;
    }
    layer.updater(updater(run, s.weightRate())).biasUpdater(updater(run, s.biasRate()));
    if (run.weightDecay() > 0) {
      // DL4J multiplies the coefficient by the layer's scheduled rate η·m·f(t) (Adam's decoupled
      // decay) or adds it to the gradient that rate multiplies (SGD's L2); over m the per-step
      // decay is η·f(t)·λ in every layer, as microsoft/mup's MuAdam and MuSGD scale weight_decay
      // inversely to each group's lr. Weights only: DL4J leaves biases undecayed unless told.
      double coefficient = run.weightDecay() / s.weightRate();
      if ("adam".equals(run.optimizer())) {
        layer.weightDecay(coefficient, true);
      } else {
        layer.l2(coefficient);
      }
    }
  }

  /**
   * The updater of parameters whose peak rate is the run's times {@code multiplier}: Adam, SGD, or
   * SGD with {@link HeavyBall} momentum, at the run's {@link Schedule} (a plain rate when constant
   * with no warmup).
   */
  private static IUpdater updater(RunConfig run, double multiplier) {
    double rate = run.learningRate() * multiplier;
    Schedule schedule = Schedule.of(run, rate);
    return switch (run.optimizer()) {
      case "adam" -> schedule == null ? new Adam(rate) : new Adam(schedule);
      case "sgd" -> {
        if (run.momentum() > 0) {
          yield new HeavyBall(rate, schedule, run.momentum());
        }
        yield schedule == null ? new Sgd(rate) : new Sgd(schedule);
      }
      default -> throw new IllegalArgumentException("optimizer " + run.optimizer());
    };
  }

  private static Activation activation(String name) {
    return switch (name) {
      case "relu" -> Activation.RELU;
      case "tanh" -> Activation.TANH;
      case "linear" -> Activation.IDENTITY;
      default -> throw new IllegalArgumentException("activation " + name);
    };
  }
}
