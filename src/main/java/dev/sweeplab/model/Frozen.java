package dev.sweeplab.model;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * The updater of a layer that does not train ({@code model.train: readout}): its update is 0, so
 * {@code params -= update} leaves every parameter at its initial value, whatever the gradient (NaN
 * and infinities included). DL4J's own {@code NoOp} passes the gradient through as the update,
 * which would move the layer; a zero learning rate would still multiply a NaN gradient. No state,
 * no rate, and no regularization ({@link Networks} sets none on a frozen layer).
 */
public final class Frozen implements IUpdater {
  private static final long serialVersionUID = 1L;

  @Override
  public long stateSize(long numParams) {
    return 0;
  }

  @Override
  public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
    return new Zero(this);
  }

  @Override
  public GradientUpdater instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
    return new Zero(this);
  }

  @Override
  public double getLearningRate(int iteration, int epoch) {
    return 0;
  }

  @Override
  public boolean hasLearningRate() {
    return false;
  }

  @Override
  public void setLrAndSchedule(double lr, ISchedule schedule) {
    // A frozen layer stays frozen at any rate the network is given.
  }

  @Override
  public Frozen clone() {
    return new Frozen();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Frozen;
  }

  @Override
  public int hashCode() {
    return Frozen.class.hashCode();
  }

  @Override
  public String toString() {
    return "Frozen";
  }

  /** Sets the update to 0. */
  static final class Zero implements GradientUpdater<Frozen> {
    private final Frozen config;

    Zero(Frozen config) {
      this.config = config;
    }

    @Override
    public Frozen getConfig() {
      return config;
    }

    @Override
    public void setState(Map<String, INDArray> state, boolean initialize) {}

    @Override
    public Map<String, INDArray> getState() {
      return Map.of();
    }

    @Override
    public void setStateViewArray(
        INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {}

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
      gradient.assign(0);
    }
  }
}
