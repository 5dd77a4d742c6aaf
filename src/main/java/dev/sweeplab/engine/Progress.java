package dev.sweeplab.engine;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs how far the training stage has come — runs done of total and an ETA weighted by the cost
 * model — at most every few seconds. Driver-only.
 */
final class Progress extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
  private static final long EVERY_MS = 5_000;

  private final double[] cost;
  private final double totalCost;
  private final long start = System.currentTimeMillis();
  private int done;
  private double doneCost;
  private long lastLog = start;

  /** {@code cost[i]} is the cost estimate of partition i's run. */
  Progress(double[] cost) {
    this.cost = cost.clone();
    double sum = 0;
    for (double c : cost) {
      sum += c;
    }
    this.totalCost = sum;
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
    if (!"Success".equals(end.reason().toString())) {
      return;
    }
    int index = end.taskInfo().index();
    if (index >= 0 && index < cost.length) {
      doneCost += cost[index];
    }
    int n = ++done;
    long now = System.currentTimeMillis();
    if (now - lastLog >= EVERY_MS || n == cost.length) {
      lastLog = now;
      double fraction = totalCost > 0 ? doneCost / totalCost : (double) n / cost.length;
      long elapsed = now - start;
      // Until a twentieth of the cost is done the rate is mostly the runs still in flight, whose
      // time is spent but not yet counted: no estimate rather than a wild one.
      String eta =
          n == cost.length
              ? ""
              : fraction >= 0.05 && n >= 2
                  ? ", about "
                      + Math.round(elapsed * (1 - fraction) / fraction / 1000.0)
                      + " s left"
                  : ", time left estimated once more runs have finished";
      LOG.info(
          "runs trained: {}/{} ({}% of estimated cost) after {} s{}",
          n, cost.length, Math.round(100 * fraction), elapsed / 1000, eta);
    }
  }
}
