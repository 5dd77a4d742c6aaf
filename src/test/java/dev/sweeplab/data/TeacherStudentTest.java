package dev.sweeplab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TeacherStudentTest {
  static final int D = 16;
  static final int K = 4;
  static final int H = 32;

  /**
   * The data set spec of a run with these sizes, built the way a sweep builds it (through {@link
   * RunConfig}), so the data seed is derived from {@code sweepSeed}.
   */
  static DatasetSpec spec(String task, int d, int k, int h, int train, int test, long sweepSeed) {
    return spec(task, d, k, h, train, test, sweepSeed, Map.of());
  }

  /** {@link #spec}, with {@code dataset.input_spectrum = s}. */
  static DatasetSpec spectral(int d, int train, int test, long sweepSeed, double s) {
    return spec(
        "classification", d, K, H, train, test, sweepSeed, Map.of(SpecKeys.INPUT_SPECTRUM, s));
  }

  private static DatasetSpec spec(
      String task,
      int d,
      int k,
      int h,
      int train,
      int test,
      long sweepSeed,
      Map<Key, Object> more) {
    Map<Key, List<?>> values = new LinkedHashMap<>();
    values.put(SpecKeys.TASK, List.of(task));
    values.put(SpecKeys.INPUT_DIM, List.of(d));
    values.put(SpecKeys.CLASSES, List.of(k));
    values.put(SpecKeys.TEACHER_WIDTH, List.of(h));
    values.put(SpecKeys.TRAIN_SIZE, List.of(train));
    values.put(SpecKeys.TEST_SIZE, List.of(test));
    more.forEach((key, v) -> values.put(key, List.of(v)));
    RunConfig run = SweepSpec.of("data-test", sweepSeed, 1, 1, values).expand().get(0);
    return DatasetSpec.of(run);
  }

  static DatasetSpec classification(int trainSize, int testSize, long sweepSeed) {
    return spec("classification", D, K, H, trainSize, testSize, sweepSeed);
  }

  @Test
  void sameSpecGivesIdenticalArrays() {
    DatasetSpec spec = classification(300, 100, 42);
    Dataset a = TeacherStudent.generate(spec);
    Dataset b = TeacherStudent.generate(spec);
    assertEquals(D, a.inputDim());
    assertEquals(K, a.outputs());
    assertTrue(a.classification());
    assertEquals(300, a.train().size());
    assertEquals(100, a.test().size());
    assertEquals(300 * D, a.train().x().length);
    assertEquals(100 * D, a.test().x().length);
    assertArrayEquals(a.train().x(), b.train().x());
    assertArrayEquals(a.train().labels(), b.train().labels());
    assertArrayEquals(a.test().x(), b.test().x());
    assertArrayEquals(a.test().labels(), b.test().labels());
  }

  @Test
  void differentSeedGivesDifferentData() {
    Dataset a = TeacherStudent.generate(classification(200, 50, 1));
    Dataset b = TeacherStudent.generate(classification(200, 50, 2));
    assertFalse(Arrays.equals(a.train().x(), b.train().x()), "train inputs differ by seed");
    assertFalse(Arrays.equals(a.test().x(), b.test().x()), "test inputs differ by seed");
    assertFalse(Arrays.equals(a.train().labels(), b.train().labels()), "labels differ by seed");
  }

  @Test
  void trainAndTestSplitsAreDifferentSamples() {
    Dataset a = TeacherStudent.generate(classification(100, 100, 5));
    assertFalse(Arrays.equals(a.train().x(), a.test().x()), "test is not a copy of train");
  }

  @Test
  void smallerTrainingSetIsAPrefixOfALargerOne() {
    int n = 500;
    Dataset small = TeacherStudent.generate(classification(n, 64, 9));
    Dataset large = TeacherStudent.generate(classification(2 * n, 128, 9));
    assertArrayEquals(
        Arrays.copyOf(large.train().x(), n * D), small.train().x(), "x of the first n samples");
    assertArrayEquals(
        Arrays.copyOf(large.train().labels(), n), small.train().labels(), "labels of the first n");
    assertArrayEquals(
        Arrays.copyOf(large.test().x(), 64 * D), small.test().x(), "test split is a prefix too");
  }

  @Test
  void testSplitDoesNotDependOnTrainSize() {
    Dataset a = TeacherStudent.generate(classification(64, 200, 11));
    Dataset b = TeacherStudent.generate(classification(1024, 200, 11));
    assertArrayEquals(a.test().x(), b.test().x());
    assertArrayEquals(a.test().labels(), b.test().labels());
  }

  @Test
  void labelsAreClassesAndEveryClassIsCommon() {
    int n = 4000;
    for (long seed : new long[] {1, 7, 42, 2026}) {
      Dataset data = TeacherStudent.generate(classification(n, 1000, seed));
      int[] counts = new int[K];
      for (int label : data.train().labels()) {
        assertTrue(label >= 0 && label < K, "label in [0, " + K + "): " + label);
        counts[label]++;
      }
      for (int label : data.test().labels()) {
        assertTrue(label >= 0 && label < K, "test label in [0, " + K + "): " + label);
      }
      for (int c = 0; c < K; c++) {
        // At the quickstart's shape (d 16, h 32, K 4) each class holds 16-33% of these samples.
        assertTrue(
            counts[c] >= 0.05 * n,
            "seed "
                + seed
                + ": class "
                + c
                + " has "
                + counts[c]
                + " of "
                + n
                + " samples "
                + Arrays.toString(counts));
      }
    }
  }

  @Test
  void inputsAreStandardGaussian() {
    int n = 4000;
    float[] x = TeacherStudent.generate(classification(n, 10, 3)).train().x();
    double sum = 0;
    double squares = 0;
    for (float v : x) {
      assertTrue(Float.isFinite(v), "finite input " + v);
      sum += v;
      squares += (double) v * v;
    }
    double mean = sum / x.length;
    double variance = squares / x.length - mean * mean;
    assertEquals(0, mean, 0.02, "mean of N(0, 1) inputs");
    assertEquals(1, variance, 0.03, "variance of N(0, 1) inputs");
  }

  @Test
  void regressionHasTargetsAndNoLabels() {
    DatasetSpec spec = spec("regression", 8, 3, 16, 128, 32, 4);
    Dataset data = TeacherStudent.generate(spec);
    assertFalse(data.classification());
    assertEquals(3, data.outputs());
    assertNull(data.train().labels());
    assertNull(data.test().labels());
    assertNotNull(data.train().targets());
    assertEquals(128 * 3, data.train().targets().length);
    assertEquals(32 * 3, data.test().targets().length);
    boolean anyNonZero = false;
    for (float t : data.train().targets()) {
      assertTrue(Float.isFinite(t), "finite target " + t);
      anyNonZero |= t != 0;
    }
    assertTrue(anyNonZero, "targets are the teacher's outputs, not zeros");

    Dataset again = TeacherStudent.generate(spec);
    assertArrayEquals(data.train().targets(), again.train().targets());
  }

  @Test
  void samplesDoNotShareRandomDraws() {
    // Seeding sample i with seed + i * golden gamma made sample i + 2 sample i shifted by one
    // coordinate; every lagged pair of coordinates must be uncorrelated.
    int n = 2000;
    float[] x = TeacherStudent.generate(classification(n, 10, 13)).train().x();
    for (int lag = 1; lag <= 3; lag++) {
      for (int shift = -1; shift <= 1; shift++) {
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i + lag < n; i++) {
          for (int j = 1; j + 1 < D; j++) {
            sum += x[i * D + j] * x[(i + lag) * D + j + shift];
            pairs++;
          }
        }
        assertEquals(0, sum / pairs, 0.02, "correlation at lag " + lag + ", shift " + shift);
      }
    }
  }

  @Test
  void cacheReturnsOneInstancePerSpecAndBuildsOnce() {
    // A seed no other test uses, so this spec is not in the per-JVM cache yet.
    long seed = 0x7e57_da7aL;
    long before = DatasetCache.builds();
    Dataset first = DatasetCache.get(classification(64, 32, seed));
    Dataset second = DatasetCache.get(classification(64, 32, seed));
    assertSame(first, second, "equal specs share one instance");
    assertEquals(before + 1, DatasetCache.builds(), "built once for two requests");
    assertArrayEquals(
        TeacherStudent.generate(classification(64, 32, seed)).train().x(), first.train().x());

    Dataset other = DatasetCache.get(classification(64, 32, seed + 1));
    assertEquals(before + 2, DatasetCache.builds(), "a different spec is built");
    assertFalse(first == other);
  }

  /**
   * The data are the same on every JVM and CPU: Box–Muller draws, inputs, labels and regression
   * targets (the teacher's tanh) against constants computed once, to the bit. A JVM whose math
   * library differed in the last bit (Math's intrinsics may) would fail here.
   */
  @Test
  void samplesArePinnedToTheBit() {
    SplittableRandom rng = new SplittableRandom(7);
    assertEquals(0x1.fa194ec47d228p-1, TeacherStudent.gaussian(rng));
    assertEquals(-0x1.dd3fde5949e97p0, TeacherStudent.gaussian(rng));
    assertEquals(0x1.00ea29c8645d8p-8, TeacherStudent.gaussian(rng));

    Dataset d = TeacherStudent.generate(classification(4, 2, 42));
    assertEquals(-0x1.b043f6p-2f, d.train().x()[0]);
    assertEquals(0x1.3835ap0f, d.train().x()[1]);
    assertEquals(0x1.60e412p-1f, d.train().x()[2]);
    assertEquals(-0x1.ddc428p0f, d.test().x()[5]);
    assertArrayEquals(new int[] {0, 3, 2, 1}, d.train().labels());
    assertArrayEquals(new int[] {3, 3}, d.test().labels());

    Dataset r = TeacherStudent.generate(spec("regression", 3, 2, 5, 2, 1, 42));
    assertEquals(-0x1.78946ap-1f, r.train().targets()[0]);
    assertEquals(-0x1.db0b7ap-4f, r.train().targets()[3]);
  }

  /** lambda_i = i^-s / mean_j(j^-s), i = 1..d, written out as docs/science.md states it. */
  private static double[] lambda(int d, double s) {
    double mean = 0;
    for (int j = 1; j <= d; j++) {
      mean += Math.pow(j, -s) / d;
    }
    double[] lambda = new double[d];
    for (int i = 1; i <= d; i++) {
      lambda[i - 1] = Math.pow(i, -s) / mean;
    }
    return lambda;
  }

  /** The sample variance of each of the {@code d} coordinates of the row-major {@code x}. */
  private static double[] variances(float[] x, int d) {
    int n = x.length / d;
    double[] sum = new double[d];
    double[] squares = new double[d];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < d; j++) {
        double v = x[r * d + j];
        sum[j] += v;
        squares[j] += v * v;
      }
    }
    double[] variance = new double[d];
    for (int j = 0; j < d; j++) {
      double mean = sum[j] / n;
      variance[j] = (squares[j] - n * mean * mean) / (n - 1);
    }
    return variance;
  }

  @Test
  void theSpectrumIsAPowerLawOfMeanOne() {
    double[] lambda = TeacherStudent.spectrum(16, 2);
    // sum_{j <= 16} j^-2 = 1.5843465..., so lambda_1 = 16 / 1.5843465... = 10.0988...
    assertEquals(10.0988, lambda[0], 1e-4);
    assertEquals(lambda[0] / 4, lambda[1], 1e-12);
    assertEquals(lambda[0] / 256, lambda[15], 1e-12);
    assertArrayEquals(lambda(16, 2), lambda, 1e-12);
    assertEquals(16, Arrays.stream(lambda).sum(), 1e-12, "mean 1: E|x|^2 = d");
    assertArrayEquals(new double[] {1, 1, 1}, TeacherStudent.spectrum(3, 0), "s = 0: isotropic");
  }

  @Test
  void inputsHaveThePowerLawCovarianceInEverySplit() {
    int d = 16;
    int n = 20_000;
    double s = 2;
    Dataset data = TeacherStudent.generate(spectral(d, n, n, 21, s));
    double[] lambda = lambda(d, s);
    assertEquals(2000, data.val().size(), "auto validation: 10% of the training set");
    for (String split : List.of("train", "test", "val")) {
      Dataset.Split part =
          switch (split) {
            case "train" -> data.train();
            case "test" -> data.test();
            default -> data.val();
          };
      double[] variance = variances(part.x(), d);
      // The relative standard error of a variance from n Gaussian samples is sqrt(2 / n): 1% at
      // 20000 samples, 3.2% at the 2000 of the validation split.
      double tolerance = split.equals("val") ? 0.15 : 0.05;
      for (int i = 0; i < d; i++) {
        assertEquals(
            lambda[i],
            variance[i],
            tolerance * lambda[i],
            split + ": variance of coordinate " + (i + 1) + " " + Arrays.toString(variance));
      }
      if (!split.equals("val")) {
        assertEquals(1, Arrays.stream(variance).average().orElseThrow(), 0.03, split + ": mean");
      }
    }
  }

  @Test
  void theSpectrumScalesTheIsotropicDrawsAndKeepsTheTeacher() {
    int d = 16;
    Dataset isotropic = TeacherStudent.generate(spectral(d, 200, 100, 8, 0));
    Dataset scaled = TeacherStudent.generate(spectral(d, 200, 100, 8, 1.5));
    assertArrayEquals(
        TeacherStudent.generate(classification(200, 100, 8)).train().x(),
        isotropic.train().x(),
        "input_spectrum 0 is the isotropic data, bit for bit");
    double[] lambda = lambda(d, 1.5);
    for (int r = 0; r < 200; r++) {
      for (int j = 0; j < d; j++) {
        float z = isotropic.train().x()[r * d + j];
        assertEquals(
            z * Math.sqrt(lambda[j]),
            scaled.train().x()[r * d + j],
            1e-6 * Math.abs(z) * Math.sqrt(lambda[j]),
            "sample " + r + ", coordinate " + (j + 1));
      }
    }
    assertFalse(
        Arrays.equals(isotropic.train().labels(), scaled.train().labels()),
        "the teacher sees other inputs, so some labels change");
  }

  @Test
  void theSpectrumIsPartOfTheDataSetsIdentity() {
    DatasetSpec isotropic = spectral(8, 64, 32, 0x5bec_7a1L, 0);
    DatasetSpec scaled = spectral(8, 64, 32, 0x5bec_7a1L, 1);
    assertEquals(isotropic.seed(), scaled.seed(), "one teacher and one set of draws");
    assertNotEquals(isotropic, scaled);
    assertFalse(
        DatasetCache.get(isotropic) == DatasetCache.get(scaled),
        "the cache keeps a data set per spectrum");
  }

  @Test
  void aSpectrumForAFileBackedSetIsRefused() {
    UserError e =
        assertThrows(
            UserError.class,
            () ->
                new DatasetSpec(
                    "mnist",
                    "classification",
                    784,
                    10,
                    64,
                    10,
                    10,
                    "/data",
                    0,
                    "standardize",
                    "prefix",
                    1,
                    1,
                    0,
                    2.0));
    assertTrue(e.getMessage().contains("dataset.input_spectrum"), e.getMessage());
    assertTrue(e.getMessage().contains("teacher_student only"), e.getMessage());
  }

  /** The power-law inputs are the same on every JVM and CPU, as the isotropic ones are. */
  @Test
  void spectralSamplesArePinnedToTheBit() {
    assertEquals(0x1.4329603e3d983p3, TeacherStudent.spectrum(16, 2)[0]);
    assertEquals(0x1.4329603e3d983p-5, TeacherStudent.spectrum(16, 2)[15]);
    Dataset d = TeacherStudent.generate(spectral(16, 4, 2, 42, 2));
    assertEquals(-0x1.576b7ep0f, d.train().x()[0]);
    assertEquals(0x1.f01442p0f, d.train().x()[1]);
    assertEquals(-0x1.349e14p-3f, d.train().x()[15]);
    assertEquals(-0x1.fa1772p-1f, d.test().x()[5]);
    // The isotropic set of the same seed (samplesArePinnedToTheBit) has labels {0, 3, 2, 1}.
    assertArrayEquals(new int[] {0, 1, 2, 2}, d.train().labels());
    assertArrayEquals(new int[] {3, 3}, d.test().labels());
  }
}
