package dev.sweeplab.data;

import dev.sweeplab.spec.UserError;
import java.util.SplittableRandom;

/**
 * The teacher–student data set: inputs x ~ N(0, Λ) with Λ = I_d, or the power-law spectrum of
 * {@link #spectrum} under {@code dataset.input_spectrum}; a random teacher MLP d → h → K with tanh
 * hidden units, weights ~ N(0, 1/fan_in), labels the argmax of its outputs (classification) or the
 * outputs themselves (regression). Any size, seeded: sample i of a split depends only on (seed,
 * split, i), so a smaller training set is a prefix of a larger one under the same seed. The
 * teacher, the test split and the validation split come from {@link DatasetSpec#taskSeed()}, the
 * training split and its label noise from {@link DatasetSpec#seed()}, so a per-repeat sample
 * changes only the training points. With {@code subset: balanced} the training set takes the
 * classes round-robin from the generated stream (still a prefix of a larger one). The validation
 * split is {@code val_size} samples of a third stream, drawn as the training set is (balanced or
 * not): the training distribution, and no training sample of any size. Label noise applies to the
 * training labels only; {@code normalize} does not apply (the inputs have their stated covariance).
 * The spectrum scales the same standard-normal draws, so runs that differ only in it share the
 * teacher and the draws, and every split has the one input distribution.
 */
public final class TeacherStudent {
  private TeacherStudent() {}

  /** Generates the data set described by {@code spec}. */
  public static Dataset generate(DatasetSpec spec) {
    int k = spec.classes();
    Teacher teacher =
        new Teacher(
            spec.inputDim(),
            spec.teacherWidth(),
            k,
            new SplittableRandom(Seeds.of(spec.taskSeed(), Seeds.TEACHER)));
    double[] scales = scales(spec.inputDim(), spec.inputSpectrum());
    Stream train = new Stream(spec, teacher, scales, spec.seed(), Seeds.TRAIN_SAMPLES);
    Stream test = new Stream(spec, teacher, scales, spec.taskSeed(), Seeds.TEST_SAMPLES);
    Stream val = new Stream(spec, teacher, scales, spec.taskSeed(), Seeds.VAL_SAMPLES);
    Dataset.Split trainSplit = train.split(rows(spec, train, spec.trainSize()));
    Dataset.Split testSplit = test.split(firstN(spec.testSize()));
    Dataset.Split valSplit = val.split(rows(spec, val, spec.valSize()));
    int flipped =
        spec.classification()
            ? LabelNoise.apply(trainSplit.labels(), k, spec.labelNoise(), spec.seed())
            : 0;
    return new Dataset(
        spec.inputDim(), k, spec.classification(), trainSplit, testSplit, flipped, valSplit);
  }

  /**
   * The variances of the input coordinates for {@code dataset.input_spectrum = s}: lambda_i = i^-s
   * / mean_j(j^-s), i = 1..d, coordinate 1 the largest. A power-law covariance spectrum is what
   * gives power-law learning curves in model and data size in random-feature models (Bahri et al.
   * 2021, "Explaining neural scaling laws"; Maloney, Roberts & Sully 2022, "A solvable model of
   * neural scaling laws"). The mean of 1 keeps E|x|^2 = d, as with isotropic inputs, so the
   * teacher's first-layer pre-activations (weights ~ N(0, 1/d)) keep unit variance. StrictMath's
   * pow, summed in index order, gives the same bits on every JVM.
   */
  static double[] spectrum(int d, double s) {
    double[] lambda = new double[d];
    double sum = 0;
    for (int i = 0; i < d; i++) {
      lambda[i] = StrictMath.pow(i + 1, -s);
      sum += lambda[i];
    }
    double mean = sum / d;
    for (int i = 0; i < d; i++) {
      lambda[i] /= mean;
    }
    return lambda;
  }

  /** sqrt(lambda_i) per coordinate, or null for isotropic inputs (s = 0: the draws unscaled). */
  private static double[] scales(int d, double s) {
    if (s == 0) {
      return null;
    }
    double[] scales = spectrum(d, s);
    for (int i = 0; i < d; i++) {
      scales[i] = StrictMath.sqrt(scales[i]);
    }
    return scales;
  }

  /**
   * The first {@code n} samples of {@code stream}, class-balanced under {@code subset: balanced}.
   */
  private static int[] rows(DatasetSpec spec, Stream stream, int n) {
    if (!spec.subset().equals("balanced")) {
      return firstN(n);
    }
    if (!spec.classification()) {
      throw UserError.badValue(
          "dataset.subset",
          "balanced",
          "needs dataset.task = classification (it balances classes)");
    }
    // Enough for any class at 1/20 of its even share; rarer ones are an error, not a long scan.
    int limit = (int) Math.min(Integer.MAX_VALUE, 20L * n + 10_000);
    return Subsets.balanced(stream::label, spec.classes(), n, limit);
  }

  private static int[] firstN(int n) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i;
    }
    return rows;
  }

  /** One split's unbounded sample stream; not thread-safe (it reuses buffers). */
  private static final class Stream {
    private final DatasetSpec spec;
    private final Teacher teacher;
    private final double[] scales;
    private final long seed;
    private final long stream;
    private final double[] sample;
    private final double[] out;

    Stream(DatasetSpec spec, Teacher teacher, double[] scales, long seed, long stream) {
      this.spec = spec;
      this.teacher = teacher;
      this.scales = scales;
      this.seed = seed;
      this.stream = stream;
      this.sample = new double[spec.inputDim()];
      this.out = new double[spec.classes()];
    }

    /** Fills {@code sample} and {@code out} with sample i and the teacher's output on it. */
    private void generate(int i) {
      SplittableRandom rng = Seeds.rng(seed, stream, i);
      for (int j = 0; j < sample.length; j++) {
        sample[j] = gaussian(rng);
      }
      if (scales != null) {
        for (int j = 0; j < sample.length; j++) {
          sample[j] *= scales[j];
        }
      }
      teacher.forward(sample, out);
    }

    int label(int i) {
      generate(i);
      return argmax(out);
    }

    Dataset.Split split(int[] rows) {
      int d = sample.length;
      int k = out.length;
      int n = rows.length;
      float[] x = new float[n * d];
      int[] labels = spec.classification() ? new int[n] : null;
      float[] targets = spec.classification() ? null : new float[n * k];
      for (int r = 0; r < n; r++) {
        generate(rows[r]);
        for (int j = 0; j < d; j++) {
          x[r * d + j] = (float) sample[j];
        }
        if (labels != null) {
          labels[r] = argmax(out);
        } else {
          for (int c = 0; c < k; c++) {
            targets[r * k + c] = (float) out[c];
          }
        }
      }
      return new Dataset.Split(n, x, labels, targets);
    }
  }

  private static int argmax(double[] v) {
    int best = 0;
    for (int c = 1; c < v.length; c++) {
      if (v[c] > v[best]) {
        best = c;
      }
    }
    return best;
  }

  /**
   * Box–Muller from a SplittableRandom. SplittableRandom's draws are specified bit for bit, and
   * StrictMath's functions are fdlibm's on every JVM and CPU (Math's may be intrinsics that differ
   * in the last bit), so the numbers are the same on every JVM.
   */
  static double gaussian(SplittableRandom rng) {
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return StrictMath.sqrt(-2 * StrictMath.log1p(-u1)) * StrictMath.cos(2 * StrictMath.PI * u2);
  }

  /** The random teacher network; immutable once built. */
  private static final class Teacher {
    private final double[][] w1;
    private final double[][] w2;

    Teacher(int d, int h, int k, SplittableRandom rng) {
      w1 = matrix(rng, h, d);
      w2 = matrix(rng, k, h);
    }

    private static double[][] matrix(SplittableRandom rng, int rows, int cols) {
      double[][] m = new double[rows][cols];
      double std = 1 / StrictMath.sqrt(cols);
      for (double[] row : m) {
        for (int j = 0; j < cols; j++) {
          row[j] = std * gaussian(rng);
        }
      }
      return m;
    }

    void forward(double[] x, double[] out) {
      double[] hidden = new double[w1.length];
      for (int u = 0; u < w1.length; u++) {
        double s = 0;
        for (int j = 0; j < x.length; j++) {
          s += w1[u][j] * x[j];
        }
        hidden[u] = StrictMath.tanh(s);
      }
      for (int c = 0; c < w2.length; c++) {
        double s = 0;
        for (int u = 0; u < hidden.length; u++) {
          s += w2[c][u] * hidden[u];
        }
        out[c] = s;
      }
    }
  }
}
