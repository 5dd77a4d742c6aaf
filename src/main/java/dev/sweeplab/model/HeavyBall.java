package dev.sweeplab.model;

import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * SGD with heavy-ball momentum as PyTorch's {@code torch.optim.SGD} computes it (Polyak 1964;
 * Sutskever et al. 2013's form without the look-ahead): per parameter a velocity v, starting at 0,
 *
 * <pre>
 * v ← μ·v + g        W ← W − η_t·v
 * </pre>
 *
 * with g the minibatch's mean gradient (plus the L2 term, which DL4J adds before the updater) and
 * η_t the layer's scheduled rate. DL4J's own {@code Nesterovs} is Nesterov's accelerated form in
 * Bengio et al.'s (2013) rewriting (v ← μ·v − η·g, W ← W − μ·v_prev + (1 + μ)·v), a different
 * trajectory, so {@code training.momentum} uses this updater on both implementations. One float of
 * state per parameter.
 */
public final class HeavyBall implements IUpdater {
  private static final long serialVersionUID = 1L;

  /** The state's key in {@link GradientUpdater#getState}. */
  public static final String VELOCITY = "V";

  @JsonProperty("learningRate")
  private double learningRate;

  @JsonProperty("learningRateSchedule")
  private ISchedule learningRateSchedule;

  @JsonProperty("momentum")
  private final double momentum;

  /**
   * Heavy-ball SGD at rate {@code learningRate}, or at {@code schedule}'s rate when it is not null.
   */
  @JsonCreator
  public HeavyBall(
      @JsonProperty("learningRate") double learningRate,
      @JsonProperty("learningRateSchedule") ISchedule schedule,
      @JsonProperty("momentum") double momentum) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum " + momentum);
    }
    this.learningRate = learningRate;
    this.learningRateSchedule = schedule;
    this.momentum = momentum;
  }

  /** μ. */
  public double momentum() {
    return momentum;
  }

  @Override
  public long stateSize(long numParams) {
    return numParams;
  }

  @Override
  public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
    Velocity u = new Velocity(this);
    u.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
    return u;
  }

  @Override
  public GradientUpdater instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
    Velocity u = new Velocity(this);
    u.setState(state, initializeStateArrays);
    return u;
  }

  @Override
  public double getLearningRate(int iteration, int epoch) {
    return learningRateSchedule == null
        ? learningRate
        : learningRateSchedule.valueAt(iteration, epoch);
  }

  @Override
  public boolean hasLearningRate() {
    return true;
  }

  @Override
  public void setLrAndSchedule(double lr, ISchedule schedule) {
    this.learningRate = lr;
    this.learningRateSchedule = schedule;
  }

  @Override
  public HeavyBall clone() {
    return new HeavyBall(
        learningRate, learningRateSchedule == null ? null : learningRateSchedule.clone(), momentum);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeavyBall h
        && Double.compare(h.learningRate, learningRate) == 0
        && Objects.equals(h.learningRateSchedule, learningRateSchedule)
        && Double.compare(h.momentum, momentum) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(learningRate, learningRateSchedule, momentum);
  }

  @Override
  public String toString() {
    return "HeavyBall(lr "
        + (learningRateSchedule == null ? learningRate : learningRateSchedule)
        + ", momentum "
        + momentum
        + ")";
  }

  /** The updater of one block of parameters: its velocity is a view of DL4J's state array. */
  static final class Velocity implements GradientUpdater<HeavyBall> {
    private final HeavyBall config;
    private INDArray v;

    Velocity(HeavyBall config) {
      this.config = config;
    }

    @Override
    public HeavyBall getConfig() {
      return config;
    }

    @Override
    public void setState(Map<String, INDArray> state, boolean initialize) {
      if (state == null || state.size() != 1 || !state.containsKey(VELOCITY)) {
        throw new IllegalStateException("heavy-ball state must be one array named " + VELOCITY);
      }
      v = state.get(VELOCITY);
      if (initialize) {
        v.assign(0);
      }
    }

    @Override
    public Map<String, INDArray> getState() {
      return Map.of(VELOCITY, v);
    }

    @Override
    public void setStateViewArray(
        INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
      if (!viewArray.isRowVectorOrScalar()) {
        throw new IllegalArgumentException("heavy-ball state must be a row vector");
      }
      if (initialize) {
        viewArray.assign(0);
      }
      v = Shape.newShapeNoCopy(viewArray, gradientShape, gradientOrder == 'f');
      if (v == null) {
        throw new IllegalStateException("could not view the state in the gradient's shape");
      }
    }

    /** v ← μ·v + g, then the gradient array becomes the update η_t·v (DL4J subtracts it). */
    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
      if (v == null) {
        throw new IllegalStateException("heavy-ball updater has no state array");
      }
      double lr = config.getLearningRate(iteration, epoch);
      // The block's gradient is contiguous: the reshape, where one is needed, is a view of it.
      INDArray g =
          java.util.Arrays.equals(gradient.shape(), v.shape())
              ? gradient
              : gradient.reshape(v.shape());
      v.muli(config.momentum).addi(g);
      g.assign(v).muli(lr);
    }
  }
}
