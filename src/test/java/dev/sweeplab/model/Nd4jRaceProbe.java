package dev.sweeplab.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Not a test: a probe for the ND4J race {@link FencedOpExecutioner} closes. Two threads run DL4J's
 * {@code output} on a small network while a third makes garbage, for the given seconds; with ND4J's
 * own executioner ({@code unfenced}) and a small young generation the JVM usually dies with SIGSEGV
 * in {@code libnd4jcpu} within that time. Run it again after upgrading ND4J:
 *
 * <pre>
 * mvn -q -B test-compile
 * java -Xmn6m -cp target/test-classes:target/classes:$(cat target/classpath.txt) \
 *   dev.sweeplab.model.Nd4jRaceProbe 40 [unfenced]
 * </pre>
 */
public final class Nd4jRaceProbe {
  /** Where the garbage goes, so that the JIT cannot leave it unallocated. */
  private static volatile byte[] sink;

  private Nd4jRaceProbe() {}

  public static void main(String[] args) throws InterruptedException {
    long seconds = Long.parseLong(args[0]);
    boolean fenced = args.length < 2 || !args[1].equals("unfenced");
    if (fenced) {
      FencedOpExecutioner.install();
    }
    System.out.println("executioner: " + Nd4j.getExecutioner().getClass().getName());
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long[] calls = new long[2];
    Throwable[] failed = new Throwable[1];
    Thread[] threads = new Thread[2];
    for (int t = 0; t < threads.length; t++) {
      int id = t;
      threads[t] =
          new Thread(
              () -> {
                MultiLayerNetwork net = network();
                float[] x = new float[64 * 32];
                while (System.nanoTime() < end) {
                  net.output(Nd4j.create(x, new long[] {64, 32}, 'c'), false)
                      .ravel()
                      .toFloatVector();
                  calls[id]++;
                }
              });
      threads[t].setUncaughtExceptionHandler((thread, e) -> failed[0] = e);
      threads[t].start();
    }
    Thread garbage =
        new Thread(
            () -> {
              long sum = 0;
              while (System.nanoTime() < end) {
                sink = new byte[1 << 16];
                sum += sink.length;
              }
              System.out.println("garbage made: " + (sum >> 20) + " MB");
            });
    garbage.setDaemon(true);
    garbage.start();
    for (Thread t : threads) {
      t.join();
    }
    if (failed[0] != null) {
      throw new IllegalStateException("a thread failed", failed[0]);
    }
    System.out.println("no crash in " + seconds + " s: " + (calls[0] + calls[1]) + " outputs");
  }

  private static MultiLayerNetwork network() {
    MultiLayerNetwork net =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .list()
                .layer(
                    new DenseLayer.Builder().nIn(32).nOut(64).activation(Activation.RELU).build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(64)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
    net.init();
    return net;
  }
}
