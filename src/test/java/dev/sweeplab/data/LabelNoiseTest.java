package dev.sweeplab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelNoiseTest {
  @TempDir Path tmp;

  static DatasetSpec teacher(int train, double noise, long seed) {
    return new DatasetSpec(
        "teacher_student",
        "classification",
        8,
        4,
        16,
        train,
        500,
        "",
        noise,
        "standardize",
        "prefix",
        seed);
  }

  static int differences(int[] a, int[] b) {
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      n += a[i] != b[i] ? 1 : 0;
    }
    return n;
  }

  static void assertRate(int flipped, int n, double p) {
    double sd = Math.sqrt(n * p * (1 - p));
    assertTrue(
        Math.abs(flipped - n * p) < 4 * sd, "flipped " + flipped + " of " + n + " at p = " + p);
  }

  @Test
  void flipsAboutPToUniformlyRandomOtherClasses() {
    int n = 20_000;
    int[] clean = new int[n];
    Arrays.setAll(clean, i -> i % 10);
    int[] noisy = clean.clone();
    int flipped = LabelNoise.apply(noisy, 10, 0.2, 42);
    assertEquals(flipped, differences(clean, noisy), "every flip changes the label");
    assertRate(flipped, n, 0.2);
    int[] shifts = new int[10];
    for (int i = 0; i < n; i++) {
      shifts[(noisy[i] - clean[i] + 10) % 10]++;
    }
    for (int s = 1; s < 10; s++) {
      // each of the 9 other classes gets ~ flipped / 9 (~444, sd ~20)
      assertEquals(flipped / 9.0, shifts[s], 120, "replacement classes " + Arrays.toString(shifts));
    }
    int[] again = clean.clone();
    LabelNoise.apply(again, 10, 0.2, 42);
    assertArrayEquals(noisy, again, "deterministic");
    int[] prefix = Arrays.copyOf(clean, 5000);
    LabelNoise.apply(prefix, 10, 0.2, 42);
    assertArrayEquals(Arrays.copyOf(noisy, 5000), prefix, "independent of the training size");
    int[] more = clean.clone();
    LabelNoise.apply(more, 10, 0.4, 42);
    for (int i = 0; i < n; i++) {
      if (noisy[i] != clean[i]) {
        assertEquals(noisy[i], more[i], "a label flipped at p = 0.2 is flipped alike at 0.4");
      }
    }
    assertEquals(0, LabelNoise.apply(clean.clone(), 10, 0, 42));
  }

  @Test
  void teacherStudentTrainingLabelsAreNoisyAndTestLabelsClean() {
    int n = 20_000;
    Dataset clean = TeacherStudent.generate(teacher(n, 0, 3));
    Dataset noisy = TeacherStudent.generate(teacher(n, 0.25, 3));
    assertEquals(0, clean.noisyLabels());
    assertEquals(noisy.noisyLabels(), differences(clean.train().labels(), noisy.train().labels()));
    assertRate(noisy.noisyLabels(), n, 0.25);
    assertArrayEquals(clean.train().x(), noisy.train().x(), "inputs are untouched");
    assertArrayEquals(clean.test().labels(), noisy.test().labels(), "test labels stay clean");
    assertArrayEquals(
        noisy.train().labels(), TeacherStudent.generate(teacher(n, 0.25, 3)).train().labels());
    Dataset prefix = TeacherStudent.generate(teacher(1000, 0.25, 3));
    assertArrayEquals(Arrays.copyOf(noisy.train().labels(), 1000), prefix.train().labels());
  }

  @Test
  void imageTrainingLabelsAreNoisyAndTestLabelsClean() throws IOException {
    Path dir = Fixtures.mnist(tmp.resolve("m"), 2000, 300, false);
    Dataset clean =
        Images.dataset(Fixtures.spec("mnist", dir, 16, 2000, 300, 0, "none", "prefix", 8));
    Dataset noisy =
        Images.dataset(Fixtures.spec("mnist", dir, 16, 2000, 300, 0.3, "none", "prefix", 8));
    Dataset prefix =
        Images.dataset(Fixtures.spec("mnist", dir, 16, 500, 300, 0.3, "none", "prefix", 8));
    assertEquals(noisy.noisyLabels(), differences(clean.train().labels(), noisy.train().labels()));
    assertRate(noisy.noisyLabels(), 2000, 0.3);
    assertArrayEquals(clean.test().labels(), noisy.test().labels(), "test labels stay clean");
    assertArrayEquals(Arrays.copyOf(noisy.train().labels(), 500), prefix.train().labels());
    // The file's own labels are untouched (they are shared by every run in the JVM).
    int[] fileLabels = Images.files("mnist", dir.toString()).trainLabels();
    for (int i = 0; i < fileLabels.length; i++) {
      assertEquals(i % 10, fileLabels[i]);
    }
    assertNotEquals(0, noisy.noisyLabels());
  }
}
