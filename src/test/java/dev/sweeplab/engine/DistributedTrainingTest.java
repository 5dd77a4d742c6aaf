package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import dev.sweeplab.train.EvalSchedule;
import dev.sweeplab.train.RunResult;
import dev.sweeplab.train.Trainer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run above {@code limits.distributed_above} is trained by DL4J's parameter averaging across the
 * local[2] executors, the others in one task each; all land in one commit and resume alike.
 */
class DistributedTrainingTest extends SparkTestBase {
  /**
   * 8 steps per epoch: costs about 6.5e8, 7.1e8 and 9.2e8 (dominated by the fixed costs per run and
   * per step), so only the 6-epoch run is above the limit.
   */
  static final String SPEC =
      """
      name: dist
      seed: 3
      dataset: {input_dim: 6, classes: 3, teacher_width: 8, train_size: 256, test_size: 64}
      model: {width: 16, depth: 1}
      training: {batch_size: 32, epochs: [1, 2, 6], eval_points: 5, learning_rate: 0.01}
      limits: {distributed_above: 8e8}
      """;

  @TempDir Path tmp;

  @Test
  void theBiggestRunIsTrainedByParameterAveragingAndResumesLikeTheOthers() {
    SweepSpec spec = SpecParser.parse(SPEC, "dist.yaml");
    List<RunConfig> runs = spec.expand();
    RunConfig big = runs.stream().max(Comparator.comparingDouble(RunConfig::cost)).orElseThrow();
    assertEquals(1, runs.stream().filter(spec::distributed).count(), "costs " + costs(runs));
    assertTrue(spec.distributed(big));

    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    SweepRunner runner = new SweepRunner(spark, warehouse);
    List<String> jobs = new CopyOnWriteArrayList<>();
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart job) {
            jobs.add(String.valueOf(job.properties().getProperty("spark.job.description")));
          }
        };
    spark.sparkContext().addSparkListener(listener);
    SweepOutcome first;
    try {
      first = runner.run(spec, false);
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    long distributedJobs = jobs.stream().filter(j -> j.contains("run " + big.runId())).count();
    assertTrue(distributedJobs >= 5, "Spark jobs per stretch between evaluations: " + jobs);
    assertEquals(3, first.counts().trained());
    assertEquals(3, first.counts().ok());

    Tables.register(spark, warehouse);
    List<Row> rows =
        sql(
            "SELECT run_id, trained_by, status, reason, final_train_loss, steps_done, epochs_done"
                + " FROM runs ORDER BY epochs");
    assertEquals(3, rows.size(), rows.toString());
    for (Row r : rows) {
      boolean isBig = r.getString(0).equals(big.runId());
      assertEquals("ok", r.getString(2), r.toString());
      assertEquals(
          isBig ? "parameter_averaging(workers=2, averaging_frequency=5)" : "task",
          r.getString(1),
          r.toString());
    }
    Row b = rows.get(2);
    assertEquals(big.runId(), b.getString(0));
    assertEquals(big.totalSteps(), b.getLong(5), "every minibatch consumed");
    assertEquals(6.0, b.getDouble(6), 1e-9);
    double finalLoss = b.getDouble(4);
    assertTrue(Double.isFinite(finalLoss), b.toString());

    List<Row> curve =
        sql("SELECT step, train_loss FROM curves WHERE run_id = '%s' ORDER BY step", big.runId());
    long[] planned = EvalSchedule.logSpaced(big.totalSteps(), big.evalPoints());
    assertEquals(
        Arrays.toString(planned),
        Arrays.toString(curve.stream().mapToLong(r -> r.getLong(0)).toArray()),
        "the planned evaluation points");
    double initial = curve.get(0).getDouble(1);
    assertTrue(finalLoss < initial, "loss improved: " + initial + " -> " + finalLoss);
    // The weight, feature and activation change are measured on the driver's network too.
    Row moved =
        sql(
                "SELECT size(weight_change_spectral), weight_change_spectral[0],"
                    + " size(feature_change), feature_change[0] FROM runs WHERE run_id = '%s'",
                big.runId())
            .get(0);
    assertEquals(big.depth() + 1, moved.getInt(0), moved.toString());
    assertTrue(moved.getDouble(1) > 0 && Double.isFinite(moved.getDouble(1)), moved.toString());
    assertEquals(big.depth(), moved.getInt(2), moved.toString());
    assertTrue(moved.getDouble(3) > 0 && Double.isFinite(moved.getDouble(3)), moved.toString());
    assertRows(
        "no change at step 0, some at the end",
        sql(
            "SELECT max(activation_changes[0]) = 0, min(activation_changes[0]) = 0 FROM curves"
                + " WHERE run_id = '%s' GROUP BY step = 0 ORDER BY step = 0",
            big.runId()),
        row(false, false),
        row(true, true));
    RunResult inOneTask = Trainer.run(big);
    assertEquals(initial, inOneTask.curve().get(0).trainLoss(), 1e-12, "the same initial network");
    assertNotEquals(inOneTask.trainLoss(), finalLoss, "averaging changes the optimisation");

    String recorded = sql("SELECT spec FROM sweeps").get(0).getString(0);
    assertTrue(recorded.contains("\"limits.distributed_above\":\"8.0E8\""), recorded);

    SweepOutcome again = runner.run(spec, false);
    assertEquals(0, again.counts().trained(), "resume trains nothing");
    assertEquals(3, again.counts().reused());
    Tables.register(spark, warehouse);
    assertRows(
        "after the second execution",
        sql(
            "SELECT count(*), count(DISTINCT run_id), sum(IF(trained_by = 'task', 1, 0)) FROM runs"),
        row(3L, 3L, 2L));
    assertFalse(sql("SELECT * FROM curves WHERE run_id = '%s'", big.runId()).isEmpty());
  }

  private static String costs(List<RunConfig> runs) {
    return runs.stream().map(r -> String.format("%.3g", r.cost())).toList().toString();
  }
}
