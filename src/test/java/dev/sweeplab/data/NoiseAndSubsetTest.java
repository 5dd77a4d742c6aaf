package dev.sweeplab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class NoiseAndSubsetTest {
  static DatasetSpec teacher(int train, double noise, String task, long seed) {
    return new DatasetSpec(
        "teacher_student", task, 8, 4, 16, train, 100, "", noise, "standardize", "prefix", seed);
  }

  @Test
  void labelNoiseRateIsPAndEveryFlipChangesTheClass() {
    int n = 20_000;
    double p = 0.2;
    Dataset clean = TeacherStudent.generate(teacher(n, 0, "classification", 3));
    Dataset noisy = TeacherStudent.generate(teacher(n, p, "classification", 3));
    int changed = 0;
    for (int i = 0; i < n; i++) {
      if (clean.train().labels()[i] != noisy.train().labels()[i]) {
        changed++;
      }
    }
    assertEquals(changed, noisy.noisyLabels(), "every flip changes the label");
    double sd = Math.sqrt(n * p * (1 - p));
    assertTrue(Math.abs(changed - n * p) < 4 * sd, "flipped " + changed + " of " + n);
    assertArrayEquals(clean.test().labels(), noisy.test().labels(), "test labels stay clean");
    Dataset again = TeacherStudent.generate(teacher(n, p, "classification", 3));
    assertArrayEquals(noisy.train().labels(), again.train().labels(), "deterministic");
    Dataset prefix = TeacherStudent.generate(teacher(5000, p, "classification", 3));
    assertArrayEquals(
        prefix.train().labels(), Arrays.copyOf(noisy.train().labels(), 5000), "prefix-consistent");
  }

  @Test
  void teacherStudentIsDeterministicAndAPrefix() {
    Dataset a = TeacherStudent.generate(teacher(1000, 0, "classification", 7));
    Dataset b = TeacherStudent.generate(teacher(1000, 0, "classification", 7));
    Dataset c = TeacherStudent.generate(teacher(1000, 0, "classification", 8));
    Dataset half = TeacherStudent.generate(teacher(500, 0, "classification", 7));
    assertArrayEquals(a.train().x(), b.train().x());
    assertNotEquals(Arrays.hashCode(a.train().x()), Arrays.hashCode(c.train().x()));
    assertArrayEquals(half.train().x(), Arrays.copyOf(a.train().x(), 500 * 8));
    int[] counts = new int[4];
    for (int y : a.train().labels()) {
      counts[y]++;
    }
    for (int k = 0; k < 4; k++) {
      assertTrue(counts[k] > 0, "every class appears: " + Arrays.toString(counts));
    }
    Dataset regression = TeacherStudent.generate(teacher(100, 0, "regression", 7));
    assertNull(regression.train().labels());
    assertEquals(100 * 4, regression.train().targets().length);
  }

  @Test
  void balancedSubsetsArePrefixesWithEqualClassCounts() {
    int[] labels = new int[1000];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 7 == 0 ? 0 : i % 3 + 1;
    }
    int[] big = Subsets.balanced(labels, 4, 400, 11);
    int[] small = Subsets.balanced(labels, 4, 101, 11);
    assertArrayEquals(small, Arrays.copyOf(big, 101));
    int[] counts = new int[4];
    for (int i : small) {
      counts[labels[i]]++;
    }
    int min = Arrays.stream(counts).min().orElseThrow();
    int max = Arrays.stream(counts).max().orElseThrow();
    assertTrue(max - min <= 1, Arrays.toString(counts));
    assertEquals(400, Arrays.stream(big).distinct().count(), "no sample twice");
  }

  @Test
  void realFashionMnistWhenInstalled() {
    Path dir = Path.of("/usr/share/datasets/fashion-mnist");
    Assumptions.assumeTrue(Files.isDirectory(dir), "Debian's dataset-fashion-mnist not installed");
    DatasetSpec spec =
        new DatasetSpec(
            "fashion_mnist",
            "classification",
            784,
            10,
            64,
            1000,
            500,
            dir.toString(),
            0.2,
            "standardize",
            "balanced",
            1);
    DatasetCache.check(spec);
    Dataset data = DatasetCache.get(spec);
    assertEquals(784, data.inputDim());
    assertEquals(1000 * 784, data.train().x().length);
    int[] counts = new int[10];
    for (int y : data.train().labels()) {
      counts[y]++;
    }
    for (int k = 0; k < 10; k++) {
      assertTrue(
          counts[k] > 60 && counts[k] < 140, "balanced then 20% noise: " + Arrays.toString(counts));
    }
    assertTrue(
        Math.abs(data.noisyLabels() - 200) < 4 * Math.sqrt(1000 * 0.2 * 0.8),
        "" + data.noisyLabels());
  }
}
