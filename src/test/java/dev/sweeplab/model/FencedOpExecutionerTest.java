package dev.sweeplab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link FencedOpExecutioner} is ND4J's executioner once {@link Networks} is loaded, fences every
 * way ND4J runs an op, and computes what ND4J's own does.
 */
class FencedOpExecutionerTest {
  @Test
  void networksInstallIt() {
    Networks.build(DenseStepTest.run("relu", "classification", "standard", "adam", 1));
    assertInstanceOf(FencedOpExecutioner.class, Nd4j.getExecutioner());
    assertTrue(FencedOpExecutioner.install(), "installing again keeps it");
    assertInstanceOf(FencedOpExecutioner.class, Nd4j.getExecutioner());
  }

  @Test
  void overridesEveryExecOfAnOp() {
    List<String> unfenced = new ArrayList<>();
    for (Method m : NativeOpExecutioner.class.getMethods()) {
      if (!m.getName().equals("exec")
          || Modifier.isStatic(m.getModifiers())
          || m.getParameterCount() == 0
          || !(Op.class.isAssignableFrom(m.getParameterTypes()[0])
              || CustomOp.class.isAssignableFrom(m.getParameterTypes()[0]))) {
        continue;
      }
      try {
        Method own = FencedOpExecutioner.class.getDeclaredMethod("exec", m.getParameterTypes());
        assertEquals(m.getReturnType(), own.getReturnType(), own.toString());
      } catch (NoSuchMethodException e) {
        unfenced.add(Arrays.toString(m.getParameterTypes()));
      }
    }
    assertEquals(List.of(), unfenced, "exec methods FencedOpExecutioner does not override");
  }

  @Test
  void computesAsNd4jDoes() {
    FencedOpExecutioner.install();
    INDArray m = Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, 5, 6}});
    m.addiRowVector(Nd4j.createFromArray(10f, 20f, 30f)); // broadcast
    m.muli(2); // scalar
    assertArrayEquals(new float[] {22, 44, 66, 28, 50, 72}, m.ravel().toFloatVector());
    assertEquals(282.0, m.sumNumber().doubleValue(), 1e-6); // reduction
    assertEquals(2, m.argMax(1).getInt(0)); // index accumulation
  }
}
