package dev.sweeplab.model;

import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BroadcastOp;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.GridOp;
import org.nd4j.linalg.api.ops.IndexAccumulation;
import org.nd4j.linalg.api.ops.MetaOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.RandomOp;
import org.nd4j.linalg.api.ops.ReduceOp;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.api.ops.impl.summarystats.Variance;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ND4J's CPU op executioner, keeping each op reachable until its native call has returned.
 *
 * <p>ND4J 1.0.0-M2.1 hands an op's arrays to native code as raw buffer pointers. An array reachable
 * only from the op object (a broadcast's dimension array, for one) becomes garbage as soon as the
 * JIT-compiled caller has made its last use of the op, which can be before the native call has
 * returned; a garbage collection then lets ND4J's deallocator thread free the array's native buffer
 * under the running op, and the JVM dies with SIGSEGV in {@code sd::DataBuffer::primary()} or
 * {@code sd::TadDescriptor}. {@code Nd4jRaceProbe} in the test sources reproduces it (see
 * docs/architecture.md, "The ND4J race"). Each {@code exec} here ends with {@link
 * Reference#reachabilityFence} on its op (and context).
 *
 * <p>{@link #install} puts it in place of ND4J's own on the CPU backend ({@link Networks} does,
 * once per JVM, before it builds a network); other backends keep theirs.
 */
public final class FencedOpExecutioner extends NativeOpExecutioner {
  private static final Logger LOG = LoggerFactory.getLogger(FencedOpExecutioner.class);

  /**
   * Makes this ND4J's op executioner where ND4J's is the plain CPU one, and says whether ops are
   * fenced now. Idempotent.
   */
  public static synchronized boolean install() {
    OpExecutioner current = Nd4j.getExecutioner();
    if (current instanceof FencedOpExecutioner) {
      return true;
    }
    if (current.getClass() != NativeOpExecutioner.class) {
      return false;
    }
    try {
      Field instance = Nd4j.class.getDeclaredField("OP_EXECUTIONER_INSTANCE");
      instance.setAccessible(true);
      instance.set(null, new FencedOpExecutioner());
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("ND4J's ops stay unfenced (a rare native crash remains possible): {}", e.toString());
      return false;
    }
  }

  @Override
  public INDArray exec(Op op) {
    return fenced(() -> super.exec(op), op);
  }

  @Override
  public INDArray exec(Op op, OpContext context) {
    return fenced(() -> super.exec(op, context), op, context);
  }

  @Override
  public INDArray exec(IndexAccumulation op) {
    return fenced(() -> super.exec(op), op);
  }

  @Override
  public INDArray exec(IndexAccumulation op, OpContext context) {
    return fenced(() -> super.exec(op, context), op, context);
  }

  @Override
  public INDArray exec(Variance op) {
    return fenced(() -> super.exec(op), op);
  }

  @Override
  public INDArray exec(ReduceOp op) {
    return fenced(() -> super.exec(op), op);
  }

  @Override
  public INDArray exec(ReduceOp op, OpContext context) {
    return fenced(() -> super.exec(op, context), op, context);
  }

  @Override
  public INDArray exec(ScalarOp op) {
    return fenced(() -> super.exec(op), op);
  }

  @Override
  public INDArray exec(ScalarOp op, OpContext context) {
    return fenced(() -> super.exec(op, context), op, context);
  }

  @Override
  public INDArray exec(BroadcastOp op) {
    return fenced(() -> super.exec(op), op);
  }

  @Override
  public INDArray exec(BroadcastOp op, OpContext context) {
    return fenced(() -> super.exec(op, context), op, context);
  }

  @Override
  public INDArray exec(RandomOp op) {
    return fenced(() -> super.exec(op), op);
  }

  @Override
  public INDArray exec(RandomOp op, Random rng) {
    return fenced(() -> super.exec(op, rng), op);
  }

  @Override
  public INDArray exec(RandomOp op, OpContext context, Random rng) {
    return fenced(() -> super.exec(op, context, rng), op, context);
  }

  @Override
  public INDArray[] exec(CustomOp op) {
    return fenced(() -> super.exec(op), op);
  }

  @Override
  public INDArray[] exec(CustomOp op, OpContext context) {
    return fenced(() -> super.exec(op, context), op, context);
  }

  @Override
  public void exec(MetaOp op) {
    fenced(
        () -> {
          super.exec(op);
          return null;
        },
        op);
  }

  @Override
  public void exec(GridOp op) {
    fenced(
        () -> {
          super.exec(op);
          return null;
        },
        op);
  }

  /** What {@code exec} returns, with {@code held} reachable until it has returned. */
  private static <T> T fenced(Supplier<T> exec, Object... held) {
    try {
      return exec.get();
    } finally {
      Reference.reachabilityFence(held);
    }
  }
}
