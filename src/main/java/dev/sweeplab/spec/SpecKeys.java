package dev.sweeplab.spec;

import static dev.sweeplab.spec.Key.Rule.atLeast;
import static dev.sweeplab.spec.Key.Rule.nonNegative;
import static dev.sweeplab.spec.Key.Rule.oneOf;
import static dev.sweeplab.spec.Key.Rule.positive;

import dev.sweeplab.spec.Key.Rule;
import dev.sweeplab.spec.Key.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one registry of sweep spec keys. Order matters: it is the order of axes in the cartesian
 * expansion, so run order is deterministic.
 */
public final class SpecKeys {
  private SpecKeys() {}

  public static final Key NAME =
      new Key(
          "name",
          "sweep",
          Type.STRING,
          null,
          false,
          Rule.matches(
              "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}",
              "1-64 letters, digits, '_', '-' or '.', starting with a letter or digit"),
          "sweep name; the tables' partition");
  public static final Key DESCRIPTION =
      new Key("description", "description", Type.STRING, "", false, Rule.any(), "free text");
  public static final Key SEED =
      new Key(
          "seed", "sweep_seed", Type.LONG, 0L, false, Rule.any(), "sweep seed; runs derive theirs");
  public static final Key REPEATS =
      new Key("repeats", "repeats", Type.INT, 1, false, atLeast(1), "seeds per configuration");

  public static final Key DATASET =
      new Key(
          "dataset.name",
          "dataset",
          Type.STRING,
          "teacher_student",
          false,
          oneOf(DataShapes.NAMES),
          "teacher_student: x ~ N(0, I_d) (or a power-law covariance, dataset.input_spectrum),"
              + " labels from a random tanh teacher MLP d -> teacher_width"
              + " -> classes; fashion_mnist, mnist (IDX files, raw or .gz); cifar10 (binary"
              + " batches)");
  public static final Key TASK =
      new Key(
          "dataset.task",
          "task",
          Type.STRING,
          "classification",
          false,
          oneOf("classification", "regression"),
          "classification (cross-entropy, argmax teacher) or regression (MSE)");
  public static final Key INPUT_DIM =
      new Key(
          "dataset.input_dim", "input_dim", Type.INT, 32, true, atLeast(1), "input dimension d");
  public static final Key CLASSES =
      new Key(
          "dataset.classes",
          "classes",
          Type.INT,
          10,
          false,
          atLeast(1),
          "classes K (classification, >= 2) or outputs (regression)");
  public static final Key TEACHER_WIDTH =
      new Key(
          "dataset.teacher_width",
          "teacher_width",
          Type.INT,
          64,
          false,
          atLeast(1),
          "hidden units of the random teacher network");
  public static final Key TRAIN_SIZE =
      new Key(
          "dataset.train_size", "train_size", Type.INT, 1000, true, atLeast(1), "training samples");
  public static final Key TEST_SIZE =
      new Key("dataset.test_size", "test_size", Type.INT, 1000, false, atLeast(1), "test samples");

  public static final Key DATA_PATH =
      new Key(
          "dataset.path",
          "data_path",
          Type.STRING,
          "",
          false,
          Rule.any(),
          "directory or Hadoop URI of the data files; required for mnist and cifar10; empty for"
              + " fashion_mnist: /usr/share/datasets/fashion-mnist (Debian's"
              + " dataset-fashion-mnist)");
  public static final Key LABEL_NOISE =
      new Key(
          "dataset.label_noise",
          "label_noise",
          Type.DOUBLE,
          0.0,
          true,
          new Rule(v -> ((Double) v) >= 0 && ((Double) v) < 1, "must be a fraction in [0, 1)"),
          "fraction p of training labels replaced by a different random class (Nakkiran et al."
              + " 2019); test labels stay clean");
  public static final Key NORMALIZE =
      new Key(
          "dataset.normalize",
          "normalize",
          Type.STRING,
          "standardize",
          false,
          oneOf("standardize", "unit", "none"),
          "image inputs: standardize (training-set mean and std), unit (x / 255) or none");
  public static final Key SUBSET =
      new Key(
          "dataset.subset",
          "subset",
          Type.STRING,
          "prefix",
          false,
          oneOf("prefix", "balanced"),
          "how train_size samples are drawn: a seeded prefix, or class-balanced; smaller is a"
              + " prefix of larger either way");

  public static final Key VAL_SIZE =
      new Key(
          "dataset.val_size",
          "val_size",
          Type.STRING,
          "auto",
          false,
          Rule.matches("auto|[0-9]{1,9}", "'auto' or an integer >= 0 (at most 9 digits)"),
          "validation samples, drawn from the training distribution apart from every training"
              + " subset of the sweep and never label-noised; auto: 10% of the sweep's largest"
              + " train_size, at least 512 (file sets: at most what the training file holds"
              + " beyond it); 0: none");
  public static final Key DATA_SEED =
      new Key(
          "dataset.data_seed",
          "data_seed_scope",
          Type.STRING,
          "shared",
          false,
          oneOf("shared", "per_repeat"),
          "shared: every repeat of a configuration trains on the same sample; per_repeat: each"
              + " repeat draws its own training sample (teacher_student: new training points from"
              + " the same teacher; image sets: another seeded subset of the training file), the"
              + " test set and the teacher staying the same");

  public static final Key INPUT_SPECTRUM =
      new Key(
          "dataset.input_spectrum",
          "input_spectrum",
          Type.DOUBLE,
          0.0,
          true,
          nonNegative(),
          "teacher_student only: s, the power-law input covariance x_i = sqrt(lambda_i) z_i, z ~"
              + " N(0, I_d), lambda_i = i^-s / mean_j(j^-s) (Bahri et al. 2021; Maloney et al."
              + " 2022); 0: isotropic inputs");

  public static final Key WIDTH =
      new Key("model.width", "width", Type.INT, 64, true, atLeast(1), "hidden units per layer");
  public static final Key DEPTH =
      new Key("model.depth", "depth", Type.INT, 2, true, atLeast(1), "hidden layers");
  public static final Key ACTIVATION =
      new Key(
          "model.activation",
          "activation",
          Type.STRING,
          "relu",
          true,
          oneOf("relu", "tanh", "linear"),
          "hidden activation");
  public static final Key INIT_SCALE =
      new Key(
          "model.init_scale",
          "init_scale",
          Type.DOUBLE,
          1.0,
          true,
          positive(),
          "multiplies every layer's init standard deviation: sigma = init_scale * gain /"
              + " sqrt(fan_in), before the parameterization's width factor");

  public static final Key PARAMETERIZATION =
      new Key(
          "model.parameterization",
          "parameterization",
          Type.STRING,
          "standard",
          true,
          oneOf("standard", "ntk", "mean_field", "mup"),
          "per-layer multipliers, init and learning rates in r = width / base_width (Jacot et"
              + " al.; Tensor Programs V Table 3; Chizat & Bach; table in docs/science.md); ntk"
              + " needs sgd, mean_field depth 1");

  public static final Key BASE_WIDTH =
      new Key(
          "model.base_width",
          "base_width",
          Type.INT,
          64,
          false,
          atLeast(1),
          "width at which every parameterization equals standard (muP's base shape)");

  public static final Key OUTPUT_MULTIPLIER =
      new Key(
          "model.output_multiplier",
          "output_multiplier",
          Type.DOUBLE,
          1.0,
          true,
          positive(),
          "alpha_out: multiplies the output layer's product W*h (not its bias), on top of the"
              + " parameterization's multiplier (microsoft/mup's output_mult)");
  public static final Key READOUT_INIT =
      new Key(
          "model.readout_init",
          "readout_init",
          Type.STRING,
          "default",
          true,
          oneOf("default", "zero"),
          "output layer's initial weights: default (the parameterization's sigma) or zero (the"
              + " mup package's readout_zero_init)");

  public static final Key TRAIN =
      new Key(
          "model.train",
          "train",
          Type.STRING,
          "all",
          true,
          oneOf("all", "readout"),
          "which layers train: all, or readout (every layer but the output layer keeps its initial"
              + " weights and biases: a random-features model, Rahimi & Recht 2007; Belkin et al."
              + " 2019 Fig. 2); weight decay applies to trained layers only; not data-parallel");

  public static final Key OUTPUT_SCALE =
      new Key(
          "model.output_scale",
          "output_scale",
          Type.DOUBLE,
          1.0,
          true,
          positive(),
          "Chizat & Bach's lazy-training alpha: the model h(theta_0) + alpha * (h(theta) -"
              + " h(theta_0)) trained on loss / alpha^2; large alpha is lazy at any width; 1: the"
              + " plain network");

  public static final Key OPTIMIZER =
      new Key(
          "training.optimizer",
          "optimizer",
          Type.STRING,
          "adam",
          true,
          oneOf("sgd", "adam"),
          "minibatch SGD or Adam");
  public static final Key LEARNING_RATE =
      new Key(
          "training.learning_rate",
          "learning_rate",
          Type.DOUBLE,
          1e-3,
          true,
          positive(),
          "learning rate");
  public static final Key BATCH_SIZE =
      new Key(
          "training.batch_size", "batch_size", Type.INT, 128, true, atLeast(1), "minibatch size");
  public static final Key EPOCHS =
      new Key("training.epochs", "epochs", Type.INT, 10, true, atLeast(1), "passes over the data");
  public static final Key STEPS =
      new Key(
          "training.steps",
          "steps",
          Type.INT,
          0,
          true,
          atLeast(0),
          "optimizer steps; when > 0 it replaces epochs");
  public static final Key EVAL_POINTS =
      new Key(
          "training.eval_points",
          "eval_points",
          Type.INT,
          20,
          false,
          atLeast(2),
          "evaluations along the learning curve, log-spaced in steps");

  public static final Key LOSS =
      new Key(
          "dataset.loss",
          "loss",
          Type.STRING,
          "cross_entropy",
          true,
          oneOf("cross_entropy", "mse"),
          "classification: cross_entropy (softmax) or mse, the squared error of the raw outputs"
              + " against one-hot targets averaged over the K outputs (Belkin et al. 2019); test"
              + " error is the argmax either way; regression: mse (its default and only loss)");
  public static final Key SCHEDULE =
      new Key(
          "training.schedule",
          "schedule",
          Type.STRING,
          "constant",
          true,
          oneOf("constant", "cosine", "linear"),
          "learning-rate factor over the run's steps after warmup: constant, cosine (down to 0.1 of"
              + " the peak at the last step, Hoffmann et al. 2022) or linear (down to 0 at the last"
              + " step); multiplies every layer's rate (formula in docs/science.md)");
  public static final Key WARMUP_STEPS =
      new Key(
          "training.warmup_steps",
          "warmup_steps",
          Type.INT,
          0,
          true,
          atLeast(0),
          "linear warmup (Goyal et al. 2017): step t < warmup_steps (from 0) runs at (t + 1) /"
              + " warmup_steps of the peak rate; at most the run's steps");
  public static final Key WEIGHT_DECAY =
      new Key(
          "training.weight_decay",
          "weight_decay",
          Type.DOUBLE,
          0.0,
          true,
          nonNegative(),
          "lambda on the weight matrices (not the biases): adam decoupled (AdamW: W -= eta_t *"
              + " lambda * W), sgd L2 (gradient + lambda / m * W, m the layer's rate multiplier):"
              + " the decay per step is eta_t * lambda * W in every layer whatever the"
              + " parameterization's rates, as microsoft/mup's MuAdamW and MuSGD scale it");
  public static final Key MOMENTUM =
      new Key(
          "training.momentum",
          "momentum",
          Type.DOUBLE,
          0.0,
          true,
          new Rule(v -> ((Double) v) >= 0 && ((Double) v) < 1, "must be a number in [0, 1)"),
          "sgd heavy-ball momentum mu (PyTorch's: v = mu * v + g, W -= eta_t * v); 0 with adam");

  public static final Key CONFIGS =
      new Key(
          "configs",
          "configs",
          Type.STRING,
          "",
          false,
          Rule.any(),
          "a JSON Lines file (path relative to the spec): one object of run keys per line, each a"
              + " configuration over the spec's values, crossed with its axes (bin/sweeplab run"
              + " --configs FILE gives or replaces it)");

  public static final Key SEARCH_METHOD =
      new Key(
          "search.method",
          "search_method",
          Type.STRING,
          "grid",
          false,
          oneOf("grid", "random"),
          "grid: the cartesian product of the axes; random: the grid's product times"
              + " search.samples draws, each drawing every key given as a distribution");
  public static final Key SEARCH_SAMPLES =
      new Key(
          "search.samples",
          "search_samples",
          Type.INT,
          1,
          false,
          atLeast(1),
          "draws of a random search; samples that draw the same values are one configuration");
  public static final Key SEARCH_SEED =
      new Key(
          "search.seed",
          "search_seed",
          Type.STRING,
          "seed",
          false,
          Rule.matches("seed|-?[0-9]{1,18}", "'seed' or an integer of at most 18 digits"),
          "seed of a random search's draws: seed (the sweep seed) or an integer, to keep the"
              + " draws under another sweep seed or draw others under the same one");

  public static final Key MAX_RUNS =
      new Key(
          "limits.max_runs",
          "max_runs",
          Type.INT,
          10_000,
          false,
          atLeast(1),
          "refuse a grid larger than this");
  public static final Key RUN_TIMEOUT =
      new Key(
          "limits.run_timeout",
          "run_timeout",
          Type.STRING,
          "none",
          false,
          Rule.matches(
              "none|[0-9]+(\\.[0-9]+)?[smh]?",
              "'none' or a duration: seconds (90 or 90s), minutes (30m) or hours (2h)"),
          "stop a run that trains longer than this and record it as 'timeout'; the sweep goes on");
  public static final Key DISTRIBUTED_ABOVE =
      new Key(
          "limits.distributed_above",
          "distributed_above",
          Type.STRING,
          "none",
          false,
          Rule.matches(
              "none|[0-9]+(\\.[0-9]*)?([eE][+-]?[0-9]+)?",
              "'none' or a cost in FLOP-equivalents (a number >= 0, e.g. 2e12 or 2.5E11)"),
          "train a run whose estimated cost exceeds this data-parallel across the executors"
              + " (DL4J parameter averaging) instead of in one task");
  public static final Key DISTRIBUTED_WORKERS =
      new Key(
          "limits.distributed_workers",
          "distributed_workers",
          Type.INT,
          0,
          false,
          atLeast(0),
          "workers of a distributed run (parameter averaging); 0: Spark's default parallelism");

  public static final Key DOUBLE_DESCENT_X =
      new Key(
          "analysis.double_descent",
          "double_descent",
          Type.STRING,
          "",
          false,
          oneOf("", "width", "params", "train_size", "step"),
          "axis along which to look for double descent in test error (step: epoch-wise, from"
              + " curves); empty: none");
  public static final Key SCALING_X =
      new Key(
          "analysis.scaling",
          "scaling",
          Type.STRING,
          "",
          false,
          oneOf("", "params", "width", "train_size", "step"),
          "fit y = E + A x^-alpha along this axis per group; empty: none");
  public static final Key SCALING_X2 =
      new Key(
          "analysis.scaling_data",
          "scaling_data",
          Type.STRING,
          "",
          false,
          oneOf("", "train_size"),
          "with analysis.scaling = params, also fit Hoffmann et al.'s L(N, D) = E + A/N^alpha +"
              + " B/D^beta with D from this axis");
  public static final Key SCALING_Y =
      new Key(
          "analysis.scaling_metric",
          "scaling_metric",
          Type.STRING,
          "final_test_loss",
          false,
          oneOf(
              "final_test_loss",
              "final_test_error",
              "final_train_loss",
              "best_val_loss",
              "test_loss_at_best",
              "test_error_at_best"),
          "the runs column the scaling law is fitted to (best_val_loss: the lowest validation"
              + " loss on the learning curve; test_*_at_best: the test value at that step, as"
              + " early stopping on validation would give; these need dataset.val_size > 0)");
  public static final Key COORD_CHECK =
      new Key(
          "analysis.coord_check",
          "coord_check",
          Type.STRING,
          "no",
          false,
          oneOf("yes", "no"),
          "write the coordinate-check table (mean |h_t| and |h_t - h_0| per layer and step, by"
              + " width)");
  public static final Key WIDTH_EXPONENTS =
      new Key(
          "analysis.width_exponents",
          "width_exponents",
          Type.STRING,
          "no",
          false,
          oneOf("yes", "no"),
          "write the width_exponents table (the slope in log width of each layer's weight change,"
              + " Frobenius and spectral, and feature change, with a bootstrap interval over"
              + " seeds); needs"
              + " model.width swept over 2 or more values");
  public static final Key LR_TRANSFER =
      new Key(
          "analysis.lr_transfer",
          "lr_transfer",
          Type.STRING,
          "no",
          false,
          oneOf("yes", "no"),
          "write the lr_transfer table (per parameterization and width, the learning rate of least"
              + " best_val_loss, with a bootstrap interval over seeds, and its shift across widths"
              + " in grid steps: Tensor Programs V, Fig. 1); needs training.learning_rate swept"
              + " over 3 or more values, model.width over 2 or more and dataset.val_size > 0");

  public static final Key BOOTSTRAP =
      new Key(
          "analysis.bootstrap",
          "bootstrap",
          Type.INT,
          200,
          false,
          new Rule(
              v -> (Integer) v == 0 || (Integer) v >= 200,
              "must be 0 (no interval) or >= 200 (fewer leave the 2.5 and 97.5 percentiles on"
                  + " under 5 replicates each)"),
          "bootstrap replicates of each scaling fit, power_law and joint alike, and of each"
              + " lr_transfer row; 0: point estimates without intervals");
  public static final Key TRAINED_BY =
      new Key(
          "analysis.trained_by",
          "trained_by",
          Type.STRING,
          "task",
          false,
          oneOf("task", "parameter_averaging", "any"),
          "which ok runs every analysis uses, by runs.trained_by: task (trained in one Spark"
              + " task), parameter_averaging (the runs above limits.distributed_above) or any"
              + " (both, mixed); failed, diverged and timed-out runs are never used");

  /** Keys outside any section. */
  public static final List<Key> TOP = List.of(NAME, DESCRIPTION, SEED, REPEATS, CONFIGS);

  /** Keys of how the sweep picks configurations beyond its grid. */
  public static final List<Key> SEARCH = List.of(SEARCH_METHOD, SEARCH_SAMPLES, SEARCH_SEED);

  /** Keys that make up a run's configuration, in expansion order. */
  public static final List<Key> RUN =
      List.of(
          DATASET,
          TASK,
          INPUT_DIM,
          CLASSES,
          TEACHER_WIDTH,
          TRAIN_SIZE,
          TEST_SIZE,
          DATA_PATH,
          LABEL_NOISE,
          NORMALIZE,
          SUBSET,
          WIDTH,
          DEPTH,
          ACTIVATION,
          INIT_SCALE,
          PARAMETERIZATION,
          BASE_WIDTH,
          OUTPUT_MULTIPLIER,
          READOUT_INIT,
          OUTPUT_SCALE,
          OPTIMIZER,
          LEARNING_RATE,
          BATCH_SIZE,
          EPOCHS,
          STEPS,
          EVAL_POINTS,
          LOSS,
          SCHEDULE,
          WARMUP_STEPS,
          WEIGHT_DECAY,
          MOMENTUM,
          VAL_SIZE,
          DATA_SEED,
          INPUT_SPECTRUM,
          TRAIN);

  /** Keys that shape the sweep but not a run. */
  public static final List<Key> LIMITS =
      List.of(MAX_RUNS, RUN_TIMEOUT, DISTRIBUTED_ABOVE, DISTRIBUTED_WORKERS);

  /** Keys of the analysis a sweep asks for after its runs. */
  public static final List<Key> ANALYSIS =
      List.of(
          DOUBLE_DESCENT_X,
          SCALING_X,
          SCALING_X2,
          SCALING_Y,
          COORD_CHECK,
          WIDTH_EXPONENTS,
          LR_TRANSFER,
          BOOTSTRAP,
          TRAINED_BY);

  /** Every key by path. */
  public static final Map<String, Key> BY_PATH = byPath();

  /** Section names in the order a spec file usually lists them. */
  public static final List<String> SECTIONS =
      List.of("dataset", "model", "training", "search", "limits", "analysis");

  private static Map<String, Key> byPath() {
    Map<String, Key> keys = new LinkedHashMap<>();
    for (List<Key> group : List.of(TOP, RUN, SEARCH, LIMITS, ANALYSIS)) {
      for (Key key : group) {
        keys.put(key.path(), key);
      }
    }
    return Map.copyOf(keys);
  }

  /** Leaf names accepted inside a section ("" for the top level, which also takes sections). */
  static Set<String> acceptedIn(String section) {
    Set<String> names = new TreeSet<>();
    for (Key key : BY_PATH.values()) {
      if (key.section().equals(section)) {
        names.add(section.isEmpty() ? key.path() : key.leaf());
      }
    }
    if (section.isEmpty()) {
      names.addAll(SECTIONS);
    }
    return names;
  }
}
