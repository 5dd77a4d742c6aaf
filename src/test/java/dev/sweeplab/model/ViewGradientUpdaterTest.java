package dev.sweeplab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.RunConfig;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The updater {@link Networks} installs trains exactly as DL4J's own does: same parameters and
 * optimizer state, bit for bit, after the same steps, for Adam and SGD, with muP's per-layer
 * learning rates (several updater blocks) and without.
 */
class ViewGradientUpdaterTest {
  @Test
  void networksTrainWithIt() {
    MultiLayerNetwork net = Networks.build(NetworksTest.run("standard", 32, "adam"));
    assertInstanceOf(ViewGradientUpdater.class, net.getUpdater());
  }

  @Test
  void sameParametersAndStateAsDl4jsOwnUpdater() {
    for (String parameterization : new String[] {"standard", "mup"}) {
      for (String optimizer : new String[] {"adam", "sgd"}) {
        RunConfig run = NetworksTest.run(parameterization, 128, optimizer);
        MultiLayerNetwork ours = Networks.build(run);
        MultiLayerNetwork stock = Networks.build(run);
        stock.setUpdater(new MultiLayerUpdater(stock));
        INDArray start = ours.params().dup();
        Nd4j.getRandom().setSeed(7);
        for (int step = 0; step < 25; step++) {
          INDArray x = Nd4j.randn(DataType.FLOAT, 16, 50);
          INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 5);
          for (int i = 0; i < 16; i++) {
            y.putScalar(i, (i + step) % 5, 1f);
          }
          ours.fit(x, y);
          stock.fit(x, y);
        }
        String what = parameterization + "/" + optimizer;
        assertEquals(
            25, ((ViewGradientUpdater) ours.getUpdater()).updatesOnView(), what + ": every step");
        assertNotEquals(start, ours.params(), what + ": training moved the parameters");
        assertArrayEquals(
            stock.params().toFloatVector(), ours.params().toFloatVector(), what + ": parameters");
        INDArray state = ours.getUpdater().getStateViewArray();
        if (state != null) {
          assertArrayEquals(
              stock.getUpdater().getStateViewArray().toFloatVector(),
              state.toFloatVector(),
              what + ": optimizer state");
        }
      }
    }
  }

  @Test
  void sameMemoryMeansSameBufferOffsetAndLength() {
    INDArray flat = Nd4j.zeros(DataType.FLOAT, 1, 12);
    assertTrue(ViewGradientUpdater.sameMemory(flat.reshape(12), flat));
    assertFalse(ViewGradientUpdater.sameMemory(flat.dup(), flat), "a copy is other memory");
    assertFalse(
        ViewGradientUpdater.sameMemory(
            flat.get(
                org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 12)),
            flat),
        "part of the memory");
    assertFalse(ViewGradientUpdater.sameMemory(null, flat));
  }
}
