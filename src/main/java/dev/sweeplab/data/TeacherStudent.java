package dev.sweeplab.data;

import java.util.SplittableRandom;

/**
 * The teacher–student data set: inputs x ~ N(0, I_d); a random teacher MLP d → h → K with tanh
 * hidden units, weights ~ N(0, 1/fan_in), labels the argmax of its outputs (classification) or the
 * outputs themselves (regression). Any size, seeded, and sample i depends only on (seed, split, i),
 * so a smaller training set is a prefix of a larger one under the same seed.
 */
public final class TeacherStudent {
  private static final long TRAIN_STREAM = 0x7261696eL;
  private static final long TEST_STREAM = 0x74657374L;

  private TeacherStudent() {}

  /** Generates the data set described by {@code spec}. */
  public static Dataset generate(DatasetSpec spec) {
    Teacher teacher =
        new Teacher(spec.inputDim(), spec.teacherWidth(), spec.classes(), spec.seed());
    Dataset.Split train = split(spec, teacher, TRAIN_STREAM, spec.trainSize());
    Dataset.Split test = split(spec, teacher, TEST_STREAM, spec.testSize());
    int flipped =
        spec.classification()
            ? LabelNoise.apply(train.labels(), spec.classes(), spec.labelNoise(), spec.seed())
            : 0;
    return new Dataset(
        spec.inputDim(), spec.classes(), spec.classification(), train, test, flipped);
  }

  private static Dataset.Split split(DatasetSpec spec, Teacher teacher, long stream, int n) {
    int d = spec.inputDim();
    int k = spec.classes();
    float[] x = new float[n * d];
    int[] labels = spec.classification() ? new int[n] : null;
    float[] targets = spec.classification() ? null : new float[n * k];
    double[] sample = new double[d];
    double[] out = new double[k];
    long streamSeed = new SplittableRandom(spec.seed() ^ stream).nextLong();
    for (int i = 0; i < n; i++) {
      SplittableRandom rng = new SplittableRandom(streamSeed + i * 0x9E3779B97F4A7C15L);
      for (int j = 0; j < d; j++) {
        sample[j] = gaussian(rng);
        x[i * d + j] = (float) sample[j];
      }
      teacher.forward(sample, out);
      if (labels != null) {
        labels[i] = argmax(out);
      } else {
        for (int c = 0; c < k; c++) {
          targets[i * k + c] = (float) out[c];
        }
      }
    }
    return new Dataset.Split(n, x, labels, targets);
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

  /** Box–Muller from a SplittableRandom: the same numbers on every JVM. */
  static double gaussian(SplittableRandom rng) {
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** The random teacher network. */
  private static final class Teacher {
    private final double[][] w1;
    private final double[][] w2;

    Teacher(int d, int h, int k, long seed) {
      SplittableRandom rng = new SplittableRandom(seed);
      w1 = matrix(rng, h, d);
      w2 = matrix(rng, k, h);
    }

    private static double[][] matrix(SplittableRandom rng, int rows, int cols) {
      double[][] m = new double[rows][cols];
      double std = 1 / Math.sqrt(cols);
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
        hidden[u] = Math.tanh(s);
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
