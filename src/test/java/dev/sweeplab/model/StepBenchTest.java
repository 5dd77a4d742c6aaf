package dev.sweeplab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.UserError;
import org.junit.jupiter.api.Test;

/** The step benchmark measures the network a run trains and reports consistent numbers. */
class StepBenchTest {
  static final StepBench.Size TINY = new StepBench.Size(8, 2, 16, 12, 3);

  @Test
  void measuresTheRunsNetworkAndReportsFiniteNumbers() {
    for (StepBench.Method method : StepBench.Method.values()) {
      StepBench.Result r = StepBench.measure(TINY, 3, 7, method);
      assertEquals(3, r.warmup());
      assertEquals(7, r.steps());
      assertTrue(Double.isFinite(r.msPerStep()) && r.msPerStep() > 0, "ms per step " + r);
      assertTrue(Double.isFinite(r.gflops()) && r.gflops() > 0, "GFLOP/s " + r);
      assertTrue(Double.isFinite(r.loss()), "the steps trained: " + r);
    }
  }

  @Test
  void timesTheStepRunsTakeOrDl4jsFitAsAsked() {
    // On the CPU backend (every test machine) runs take DenseStep's steps.
    assertTrue(
        StepBench.measure(TINY, 1, 2, StepBench.Method.RUN).method().startsWith("DenseStep"));
    assertTrue(StepBench.measure(TINY, 1, 2, StepBench.Method.DL4J_FIT).method().contains(".fit"));
  }

  @Test
  void paramsAndFlopsAgreeWithTheNetwork() {
    StepBench.Result r = StepBench.measure(TINY, 1, 2, StepBench.Method.RUN);
    // 12·8 + 8, 8·8 + 8, 8·3 + 3
    assertEquals(104 + 72 + 27, TINY.params());
    assertEquals(Networks.build(StepBench.config(TINY)).numParams(), TINY.params());
    assertEquals(TINY.params(), r.params());
    assertEquals(6.0 * r.params() * 16, TINY.flopsPerStep());
    assertEquals(TINY.flopsPerStep() / (r.msPerStep() / 1e3) / 1e9, r.gflops(), 1e-9 * r.gflops());
    StepBench.Size mnist = new StepBench.Size(1024, 2, 128, 784, 10);
    assertEquals(785L * 1024 + 1025L * 1024 + 1025L * 10, mnist.params());
  }

  @Test
  void buildsTheBenchmarkedShapeWithAdam() {
    RunConfig c = StepBench.config(new StepBench.Size(16, 3, 128, 784, 10));
    assertEquals(16, c.width());
    assertEquals(3, c.depth());
    assertEquals(128, c.batchSize());
    assertEquals(784, c.inputDim());
    assertEquals(10, c.classes());
    assertEquals("adam", c.optimizer());
    assertEquals("standard", c.parameterization());
    assertEquals("classification", c.task());
  }

  @Test
  void lineHasFiveNumbersInOrder() {
    StepBench.Result r = new StepBench.Result(TINY, TINY.params(), 20, 100, 2.5, 0.1, "test");
    String[] fields = r.line().split(" ");
    assertEquals(5, fields.length, r.line());
    assertEquals("8", fields[0]);
    assertEquals("2", fields[1]);
    assertEquals("16", fields[2]);
    assertEquals(2.5, Double.parseDouble(fields[3]), 1e-9);
    assertEquals(r.gflops(), Double.parseDouble(fields[4]), 1e-3);
  }

  @Test
  void warmsUpAFifthOfTheStepsAndAtLeastTwenty() {
    assertEquals(20, StepBench.warmup(50));
    assertEquals(200, StepBench.warmup(1000));
  }

  @Test
  void rejectsAnEmptyShapeNamingTheOption() {
    UserError e = assertThrows(UserError.class, () -> new StepBench.Size(0, 2, 128, 784, 10));
    assertEquals("--width must be >= 1, found 0", e.getMessage());
  }

  @Test
  void namesTheBlasItUses() {
    String backend = StepBench.backend();
    assertTrue(backend.startsWith("ND4J "), backend);
    assertTrue(backend.contains("blas threads"), backend);
    assertTrue(backend.contains("omp threads 1"), "surefire sets OMP_NUM_THREADS=1: " + backend);
  }
}
