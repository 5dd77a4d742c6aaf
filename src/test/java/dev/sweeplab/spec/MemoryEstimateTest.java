package dev.sweeplab.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The memory a run needs, written out by hand for one configuration, and the hostile extremes. */
class MemoryEstimateTest {
  static RunConfig run(String model, String dataset) {
    return SpecParser.parse(
            "name: m\ndataset: {" + dataset + "}\nmodel: {" + model + "}\ntraining: {steps: 1}\n",
            "m.yaml")
        .expand()
        .get(0);
  }

  @Test
  void aFashionMnistSizedNetworkByHand() {
    RunConfig r =
        run(
            "width: 256, depth: 2",
            "input_dim: 784, classes: 10, train_size: 1000, test_size: 1000");
    // params: 784*256 + 256 + 256*256 + 256 + 256*10 + 10 = 269,322
    assertEquals(269_322, r.params());
    // off-heap floats: params, gradients and Adam's two moments 4 * 269,322 = 1,077,288;
    // the largest matrix once more 784*256 = 200,704; the step's buffers
    // 3 * 128 * (2*256 + 10) + 128 * 784 = 300,800; the evaluation's 1,000 rows * 522 = 522,000;
    // one layer's bias-sized vector 256: 2,101,048 floats.
    // heap floats: two copies of the parameters 538,644, the largest matrix's change 200,704,
    // the probes' values (256 training + 256 test samples at the start, 256 now) * 522 = 400,896
    // and the data (1,000 training + 512 validation (auto) + 1,000 test) * 785 = 1,971,920:
    // 3,112,164 floats.
    MemoryEstimate e = MemoryEstimate.of(r);
    assertEquals(2_101_048L * 4, e.nativeBytes());
    assertEquals(512, r.valSize());
    assertEquals(3_112_164L * 4, e.heapBytes());
    assertEquals(1000L * 784, e.largestArray(), "the training inputs");
  }

  @Test
  void sgdKeepsNoMomentsAndOneHiddenLayerHasNoSquareMatrix() {
    RunConfig adam = run("width: 64, depth: 1", "input_dim: 8, classes: 2");
    RunConfig sgd =
        SpecParser.parse(
                "name: m\ndataset: {input_dim: 8, classes: 2}\nmodel: {width: 64, depth: 1}\n"
                    + "training: {steps: 1, optimizer: sgd}\n",
                "m.yaml")
            .expand()
            .get(0);
    assertEquals(
        2 * adam.params() * 4,
        MemoryEstimate.of(adam).nativeBytes() - MemoryEstimate.of(sgd).nativeBytes());
    assertEquals(1000L * 8, MemoryEstimate.of(adam).largestArray(), "no 64 x 64 matrix at depth 1");
  }

  @Test
  void momentumKeepsOneVelocityPerParameter() {
    RunConfig plain = sgd("");
    RunConfig momentum = sgd(", momentum: 0.9");
    assertEquals(
        plain.params() * 4,
        MemoryEstimate.of(momentum).nativeBytes() - MemoryEstimate.of(plain).nativeBytes());
    assertEquals(
        MemoryEstimate.of(plain).heapBytes(), MemoryEstimate.of(momentum).heapBytes(), "heap");
  }

  private static RunConfig sgd(String more) {
    return SpecParser.parse(
            "name: m\ndataset: {input_dim: 8, classes: 2}\nmodel: {width: 64, depth: 1}\n"
                + "training: {steps: 1, optimizer: sgd"
                + more
                + "}\n",
            "m.yaml")
        .expand()
        .get(0);
  }

  @Test
  void hostileSizesSaturateInsteadOfOverflowing() {
    MemoryEstimate e =
        MemoryEstimate.of(run("width: 10000000, depth: 1000000", "input_dim: 100000000"));
    assertTrue(e.nativeBytes() > 0 && e.heapBytes() > 0, e.toString());
    assertEquals(Long.MAX_VALUE, e.nativeBytes());
    assertTrue(e.largestArray() > MemoryEstimate.MAX_ARRAY);
    assertEquals("more than 8 EB", MemoryEstimate.bytes(e.nativeBytes()));
  }

  @Test
  void aMinibatchHoldsAtMostTheTrainingSet() {
    RunConfig fullBatch =
        SpecParser.parse(
                "name: m\ndataset: {input_dim: 8, train_size: 1000}\nmodel: {width: 64}\n"
                    + "training: {steps: 1, batch_size: 800000000}\n",
                "m.yaml")
            .expand()
            .get(0);
    RunConfig thousand =
        SpecParser.parse(
                "name: m\ndataset: {input_dim: 8, train_size: 1000}\nmodel: {width: 64}\n"
                    + "training: {steps: 1, batch_size: 1000}\n",
                "m.yaml")
            .expand()
            .get(0);
    assertEquals(MemoryEstimate.of(thousand), MemoryEstimate.of(fullBatch));
    assertTrue(MemoryEstimate.of(fullBatch).nativeBytes() > 0);
  }
}
