package dev.sweeplab.model;

import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Step speed of the networks sweeplab trains: milliseconds per training step and the GFLOP/s that
 * achieves, on one fixed random minibatch, so DL4J's per-step cost can be compared with the same
 * step in PyTorch ({@code bench/peer_torch.py}, which times it the same way).
 *
 * <p>The network is the one a run of the same shape trains, built by {@link Networks#build} from a
 * {@link RunConfig}: MLP input → width × depth → classes, ReLU, softmax + cross-entropy, Adam at
 * 10⁻³, standard parameterization; its steps are taken as a run takes them ({@link Method#RUN}:
 * {@link DenseStep} on ND4J's CPU backend) or by DL4J's own {@code fit} ({@link Method#DL4J_FIT}).
 * After a warm-up of max(20, steps / 5) steps, {@code steps} steps are timed in {@link #BLOCKS}
 * consecutive blocks of (nearly) equal length; the time per step reported is the <b>median of the
 * blocks' mean step times</b>, so one block slowed by a GC pause or another process does not move
 * it.
 *
 * <p>GFLOP/s = 6 × params × batch / seconds per step / 10⁹: 2 FLOPs per parameter and sample
 * forward, 4 backward (Kaplan et al. 2020, §2.1), counting every weight and bias; the optimizer
 * update and the activations are left out, so it slightly understates the work done.
 *
 * <p>Plain Java, no Spark. It measures in the calling thread with as many BLAS / OpenMP threads as
 * {@code OMP_NUM_THREADS} allowed when the JVM started; {@link #backend()} says what ND4J uses.
 */
public final class StepBench {
  /** Timed blocks per measurement; the reported step time is the median of their means. */
  public static final int BLOCKS = 5;

  private StepBench() {}

  /**
   * The shape measured.
   *
   * @param width hidden units per layer
   * @param depth hidden layers
   * @param batch minibatch size
   * @param input input features
   * @param classes output classes (at least 2)
   */
  public record Size(int width, int depth, int batch, int input, int classes) {
    public Size {
      atLeast("--width", width, 1);
      atLeast("--depth", depth, 1);
      atLeast("--batch", batch, 1);
      atLeast("--input", input, 1);
      atLeast("--classes", classes, 2);
    }

    /** Every weight and bias: (input + 1)·w + (depth − 1)·(w + 1)·w + (w + 1)·classes. */
    public long params() {
      long w = width;
      return (input + 1L) * w + (depth - 1L) * (w + 1) * w + (w + 1) * classes;
    }

    /** Estimated FLOPs of one training step: 6 × params × batch. */
    public double flopsPerStep() {
      return 6.0 * params() * batch;
    }
  }

  /**
   * One measurement.
   *
   * @param size the shape measured
   * @param params the network's parameter count, as DL4J reports it
   * @param warmup steps run before timing
   * @param steps steps timed
   * @param msPerStep median over {@link #BLOCKS} blocks of the mean step time, in milliseconds
   * @param loss the last minibatch loss (finite unless something broke)
   * @param method what took the steps
   */
  public record Result(
      Size size, long params, int warmup, int steps, double msPerStep, double loss, String method) {
    /** Achieved GFLOP/s: 6 × params × batch / seconds per step / 10⁹. */
    public double gflops() {
      return 6.0 * params * size.batch() / (msPerStep / 1e3) / 1e9;
    }

    /**
     * {@code width depth batch ms_per_step gflops}, space-separated, for scripts: ms to 4 decimals,
     * GFLOP/s to 4 significant digits (Java's {@code %.4g}, as the PyTorch peer prints it).
     */
    public String line() {
      return String.format(
          Locale.ROOT,
          "%d %d %d %.4f %.4g",
          size.width(),
          size.depth(),
          size.batch(),
          msPerStep,
          gflops());
    }
  }

  /** Warm-up steps before timing {@code steps}: max(20, steps / 5). */
  public static int warmup(int steps) {
    return Math.max(20, steps / 5);
  }

  /** {@link Result#method} of steps taken by {@link DenseStep}. */
  public static final String DENSE_STEP =
      "DenseStep (OpenBLAS sgemm on the network's memory, FusedUpdate)";

  /** {@link Result#method} of {@link DenseStep}'s steps with DL4J's updater instead. */
  public static final String DENSE_STEP_DL4J_UPDATER =
      "DenseStep (OpenBLAS sgemm on the network's memory, DL4J's updater)";

  /** {@link Result#method} of steps taken by DL4J's {@code fit}. */
  public static final String DL4J_FIT = "DL4J MultiLayerNetwork.fit";

  /** How the measured steps are taken. */
  public enum Method {
    /**
     * As a run trains in a Spark task ({@code train.Trainer.Steps.local()}): {@link DenseStep}
     * where it can train the network (ND4J's CPU backend), else DL4J's {@code fit}.
     */
    RUN,
    /** {@link DenseStep} updated by DL4J's updater instead of {@link FusedUpdate}, to compare. */
    DL4J_UPDATER,
    /** DL4J's own {@code MultiLayerNetwork.fit(features, labels)}, for comparison. */
    DL4J_FIT
  }

  /** Measures {@code steps} timed steps of {@code size} after {@link #warmup(int)} steps. */
  public static Result measure(Size size, int steps, Method method) {
    return measure(size, warmup(steps), steps, method);
  }

  /** Measures {@code steps} timed steps of {@code size} after {@code warmup} untimed ones. */
  public static Result measure(Size size, int warmup, int steps, Method method) {
    atLeast("--steps", steps, 1);
    MultiLayerNetwork net = Networks.build(config(size));
    SplittableRandom random = new SplittableRandom(0);
    float[] x = new float[size.batch() * size.input()];
    float[] y = new float[size.batch() * size.classes()];
    for (int i = 0; i < size.batch(); i++) {
      for (int j = 0; j < size.input(); j++) {
        x[i * size.input() + j] = (float) random.nextGaussian();
      }
      y[i * size.classes() + random.nextInt(size.classes())] = 1f;
    }
    DoubleSupplier step;
    String how;
    Optional<DenseStep> runs =
        switch (method) {
          case RUN -> DenseStep.ifSupported(net, size.batch());
          case DL4J_UPDATER -> Optional.of(DenseStep.withDl4jUpdater(net, size.batch()));
          case DL4J_FIT -> Optional.empty();
        };
    if (runs.isPresent()) {
      DenseStep dense = runs.get();
      dense.features().put(0, x);
      dense.labels().put(0, y);
      step = () -> dense.fit(size.batch());
      how = dense.fusedUpdate() ? DENSE_STEP : DENSE_STEP_DL4J_UPDATER;
    } else {
      INDArray features = Nd4j.create(x, new long[] {size.batch(), size.input()}, 'c');
      INDArray labels = Nd4j.create(y, new long[] {size.batch(), size.classes()}, 'c');
      step =
          () -> {
            net.fit(features, labels);
            return net.score();
          };
      how = DL4J_FIT;
    }
    for (int i = 0; i < warmup; i++) {
      step.getAsDouble();
    }
    int blocks = Math.min(BLOCKS, steps);
    double[] msPerStep = new double[blocks];
    double loss = Double.NaN;
    for (int b = 0; b < blocks; b++) {
      int n = steps / blocks + (b < steps % blocks ? 1 : 0);
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        loss = step.getAsDouble();
      }
      msPerStep[b] = (System.nanoTime() - start) / 1e6 / n;
    }
    return new Result(size, net.numParams(), warmup, steps, median(msPerStep), loss, how);
  }

  /** The run whose network is measured: the size on teacher–student data, Adam, standard. */
  public static RunConfig config(Size size) {
    Map<Key, List<?>> values = new LinkedHashMap<>();
    values.put(SpecKeys.INPUT_DIM, List.of(size.input()));
    values.put(SpecKeys.CLASSES, List.of(size.classes()));
    values.put(SpecKeys.TRAIN_SIZE, List.of(Math.max(1000, size.batch())));
    values.put(SpecKeys.WIDTH, List.of(size.width()));
    values.put(SpecKeys.DEPTH, List.of(size.depth()));
    values.put(SpecKeys.BATCH_SIZE, List.of(size.batch()));
    values.put(SpecKeys.OPTIMIZER, List.of("adam"));
    values.put(SpecKeys.LEARNING_RATE, List.of(1e-3));
    values.put(SpecKeys.PARAMETERIZATION, List.of("standard"));
    values.put(SpecKeys.ACTIVATION, List.of("relu"));
    return SweepSpec.of("step-bench", 0, 1, 1, values).expand().get(0);
  }

  /**
   * What ND4J computes with: backend and BLAS vendor, the native libraries actually mapped into
   * this process (from /proc/self/maps: ND4J's own, whose jar says generic, avx2 or avx512, and
   * every BLAS, whose jar or path says whether it is ND4J's bundled OpenBLAS or a system library),
   * the kernels its OpenBLAS chose ({@link #openblasCore}), and the BLAS and OpenMP thread counts.
   */
  public static String backend() {
    Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
    return "ND4J "
        + Platform.nd4jBackend()
        + " ("
        + Platform.nativeLibraries()
        + "; OpenBLAS kernels "
        + openblasCore()
        + "), blas threads "
        + Nd4j.factory().blas().getMaxThreads()
        + ", omp threads "
        + env.get("omp.threads")
        + ", OMP_NUM_THREADS="
        + System.getenv().getOrDefault("OMP_NUM_THREADS", "unset");
  }

  /**
   * The kernels the OpenBLAS {@link DenseStep} calls chooses on this CPU ({@code
   * openblas_get_corename}; {@code OPENBLAS_CORETYPE} in the environment overrides the choice), or
   * "unknown". ND4J's JavaCPP binding does not expose that function, so the same library file is
   * asked in a Python process with this environment: a DYNAMIC_ARCH build chooses by the CPU and
   * the variable alone.
   */
  public static String openblasCore() {
    try {
      java.nio.file.Path library =
          Platform.mappedFiles().stream()
              .filter(p -> p.getFileName().toString().startsWith("libopenblas_nolapack.so"))
              .findFirst()
              .orElse(null);
      if (library == null) {
        return "unknown (no libopenblas_nolapack mapped)";
      }
      Process p =
          new ProcessBuilder(
                  "/usr/bin/python3",
                  "-c",
                  "import ctypes,sys; f=ctypes.CDLL(sys.argv[1]).openblas_get_corename;"
                      + " f.restype=ctypes.c_char_p; print(f().decode())",
                  library.toString())
              .redirectErrorStream(true)
              .start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              .strip();
      return p.waitFor() == 0 && !out.isEmpty() && !out.contains(" ") ? out : "unknown";
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /** The sgemm roof's matrix order: C = A·B with A, B and C n × n. */
  public static final int ROOF_ORDER = 2048;

  /**
   * The BLAS roof of this JVM's threads: the best GFLOP/s (2n³ / time) of {@code repeats} products
   * of two n × n float matrices by {@link DenseForward#gemm}, the OpenBLAS call {@link DenseStep}
   * makes, after one untimed product.
   */
  public static double sgemmRoof(int n, int repeats) {
    atLeast("--order", n, 1);
    atLeast("--repeats", repeats, 1);
    long elements = (long) n * n;
    try (FloatPointer a = new FloatPointer(elements);
        FloatPointer b = new FloatPointer(elements);
        FloatPointer c = new FloatPointer(elements)) {
      SplittableRandom random = new SplittableRandom(1);
      for (long i = 0; i < elements; i++) {
        a.put(i, (float) random.nextGaussian());
        b.put(i, (float) random.nextGaussian());
      }
      double best = Double.POSITIVE_INFINITY;
      for (int r = -1; r < repeats; r++) {
        long start = System.nanoTime();
        DenseForward.gemm(false, false, n, n, n, a, n, b, n, c, n);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (r >= 0) {
          best = Math.min(best, seconds);
        }
      }
      return 2.0 * n * n * n / best / 1e9;
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static void atLeast(String option, int value, int min) {
    if (value < min) {
      throw UserError.badValue(option, value, "must be >= " + min);
    }
  }
}
