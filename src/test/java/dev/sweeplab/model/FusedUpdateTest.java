package dev.sweeplab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link FusedUpdate} trains to the bit as DL4J's updater does: the same parameters, optimizer
 * state and losses after every step, for every optimizer, parameterization, schedule, decay and
 * trained subset a run can have. The runs go past iteration 872, the first at which Java's {@code
 * Math.pow} and libm's {@code powf} disagree on 0.999^(t+1) = 0.999^873 (Adam's β₂ bias
 * correction).
 */
class FusedUpdateTest {
  private static final int STEPS = 1_000;
  private static final int[] ROWS = {16, 16, 16, 5};

  @Test
  void everyRunTrainsToTheBitAsWithDl4jsUpdater() {
    List<RunConfig> runs = new ArrayList<>();
    for (String optimizer : List.of("adam", "sgd")) {
      for (String parameterization : List.of("standard", "ntk", "mup")) {
        if ("ntk".equals(parameterization) && "adam".equals(optimizer)) {
          continue; // not defined (SpecParser refuses it)
        }
        runs.add(run("relu", "classification", parameterization, optimizer, 2, Map.of()));
      }
      runs.add(run("tanh", "regression", "mup", optimizer, 1, Map.of()));
      runs.add(
          run(
              "relu",
              "classification",
              "mup",
              optimizer,
              2,
              Map.of(SpecKeys.WEIGHT_DECAY, List.of(0.1))));
      runs.add(
          run(
              "relu",
              "classification",
              "standard",
              optimizer,
              2,
              Map.of(
                  SpecKeys.SCHEDULE,
                  List.of("cosine"),
                  SpecKeys.WARMUP_STEPS,
                  List.of(100),
                  SpecKeys.STEPS,
                  List.of(STEPS))));
      runs.add(
          run(
              "relu",
              "classification",
              "mup",
              optimizer,
              2,
              Map.of(SpecKeys.TRAIN, List.of("readout"))));
    }
    runs.add(
        run(
            "tanh",
            "classification",
            "mup",
            "sgd",
            2,
            Map.of(SpecKeys.MOMENTUM, List.of(0.9), SpecKeys.WEIGHT_DECAY, List.of(0.01))));
    // Wide enough that a parameter block spans several of FusedUpdate's chunks (2,048) and a
    // layer's 16 rows several of RowLoops' (4,096 floats).
    runs.add(run("relu", "classification", "mup", "adam", 2, Map.of(SpecKeys.WIDTH, List.of(300))));
    for (RunConfig run : runs) {
      compare(run);
    }
    assertEquals(15, runs.size());
  }

  @Test
  void adamsBiasCorrectionsAreNd4jsPowers() {
    // ND4J's pow is libm's powf, as libnd4j's Adam kernel's; within an ulp of Math.pow (glibc's
    // powf and Math.pow first differ at 0.999^873, the step below checks where that matters).
    float[] powers = FusedUpdate.powers(0.999f, 0);
    assertEquals(4096, powers.length);
    for (int t = 0; t < powers.length; t++) {
      float javas = (float) Math.pow(0.999f, t + 1);
      assertEquals(javas, powers[t], Math.ulp(javas), "0.999^" + (t + 1));
    }
    assertEquals(0.999f, powers[0]);
    assertEquals(FusedUpdate.powers(0.9f, 4096)[0], FusedUpdate.powers(0.9f, 4095)[1]);
  }

  @Test
  void adamAtAnIterationWherePowfDecidesTheStep() {
    // At η = 0.01, β = (0.9, 0.999), t = 3605 is the one iteration below 20,000 where ε_t from
    // powf differs from ε_t from Math.pow (computed with libm's powf by ctypes).
    RunConfig run = run("relu", "classification", "standard", "adam", 2, Map.of());
    assertEquals(0.01, run.learningRate());
    MultiLayerNetwork a = Networks.build(run);
    MultiLayerNetwork b = Networks.build(run);
    try (DenseStep fused = DenseStep.of(a, 16);
        DenseStep dl4j = DenseStep.withDl4jUpdater(b, 16)) {
      for (MultiLayerNetwork net : List.of(a, b)) {
        net.setIterationCount(3605);
        for (int l = 0; l < net.getnLayers(); l++) {
          net.getLayer(l).setIterationCount(3605);
        }
      }
      SplittableRandom random = new SplittableRandom(3);
      for (int s = 0; s < 2; s++) {
        for (int i = 0; i < 16 * run.inputDim(); i++) {
          float x = (float) random.nextGaussian();
          fused.features().put(i, x);
          dl4j.features().put(i, x);
        }
        for (int r = 0; r < 16; r++) {
          int c = random.nextInt(run.classes());
          for (DenseStep step : List.of(fused, dl4j)) {
            for (int j = 0; j < run.classes(); j++) {
              step.labels().put(r * run.classes() + j, j == c ? 1f : 0f);
            }
          }
        }
        assertEquals(dl4j.fit(16), fused.fit(16), 0.0);
        assertArrayEquals(
            Networks.values(b.params()), Networks.values(a.params()), "after step " + (3605 + s));
      }
    } finally {
      Networks.release(a);
      Networks.release(b);
    }
  }

  private static void compare(RunConfig run) {
    String what =
        run.optimizer()
            + "/"
            + run.parameterization()
            + "/"
            + run.activation()
            + "/"
            + run.task()
            + "/schedule "
            + run.schedule()
            + "/decay "
            + run.weightDecay()
            + "/momentum "
            + run.momentum()
            + "/train "
            + run.train();
    MultiLayerNetwork a = Networks.build(run);
    MultiLayerNetwork b = Networks.build(run);
    assertNull(FusedUpdate.unsupported(a), what);
    try (DenseStep fused = DenseStep.of(a, 16);
        DenseStep dl4j = DenseStep.withDl4jUpdater(b, 16)) {
      float[] start = Networks.values(a.params());
      assertArrayEquals(start, Networks.values(b.params()), what + ": one seed, one network");
      int d = run.inputDim();
      int k = run.classes();
      SplittableRandom random = new SplittableRandom(run.seed());
      float[] x = new float[16 * d];
      for (int s = 0; s < STEPS; s++) {
        int rows = ROWS[s % ROWS.length];
        float[] y = MlpContractTest.minibatch(run, random, x, rows);
        for (DenseStep step : List.of(fused, dl4j)) {
          step.features().put(0, x, 0, rows * d);
          step.labels().put(0, y);
        }
        double expected = dl4j.fit(rows);
        double actual = fused.fit(rows);
        assertEquals(expected, actual, 0.0, what + ": loss at step " + s);
        if (s % 100 == 99 || s == STEPS - 1) {
          assertArrayEquals(
              Networks.values(b.params()),
              Networks.values(a.params()),
              what + ": parameters after step " + s);
          INDArray state = b.getUpdater().getStateViewArray(); // none for plain SGD
          assertEquals(state == null, a.getUpdater().getStateViewArray() == null, what);
          if (state != null) {
            assertArrayEquals(
                Networks.values(state),
                Networks.values(a.getUpdater().getStateViewArray()),
                what + ": optimizer state after step " + s);
          }
        }
      }
      float[] end = Networks.values(a.params());
      double moved = 0;
      for (int i = 0; i < end.length; i++) {
        moved = Math.max(moved, Math.abs(end[i] - start[i]));
      }
      assertTrue(moved > 1e-3, what + ": training moved the parameters by " + moved);
      assertEquals(STEPS, a.getIterationCount(), what);
    } finally {
      Networks.release(a);
      Networks.release(b);
    }
  }

  private static RunConfig run(
      String activation,
      String task,
      String parameterization,
      String optimizer,
      int depth,
      Map<Key, List<?>> more) {
    return MlpContractTest.run(activation, task, parameterization, optimizer, depth, more);
  }
}
