package dev.sweeplab.spec;

import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One training run, fully resolved: every field that changes its numbers, plus the sweep it belongs
 * to. The record's components are the one list of a run's fields: each but {@code sweep} is a key
 * of {@link SpecKeys#RUN} (or the sweep seed or repeat index) whose column is the component's name
 * in snake case, and {@link #of}, {@link #columns()} and the canonical JSON derive from them
 * (RunConfigTest checks the registry, the record and docs/tables.md against each other). A run is a
 * pure function of this record (docs/architecture.md). Its identity is {@link #runId()}, a hash of
 * {@link #canonicalJson()}; the sweep name is not part of it, the sweep seed and repeat index are.
 *
 * <p>{@code valSize} is the number of validation samples the run uses, resolved; {@code
 * valSizeAuto} (not a column) says the spec left {@code dataset.val_size} at {@code auto}. An auto
 * run keeps {@code val_size} out of its identity (so its run_id is what it was before the key
 * existed) and its resolved count is recorded in the {@code runs} column {@code val_size}; an
 * explicit value is part of the identity. Resolution of auto is sweep-wide ({@link #autoValSize},
 * from the sweep's largest {@code train_size}); {@link #fromJson} of an auto run, whose JSON does
 * not name the count, resolves it from the run's own {@code train_size}, which is the sweep's count
 * when the run has the sweep's largest training set (or, for teacher–student, when 512 is the
 * larger term; a file set's cap can make them differ); {@link #withValSize} sets the count recorded
 * in a row.
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
    String loss,
    String schedule,
    int warmupSteps,
    double weightDecay,
    double momentum,
    int valSize,
    boolean valSizeAuto,
    String dataSeedScope,
    double inputSpectrum,
    String train)
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
    Object[] args = components();
    args[VAL_SIZE_INDEX] = count;
    return construct(args);
  }

  /**
   * Builds a run from column-name → value (the canonical JSON's keys). Each record component reads
   * the column of its name in snake case ({@code learningRate} ← {@code learning_rate}); a key of
   * {@link #OMITTED_AT_DEFAULT} that is absent takes its default ({@code dataset.loss}'s is the
   * task's, {@link #defaultLoss}), as in a configuration recorded before the key existed.
   */
  public static RunConfig of(String sweep, Map<String, ?> c) {
    return of(sweep, c, -1);
  }

  /**
   * {@link #of(String, Map)}, an auto {@code val_size} (absent or {@code auto}) resolving to {@code
   * autoValSize} (the sweep's count) when that is {@code >= 0}, else to {@link #autoValSize} of the
   * run's own {@code train_size}.
   */
  static RunConfig of(String sweep, Map<String, ?> c, int autoValSize) {
    Object[] args = new Object[COMPONENTS.length];
    Object val = c.get(SpecKeys.VAL_SIZE.column());
    boolean auto = val == null || VAL_AUTO.equals(val);
    if (auto) {
      args[VAL_SIZE_INDEX] =
          autoValSize >= 0
              ? autoValSize
              : autoValSize(
                  (String) convert(DATASET, c.get(DATASET), String.class),
                  (Integer) convert(TRAIN_SIZE, c.get(TRAIN_SIZE), int.class));
    } else if (val instanceof Number n) {
      args[VAL_SIZE_INDEX] = n.intValue();
    } else if (val instanceof String s && s.matches("[0-9]{1,9}")) {
      args[VAL_SIZE_INDEX] = Integer.parseInt(s);
    } else {
      throw UserError.wrongType(
          "run config '" + SpecKeys.VAL_SIZE.column() + "'", val, "'auto' or an integer >= 0");
    }
    args[VAL_SIZE_AUTO_INDEX] = auto;
    for (int i = 0; i < COMPONENTS.length; i++) {
      RecordComponent component = COMPONENTS[i];
      if (component.getName().equals("sweep")) {
        args[i] = sweep;
        continue;
      }
      if (i == VAL_SIZE_INDEX || i == VAL_SIZE_AUTO_INDEX) {
        continue;
      }
      String column = COLUMNS[i];
      Object v = c.get(column);
      Key key = KEY_OF_COLUMN.get(column);
      boolean omissible = key != null && OMITTED_AT_DEFAULT.contains(key);
      if (v == null && omissible) {
        v = key == SpecKeys.LOSS ? defaultLoss((String) c.get(TASK)) : key.defaultValue();
      }
      args[i] = convert(column, v, component.getType());
      if (omissible && args[i] instanceof Double d) {
        args[i] = d + 0.0; // -0.0 becomes 0.0, which the canonical JSON leaves out as the default
      }
    }
    return construct(args);
  }

  private static RunConfig construct(Object[] args) {
    try {
      return CONSTRUCTOR.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final RecordComponent[] COMPONENTS = RunConfig.class.getRecordComponents();

  private static final String TASK = SpecKeys.TASK.column();

  private static final String DATASET = SpecKeys.DATASET.column();

  private static final String TRAIN_SIZE = SpecKeys.TRAIN_SIZE.column();

  private static final int VAL_SIZE_INDEX = indexOf("valSize");

  private static final int VAL_SIZE_AUTO_INDEX = indexOf("valSizeAuto");

  /**
   * Each component's column: its name in snake case ({@code null} for the sweep name and for {@code
   * valSizeAuto}, which is part of the identity's rule, not a column).
   */
  private static final String[] COLUMNS =
      Arrays.stream(COMPONENTS)
          .map(
              c ->
                  c.getName().equals("sweep") || c.getName().equals("valSizeAuto")
                      ? null
                      : snakeCase(c.getName()))
          .toArray(String[]::new);

  private static int indexOf(String component) {
    for (int i = 0; i < COMPONENTS.length; i++) {
      if (COMPONENTS[i].getName().equals(component)) {
        return i;
      }
    }
    throw new IllegalStateException("no component " + component);
  }

  /** This run's component values, in record order. */
  private Object[] components() {
    Object[] args = new Object[COMPONENTS.length];
    for (int i = 0; i < COMPONENTS.length; i++) {
      try {
        args[i] = COMPONENTS[i].getAccessor().invoke(this);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return args;
  }

  private static final Map<String, Key> KEY_OF_COLUMN =
      SpecKeys.RUN.stream().collect(Collectors.toMap(Key::column, k -> k));

  private static final Constructor<RunConfig> CONSTRUCTOR = canonicalConstructor();

  private static Constructor<RunConfig> canonicalConstructor() {
    try {
      return RunConfig.class.getDeclaredConstructor(
          Arrays.stream(COMPONENTS).map(RecordComponent::getType).toArray(Class<?>[]::new));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  static String snakeCase(String camel) {
    StringBuilder b = new StringBuilder();
    for (char ch : camel.toCharArray()) {
      if (Character.isUpperCase(ch)) {
        b.append('_').append(Character.toLowerCase(ch));
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }

  private static Object convert(String column, Object v, Class<?> type) {
    if (type == String.class) {
      if (!(v instanceof String)) {
        throw UserError.wrongType("run config '" + column + "'", v, "text");
      }
      return v;
    }
    if (!(v instanceof Number n)) {
      throw UserError.wrongType("run config '" + column + "'", v, "a number");
    }
    if (type == long.class) {
      return n.longValue();
    }
    if (type == int.class) {
      return n.intValue();
    }
    if (type == double.class) {
      return n.doubleValue();
    }
    throw new IllegalStateException("run config field '" + column + "' of type " + type);
  }

  /**
   * The loss a task trains on when {@code dataset.loss} is not given: cross-entropy for
   * classification, squared error for regression.
   */
  public static String defaultLoss(String task) {
    return "regression".equals(task) ? "mse" : (String) SpecKeys.LOSS.defaultValue();
  }

  /** Whether the network ends in a softmax trained on cross-entropy (else identity and MSE). */
  public boolean crossEntropy() {
    return "cross_entropy".equals(loss);
  }

  /**
   * Whether only the output layer trains ({@code model.train: readout}): every other layer keeps
   * its initial parameters, a random-features model.
   */
  public boolean readoutOnly() {
    return "readout".equals(train);
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
      List.of(
          SpecKeys.OUTPUT_MULTIPLIER,
          SpecKeys.READOUT_INIT,
          SpecKeys.OUTPUT_SCALE,
          SpecKeys.LOSS,
          SpecKeys.SCHEDULE,
          SpecKeys.WARMUP_STEPS,
          SpecKeys.WEIGHT_DECAY,
          SpecKeys.MOMENTUM,
          SpecKeys.DATA_SEED,
          SpecKeys.INPUT_SPECTRUM,
          SpecKeys.TRAIN);

  /**
   * Column name → value of every record component but the sweep name (every run key, the sweep seed
   * and the repeat index), sorted by name: the config columns of {@code runs}.
   */
  public Map<String, Object> columns() {
    Map<String, Object> c = new TreeMap<>();
    Object[] values = components();
    for (int i = 0; i < COMPONENTS.length; i++) {
      if (COLUMNS[i] != null) {
        c.put(COLUMNS[i], values[i]);
      }
    }
    return c;
  }

  /**
   * Column name → value of what identifies the run: {@link #columns()} without the keys of {@link
   * #OMITTED_AT_DEFAULT} that have their default ({@code dataset.loss}'s is the task's, {@link
   * #defaultLoss}), and without {@code val_size} when it is auto.
   */
  public Map<String, Object> identity() {
    Map<String, Object> c = columns();
    if (valSizeAuto) {
      c.remove(SpecKeys.VAL_SIZE.column());
    }
    for (Key key : OMITTED_AT_DEFAULT) {
      Object byDefault = key == SpecKeys.LOSS ? defaultLoss(task) : key.defaultValue();
      if (byDefault.equals(c.get(key.column()))) {
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

  /**
   * Keys that change what is measured about a run and never how it trains: which samples are
   * evaluated and when. They are part of {@link #identity()}, since a row's numbers depend on them,
   * but not of {@link #trainingId()}, so the same training configuration trains the same network
   * whatever is measured about it.
   */
  public static final List<Key> EVALUATION_ONLY =
      List.of(SpecKeys.TEST_SIZE, SpecKeys.EVAL_POINTS, SpecKeys.VAL_SIZE);

  /**
   * The identity of the training alone: 16 hex digits of SHA-256 of the canonical JSON of {@link
   * #identity()} without the {@link #EVALUATION_ONLY} keys. Runs that differ only in those keys
   * share it.
   */
  public String trainingId() {
    Map<String, Object> c = identity();
    for (Key key : EVALUATION_ONLY) {
      c.remove(key.column());
    }
    return CanonicalJson.sha256(CanonicalJson.write(c), 16);
  }

  /**
   * The run's own seed (initialisation and minibatch order), derived from the sweep seed and {@link
   * #trainingId()}: evaluation-only keys do not change it.
   */
  public long seed() {
    return CanonicalJson.seedOf("train:" + sweepSeed + ":" + trainingId());
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
   * set. Derived from the sweep seed and the data fields only; not from {@code input_spectrum}, so
   * runs that differ only in the input spectrum share the teacher and the standard-normal draws
   * that the spectrum scales.
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
}
