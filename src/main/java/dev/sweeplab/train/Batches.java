package dev.sweeplab.train;

import dev.sweeplab.data.Dataset;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * A run's minibatches over the training split, in training order: a fresh permutation each epoch
 * drawn from the run's RNG, the last partial batch of an epoch kept (so every sample is seen once
 * per epoch). Each minibatch is written into buffers the caller owns.
 */
public final class Batches {
  private final Dataset data;
  private final int batchSize;
  private final SplittableRandom rng;
  private final int[] order;
  private int cursor;
  private final long stepsPerEpoch;

  Batches(Dataset data, int batchSize, SplittableRandom rng) {
    this.data = data;
    this.batchSize = Math.min(batchSize, data.train().size());
    this.rng = rng;
    this.order = new int[data.train().size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    this.cursor = order.length;
    this.stepsPerEpoch = (order.length + this.batchSize - 1) / this.batchSize;
  }

  /** Passes over the data after {@code step} steps. */
  double epochs(long step) {
    return (double) step / stepsPerEpoch;
  }

  /** The most samples a minibatch has. */
  public int size() {
    return batchSize;
  }

  /** Features per sample. */
  public int inputs() {
    return data.inputDim();
  }

  /** Label columns per sample: one-hot classes or regression targets. */
  public int outputs() {
    return data.outputs();
  }

  /**
   * Writes the next minibatch row-major into {@code features} (rows × inputs) and {@code labels}
   * (rows × outputs) from index 0 and returns its rows.
   */
  public int next(FloatBuffer features, FloatBuffer labels) {
    int n = start();
    int d = data.inputDim();
    int k = data.outputs();
    Dataset.Split train = data.train();
    for (int r = 0; r < n; r++) {
      int i = order[cursor + r];
      features.put(r * d, train.x(), i * d, d);
      if (data.classification()) {
        for (int c = 0; c < k; c++) {
          labels.put(r * k + c, 0f);
        }
        labels.put(r * k + train.labels()[i], 1f);
      } else {
        labels.put(r * k, train.targets(), i * k, k);
      }
    }
    cursor += n;
    return n;
  }

  /** Starts a new epoch when this one is done; returns the next minibatch's rows. */
  private int start() {
    if (cursor >= order.length) {
      shuffle();
      cursor = 0;
    }
    return upcoming();
  }

  /** The next minibatch's rows: a new epoch starts with a full one. */
  private int upcoming() {
    return Math.min(batchSize, order.length - (cursor >= order.length ? 0 : cursor));
  }

  private void shuffle() {
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
