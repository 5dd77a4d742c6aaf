package dev.sweeplab.train;

import dev.sweeplab.data.Dataset;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Minibatches over the training split: a fresh permutation each epoch drawn from the run's RNG, the
 * last partial batch of an epoch kept (so every sample is seen once per epoch).
 */
final class Batches {
  /** Features and one-hot (or regression) labels of one minibatch. */
  record Batch(INDArray features, INDArray labels) {}

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

  Batch next() {
    if (cursor >= order.length) {
      shuffle();
      cursor = 0;
    }
    int n = Math.min(batchSize, order.length - cursor);
    int d = data.inputDim();
    int k = data.outputs();
    Dataset.Split train = data.train();
    float[] x = new float[n * d];
    float[] y = new float[n * k];
    for (int r = 0; r < n; r++) {
      int i = order[cursor + r];
      System.arraycopy(train.x(), i * d, x, r * d, d);
      if (data.classification()) {
        y[r * k + train.labels()[i]] = 1f;
      } else {
        System.arraycopy(train.targets(), i * k, y, r * k, k);
      }
    }
    cursor += n;
    return new Batch(
        Nd4j.create(x, new long[] {n, d}, 'c'), Nd4j.create(y, new long[] {n, k}, 'c'));
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
