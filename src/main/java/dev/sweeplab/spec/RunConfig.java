package dev.sweeplab.spec;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One training run, fully resolved: every field that changes its numbers, plus the sweep it belongs
 * to. A run is a pure function of this record (docs/architecture.md). Its identity is {@link
 * #runId()}, a hash of {@link #canonicalJson()}; the sweep name is not part of it, the sweep seed
 * and repeat index are.
 */
public record RunConfig(
    String sweep,
    long sweepSeed,
    int repeat,
    String dataset,
    String task,
    int inputDim,
    int classes,
    int teacherWidth,
    int trainSize,
    int testSize,
    String dataPath,
    double labelNoise,
    String normalize,
    String subset,
    int width,
    int depth,
    String activation,
    double initScale,
    String parameterization,
    int baseWidth,
    double outputMultiplier,
    String readoutInit,
    double outputScale,
    String optimizer,
    double learningRate,
    int batchSize,
    int epochs,
    int steps,
    int evalPoints,
    String dataSeedScope)
    implements Serializable {

  /** Builds a run from column-name → value (the canonical JSON's keys). */
  public static RunConfig of(String sweep, Map<String, ?> c) {
    return new RunConfig(
        sweep,
        num(c, "sweep_seed").longValue(),
        num(c, "repeat").intValue(),
        str(c, SpecKeys.DATASET),
        str(c, SpecKeys.TASK),
        integer(c, SpecKeys.INPUT_DIM),
        integer(c, SpecKeys.CLASSES),
        integer(c, SpecKeys.TEACHER_WIDTH),
        integer(c, SpecKeys.TRAIN_SIZE),
        integer(c, SpecKeys.TEST_SIZE),
        str(c, SpecKeys.DATA_PATH),
        num(c, SpecKeys.LABEL_NOISE.column()).doubleValue(),
        str(c, SpecKeys.NORMALIZE),
        str(c, SpecKeys.SUBSET),
        integer(c, SpecKeys.WIDTH),
        integer(c, SpecKeys.DEPTH),
        str(c, SpecKeys.ACTIVATION),
        num(c, SpecKeys.INIT_SCALE.column()).doubleValue(),
        str(c, SpecKeys.PARAMETERIZATION),
        integer(c, SpecKeys.BASE_WIDTH),
        c.containsKey(SpecKeys.OUTPUT_MULTIPLIER.column())
            ? num(c, SpecKeys.OUTPUT_MULTIPLIER.column()).doubleValue()
            : (Double) SpecKeys.OUTPUT_MULTIPLIER.defaultValue(),
        c.containsKey(SpecKeys.READOUT_INIT.column())
            ? str(c, SpecKeys.READOUT_INIT)
            : (String) SpecKeys.READOUT_INIT.defaultValue(),
        c.containsKey(SpecKeys.OUTPUT_SCALE.column())
            ? num(c, SpecKeys.OUTPUT_SCALE.column()).doubleValue()
            : (Double) SpecKeys.OUTPUT_SCALE.defaultValue(),
        str(c, SpecKeys.OPTIMIZER),
        num(c, SpecKeys.LEARNING_RATE.column()).doubleValue(),
        integer(c, SpecKeys.BATCH_SIZE),
        integer(c, SpecKeys.EPOCHS),
        integer(c, SpecKeys.STEPS),
        integer(c, SpecKeys.EVAL_POINTS),
        c.containsKey(SpecKeys.DATA_SEED.column())
            ? str(c, SpecKeys.DATA_SEED)
            : (String) SpecKeys.DATA_SEED.defaultValue());
  }

  /** Re-creates a run from the JSON recorded in its row. */
  public static RunConfig fromJson(String sweep, String json) {
    return of(sweep, CanonicalJson.read(json));
  }

  /**
   * Keys added after run ids were first published: the canonical JSON leaves each out while it has
   * its default, so a configuration that existed before the key keeps its run_id.
   */
  static final List<Key> OMITTED_AT_DEFAULT =
      List.of(
          SpecKeys.OUTPUT_MULTIPLIER,
          SpecKeys.READOUT_INIT,
          SpecKeys.OUTPUT_SCALE,
          SpecKeys.DATA_SEED);

  /** Column name → value of every run key, sorted by name: the config columns of {@code runs}. */
  public Map<String, Object> columns() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("sweep_seed", sweepSeed);
    c.put("repeat", repeat);
    c.put(SpecKeys.DATASET.column(), dataset);
    c.put(SpecKeys.TASK.column(), task);
    c.put(SpecKeys.INPUT_DIM.column(), inputDim);
    c.put(SpecKeys.CLASSES.column(), classes);
    c.put(SpecKeys.TEACHER_WIDTH.column(), teacherWidth);
    c.put(SpecKeys.TRAIN_SIZE.column(), trainSize);
    c.put(SpecKeys.TEST_SIZE.column(), testSize);
    c.put(SpecKeys.DATA_PATH.column(), dataPath);
    c.put(SpecKeys.LABEL_NOISE.column(), labelNoise);
    c.put(SpecKeys.NORMALIZE.column(), normalize);
    c.put(SpecKeys.SUBSET.column(), subset);
    c.put(SpecKeys.WIDTH.column(), width);
    c.put(SpecKeys.DEPTH.column(), depth);
    c.put(SpecKeys.ACTIVATION.column(), activation);
    c.put(SpecKeys.INIT_SCALE.column(), initScale);
    c.put(SpecKeys.PARAMETERIZATION.column(), parameterization);
    c.put(SpecKeys.BASE_WIDTH.column(), baseWidth);
    c.put(SpecKeys.OUTPUT_MULTIPLIER.column(), outputMultiplier);
    c.put(SpecKeys.READOUT_INIT.column(), readoutInit);
    c.put(SpecKeys.OUTPUT_SCALE.column(), outputScale);
    c.put(SpecKeys.OPTIMIZER.column(), optimizer);
    c.put(SpecKeys.LEARNING_RATE.column(), learningRate);
    c.put(SpecKeys.BATCH_SIZE.column(), batchSize);
    c.put(SpecKeys.EPOCHS.column(), epochs);
    c.put(SpecKeys.STEPS.column(), steps);
    c.put(SpecKeys.EVAL_POINTS.column(), evalPoints);
    c.put(SpecKeys.DATA_SEED.column(), dataSeedScope);
    return new TreeMap<>(c);
  }

  /**
   * Column name → value of what identifies the run: {@link #columns()} without the keys of {@link
   * #OMITTED_AT_DEFAULT} that have their default.
   */
  public Map<String, Object> identity() {
    Map<String, Object> c = columns();
    for (Key key : OMITTED_AT_DEFAULT) {
      if (key.defaultValue().equals(c.get(key.column()))) {
        c.remove(key.column());
      }
    }
    return c;
  }

  /** Sorted-key JSON of {@link #identity()}. */
  public String canonicalJson() {
    return CanonicalJson.write(identity());
  }

  /** Stable identity: 16 hex digits of SHA-256 of the canonical JSON. */
  public String runId() {
    return CanonicalJson.sha256(canonicalJson(), 16);
  }

  /** The run's own seed, derived from (sweep seed, run_id): init and batch order. */
  public long seed() {
    return CanonicalJson.seedOf("run:" + sweepSeed + ":" + runId());
  }

  /**
   * The seed of the training sample, recorded as {@code runs.data_seed}: {@link #taskSeed()} under
   * {@code dataset.data_seed: shared}, so every run of a sweep that asks for the same data trains
   * on the same samples (and an executor builds them once); under {@code per_repeat} derived from
   * it and the repeat index, so each repeat trains on its own sample of the same task.
   */
  public long dataSeed() {
    if (dataSeedScope.equals("per_repeat")) {
      return CanonicalJson.seedOf("data:" + taskSeed() + ":repeat:" + repeat);
    }
    return taskSeed();
  }

  /**
   * The seed of what a data set holds fixed whatever the sample: the teacher network and the test
   * set. Derived from the sweep seed and the data fields only.
   */
  public long taskSeed() {
    return CanonicalJson.seedOf(
        "data:"
            + sweepSeed
            + ":"
            + dataset
            + ":"
            + task
            + ":"
            + inputDim
            + ":"
            + classes
            + ":"
            + teacherWidth);
  }

  /** Training steps this run takes. */
  public long totalSteps() {
    if (steps > 0) {
      return steps;
    }
    long perEpoch = ((long) trainSize + batchSize - 1) / batchSize; // long: no int overflow
    return perEpoch * epochs;
  }

  /** Trainable parameters of the MLP input → width^depth → classes, weights and biases. */
  public long params() {
    long p = (long) inputDim * width + width;
    p += (long) (depth - 1) * ((long) width * width + width);
    p += (long) width * classes + classes;
    return p;
  }

  /** Samples per split evaluated at each learning-curve point; the final evaluation uses all. */
  public static final int CURVE_SAMPLES = 2048;

  /**
   * Fixed cost of one optimizer step, in FLOP-equivalents, whatever the depth: DL4J's updater, the
   * minibatch copy and the Java loops of {@code model.DenseStep} take about 0.2 ms per step beyond
   * the matrix products, which is what ~6·10^6 FLOP take at the ~29 GFLOP/s a core reaches on wide
   * layers with every core training. Fitted with {@link #RUN_OVERHEAD} to measured run times (the
   * fit and its error are in docs/benchmarks.md).
   */
  static final double STEP_OVERHEAD = 6.5e6;

  /**
   * Fixed cost of a run, in FLOP-equivalents: taking its data set from the cache, building and
   * initialising the network, setting up evaluation and freeing the run's memory, about 20 ms (see
   * {@link #STEP_OVERHEAD}). It is what makes a sweep of many tiny runs cost more than its steps.
   */
  static final double RUN_OVERHEAD = 6e8;

  /**
   * Cost of the end-of-run spectral norms per parameter, in FLOP-equivalents: two per weight matrix
   * (W₀ and W − W₀), each up to 200 power-iteration products of 4 flops per element, in Java loops
   * that run about 15 times slower than the BLAS step (about 2 s for one 2048 × 2048 matrix).
   */
  static final double SPECTRAL_NORMS = 2 * 200 * 4 * 15;

  /**
   * Cost estimate for scheduling and progress, in FLOP-equivalents: per step 6 × params × batch
   * (forward and backward) plus {@link #STEP_OVERHEAD}; per learning-curve point a forward pass (2
   * × params per sample) over up to {@link #CURVE_SAMPLES} of each split; the final evaluation over
   * both splits in full; the spectral norms ({@link #SPECTRAL_NORMS}); plus {@link #RUN_OVERHEAD}.
   * With {@code output_scale} other than 1 every forward pass is made twice (the initial network's
   * beside the trained one's).
   */
  public double cost() {
    double p = params();
    // model.output_scale other than 1 runs the initial network's forward pass beside each one.
    double forward = outputScale == 1 ? 2 : 4;
    double step = (4 + forward) * p * Math.min(batchSize, trainSize) + STEP_OVERHEAD;
    double curve =
        forward * p * (Math.min(CURVE_SAMPLES, trainSize) + Math.min(CURVE_SAMPLES, testSize));
    double last = forward * p * ((double) trainSize + testSize);
    return totalSteps() * step + evalPoints * curve + last + SPECTRAL_NORMS * p + RUN_OVERHEAD;
  }

  private static Number num(Map<String, ?> c, String column) {
    Object v = c.get(column);
    if (!(v instanceof Number n)) {
      throw UserError.wrongType("run config '" + column + "'", v, "a number");
    }
    return n;
  }

  private static int integer(Map<String, ?> c, Key key) {
    return num(c, key.column()).intValue();
  }

  private static String str(Map<String, ?> c, Key key) {
    Object v = c.get(key.column());
    if (!(v instanceof String s)) {
      throw UserError.wrongType("run config '" + key.column() + "'", v, "text");
    }
    return s;
  }
}
