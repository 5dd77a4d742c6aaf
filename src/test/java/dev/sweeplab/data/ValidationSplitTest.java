package dev.sweeplab.data;

import static dev.sweeplab.data.Fixtures.assertUserError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validation split: drawn from the training distribution, apart from every training subset of a
 * sweep whatever its size, the same for every run of the sweep, with clean labels.
 */
class ValidationSplitTest {
  /** Training images in the fixture: fewer than 256, so each image's first pixel names it. */
  private static final int FILE = 250;

  @TempDir Path tmp;

  /** Which file image each sample of {@code split} is: pixel 0 of image i is 7i mod 256. */
  private static Set<Integer> images(Dataset.Split split, int inputDim) {
    Set<Integer> ids = new HashSet<>();
    for (int r = 0; r < split.size(); r++) {
      int first = (int) split.x()[r * inputDim];
      ids.add((first * 183) % 256); // 183 = 7^-1 mod 256
    }
    assertEquals(split.size(), ids.size(), "distinct images");
    return ids;
  }

  private static DatasetSpec spec(Path dir, int train, double noise, String subset, int valSize) {
    return new DatasetSpec(
        "mnist",
        "classification",
        16,
        10,
        64,
        train,
        20,
        dir.toString(),
        noise,
        "none",
        subset,
        5,
        5,
        valSize,
        0.0);
  }

  @Test
  void fileSetValidationIsApartFromEveryTrainingSubsetAndTheSameForAll() throws IOException {
    Path dir = Fixtures.mnist(tmp.resolve("prefix"), FILE, 20, false);
    for (String subset : List.of("prefix", "balanced")) {
      int val = 40;
      Set<Integer> first = null;
      for (int train : new int[] {10, 100, FILE - val}) {
        Dataset data = DatasetCache.get(spec(dir, train, 0.0, subset, val));
        Set<Integer> trainIds = images(data.train(), 16);
        Set<Integer> valIds = images(data.val(), 16);
        assertEquals(val, valIds.size(), subset);
        Set<Integer> shared = new HashSet<>(trainIds);
        shared.retainAll(valIds);
        assertEquals(Set.of(), shared, subset + ", train_size " + train + ": no shared image");
        if (first == null) {
          first = valIds;
        }
        assertEquals(first, valIds, subset + ": one validation set for every train_size");
        for (int r = 0; r < data.val().size(); r++) {
          int image = (((int) data.val().x()[r * 16]) * 183) % 256;
          assertEquals(image % 10, data.val().labels()[r], "the file's own label");
        }
      }
      int[] perClass = new int[10];
      for (int y : DatasetCache.get(spec(dir, 10, 0.0, subset, val)).val().labels()) {
        perClass[y]++;
      }
      if (subset.equals("balanced")) {
        assertArrayEquals(new int[] {4, 4, 4, 4, 4, 4, 4, 4, 4, 4}, perClass, "balanced too");
      }
    }
  }

  @Test
  void labelNoiseNeverReachesTheValidationLabels() throws IOException {
    Path dir = Fixtures.mnist(tmp.resolve("noise"), FILE, 20, false);
    Dataset clean = DatasetCache.get(spec(dir, 100, 0.0, "prefix", 50));
    Dataset noisy = DatasetCache.get(spec(dir, 100, 0.8, "prefix", 50));
    assertTrue(noisy.noisyLabels() > 50, "the training labels are noisy: " + noisy.noisyLabels());
    assertFalse(Arrays.equals(clean.train().labels(), noisy.train().labels()));
    assertArrayEquals(clean.val().labels(), noisy.val().labels(), "validation labels stay clean");
    assertArrayEquals(clean.val().x(), noisy.val().x());
  }

  @Test
  void aValidationSetThatWouldOverlapTheTrainingSubsetIsRefused() throws IOException {
    Path dir = Fixtures.mnist(tmp.resolve("full"), FILE, 20, false);
    assertUserError(
        () -> Images.check(spec(dir, 200, 0.0, "prefix", 51)),
        "dataset.val_size = 51 with dataset.train_size = 200 needs 251 samples",
        "more than the 250",
        "must be at most 50 here");
    Images.check(spec(dir, 200, 0.0, "prefix", 50));
    // Classes of unequal size: class 0 holds 61 images, every other 21. A balanced subset of 200
    // takes 20 of each class, which leaves 1 of classes 1..9: the round robin from the back takes
    // one of each class, then a second of class 0, and stops at class 1.
    Path skewed =
        Fixtures.mnist(tmp.resolve("skewed"), 250, 20, false, i -> i < 61 ? 0 : 1 + (i - 61) % 9);
    assertEquals(
        11, Subsets.balancedRoom(labels(250, i -> i < 61 ? 0 : 1 + (i - 61) % 9), 10, 200));
    assertUserError(
        () -> DatasetCache.get(spec(skewed, 200, 0.0, "balanced", 12)),
        "dataset.val_size must be at most 11 with dataset.subset = balanced and"
            + " dataset.train_size = 200",
        "found 12");
    Dataset fits = DatasetCache.get(spec(skewed, 200, 0.0, "balanced", 11));
    Set<Integer> shared = new HashSet<>(images(fits.train(), 16));
    shared.retainAll(images(fits.val(), 16));
    assertEquals(Set.of(), shared, "the most that fits shares nothing");
  }

  private static int[] labels(int n, java.util.function.IntUnaryOperator label) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = label.applyAsInt(i);
    }
    return out;
  }

  @Test
  void teacherStudentValidationIsItsOwnDrawApartFromTrainAndTest() {
    for (String subset : List.of("prefix", "balanced")) {
      DatasetSpec small = teacher(100, 0.0, subset);
      DatasetSpec large = teacher(3000, 0.0, subset);
      Dataset a = TeacherStudent.generate(small);
      Dataset b = TeacherStudent.generate(large);
      assertEquals(256, a.val().size());
      assertArrayEquals(a.val().x(), b.val().x(), subset + ": one validation set for every size");
      Set<List<Float>> val = rows(b.val());
      for (Dataset.Split other : List.of(b.train(), b.test())) {
        Set<List<Float>> shared = rows(other);
        shared.retainAll(val);
        assertEquals(Set.of(), shared, subset + ": no validation sample is a train or test one");
      }
      Dataset noisy = TeacherStudent.generate(teacher(3000, 0.5, subset));
      assertFalse(Arrays.equals(b.train().labels(), noisy.train().labels()));
      assertArrayEquals(b.val().labels(), noisy.val().labels(), "clean validation labels");
      if (subset.equals("balanced")) {
        int[] perClass = new int[3];
        for (int y : b.val().labels()) {
          perClass[y]++;
        }
        assertArrayEquals(new int[] {86, 85, 85}, perClass, "drawn as the training set is");
      }
    }
    Dataset none =
        TeacherStudent.generate(
            new DatasetSpec(
                "teacher_student",
                "classification",
                6,
                3,
                8,
                100,
                50,
                "",
                0.0,
                "none",
                "prefix",
                9));
    assertEquals(0, none.val().size(), "val_size 0: no validation split");
  }

  private static DatasetSpec teacher(int train, double noise, String subset) {
    return new DatasetSpec(
        "teacher_student",
        "classification",
        6,
        3,
        8,
        train,
        500,
        "",
        noise,
        "standardize",
        subset,
        9,
        9,
        256,
        0.0);
  }

  private static Set<List<Float>> rows(Dataset.Split split) {
    int d = split.x().length / Math.max(1, split.size());
    Set<List<Float>> out = new HashSet<>();
    for (int r = 0; r < split.size(); r++) {
      Float[] row = new Float[d];
      for (int j = 0; j < d; j++) {
        row[j] = split.x()[r * d + j];
      }
      out.add(List.of(row));
    }
    return out;
  }
}
