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
 *
 * <p>{@code valSize} is the number of validation samples the run uses, resolved; {@code
 * valSizeAuto} says the spec left {@code dataset.val_size} at {@code auto}. An auto run keeps
 * {@code val_size} out of its identity (so its run_id is what it was before the key existed) and
 * its resolved count is recorded in the {@code runs} column {@code val_size}; an explicit value is
 * part of the identity. Resolution of auto is sweep-wide ({@link #autoValSize}, from the sweep's
 * largest {@code train_size}); {@link #fromJson} of an auto run, whose JSON does not name the
 * count, resolves it from the run's own {@code train_size}, which is the sweep's count when the run
 * has the sweep's largest training set or when 512 is the larger term; {@link #withValSize} sets
 * the count recorded in a row.
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
    int valSize,
    boolean valSizeAuto)
    implements Serializable {

  /** The spec value of {@code dataset.val_size} that resolves to a count per sweep. */
  public static final String VAL_AUTO = "auto";

  /** The fewest validation samples {@code auto} gives (when the data holds them). */
  public static final int VAL_AUTO_MIN = 512;

  public RunConfig {
    if (valSize < 0) {
      throw UserError.badValue(SpecKeys.VAL_SIZE.path(), valSize, "must be >= 0");
    }
  }

  /** A run with {@code dataset.val_size} at auto, resolved from its own {@code train_size}. */
  public RunConfig(
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
      int evalPoints) {
    this(
        sweep,
        sweepSeed,
        repeat,
        dataset,
        task,
        inputDim,
        classes,
        teacherWidth,
        trainSize,
        testSize,
        dataPath,
        labelNoise,
        normalize,
        subset,
        width,
        depth,
        activation,
        initScale,
        parameterization,
        baseWidth,
        outputMultiplier,
        readoutInit,
        outputScale,
        optimizer,
        learningRate,
        batchSize,
        epochs,
        steps,
        evalPoints,
        autoValSize(dataset, trainSize),
        true);
  }

  /**
   * What {@code dataset.val_size: auto} resolves to for a sweep whose largest {@code train_size} is
   * {@code largestTrainSize}: 10 % of it, at least {@link #VAL_AUTO_MIN}; for a file-backed set, at
   * most what its training file holds beyond the largest subset (possibly 0).
   */
  public static int autoValSize(String dataset, int largestTrainSize) {
    long n = Math.max(VAL_AUTO_MIN, ((long) largestTrainSize + 9) / 10);
    DataShapes shape = DataShapes.of(dataset);
    if (shape != null) {
      n = Math.min(n, Math.max(0, shape.trainMax() - largestTrainSize));
    }
    return (int) Math.min(n, Integer.MAX_VALUE);
  }

  /** This run with {@code count} validation samples, its identity unchanged (an auto run). */
  public RunConfig withValSize(int count) {
    if (!valSizeAuto) {
      throw new IllegalStateException(
          "val_size " + valSize + " is part of run " + runId() + "'s identity");
    }
    return new RunConfig(
        sweep,
        sweepSeed,
        repeat,
        dataset,
        task,
        inputDim,
        classes,
        teacherWidth,
        trainSize,
        testSize,
        dataPath,
        labelNoise,
        normalize,
        subset,
        width,
        depth,
        activation,
        initScale,
        parameterization,
        baseWidth,
        outputMultiplier,
        readoutInit,
        outputScale,
        optimizer,
        learningRate,
        batchSize,
        epochs,
        steps,
        evalPoints,
        count,
        true);
  }

  /**
   * Builds a run from column-name → value (the canonical JSON's keys). {@code val_size} absent or
   * {@code auto}: auto, resolved from the run's own {@code train_size} ({@link #autoValSize}).
   */
  public static RunConfig of(String sweep, Map<String, ?> c) {
    return of(sweep, c, -1);
  }

  /**
   * {@link #of(String, Map)}, an auto {@code val_size} resolving to {@code autoValSize} (the
   * sweep's count) when that is {@code >= 0}.
   */
  static RunConfig of(String sweep, Map<String, ?> c, int autoValSize) {
    Object val = c.get(SpecKeys.VAL_SIZE.column());
    boolean auto = val == null || VAL_AUTO.equals(val);
    int trainSize = integer(c, SpecKeys.TRAIN_SIZE);
    int valSize;
    if (auto) {
      valSize = autoValSize >= 0 ? autoValSize : autoValSize(str(c, SpecKeys.DATASET), trainSize);
    } else if (val instanceof Number n) {
      valSize = n.intValue();
    } else if (val instanceof String s && s.matches("[0-9]{1,9}")) {
      valSize = Integer.parseInt(s);
    } else {
      throw UserError.wrongType(
          "run config '" + SpecKeys.VAL_SIZE.column() + "'", val, "'auto' or an integer >= 0");
    }
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
        valSize,
        auto);
  }

  /** Re-creates a run from the JSON recorded in its row. */
  public static RunConfig fromJson(String sweep, String json) {
    return of(sweep, CanonicalJson.read(json));
  }

  /**
   * Keys added after run ids were first published: the canonical JSON leaves each out while it has
   * its default, so a configuration that existed before the key keeps its run_id. {@code
   * dataset.val_size}, added since too, is left out while it is auto ({@link #identity()}): its
   * default is a rule, not a value a column could equal.
   */
  static final List<Key> OMITTED_AT_DEFAULT =
      List.of(SpecKeys.OUTPUT_MULTIPLIER, SpecKeys.READOUT_INIT, SpecKeys.OUTPUT_SCALE);

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
    c.put(SpecKeys.VAL_SIZE.column(), valSize);
    return new TreeMap<>(c);
  }

  /**
   * Column name → value of what identifies the run: {@link #columns()} without the keys of {@link
   * #OMITTED_AT_DEFAULT} that have their default, and without {@code val_size} when it is auto.
   */
  public Map<String, Object> identity() {
    Map<String, Object> c = columns();
    if (valSizeAuto) {
      c.remove(SpecKeys.VAL_SIZE.column());
    }
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
   * The data set's seed, derived from the sweep seed and the data fields only, so every run of a
   * sweep that asks for the same data trains on the same samples (and an executor builds them
   * once).
   */
  public long dataSeed() {
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
   * (forward and backward) plus {@link #STEP_OVERHEAD}; per learning-curve point (up to {@code
   * eval_points} of them) a forward pass (2 × params per sample) over the whole training,
   * validation and test splits; the spectral norms ({@link #SPECTRAL_NORMS}); plus {@link
   * #RUN_OVERHEAD}. With {@code output_scale} other than 1 every forward pass is made twice (the
   * initial network's beside the trained one's).
   */
  public double cost() {
    double p = params();
    // model.output_scale other than 1 runs the initial network's forward pass beside each one.
    double forward = outputScale == 1 ? 2 : 4;
    double step = (4 + forward) * p * Math.min(batchSize, trainSize) + STEP_OVERHEAD;
    double curve = forward * p * ((double) trainSize + valSize + testSize);
    return totalSteps() * step + evalPoints * curve + SPECTRAL_NORMS * p + RUN_OVERHEAD;
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
