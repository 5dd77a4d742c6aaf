package dev.sweeplab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubsetsTest {
  @TempDir Path tmp;

  /**
   * Unbalanced labels: class 0 on every 7th sample, the rest spread over 1..3 (and none of 4..9).
   */
  static final IntUnaryOperator SKEWED = i -> i % 7 == 0 ? 0 : i % 3 + 1;

  static DatasetSpec teacher(int train, String subset, long seed) {
    return new DatasetSpec(
        "teacher_student",
        "classification",
        8,
        4,
        16,
        train,
        50,
        "",
        0,
        "standardize",
        subset,
        seed);
  }

  static void assertCountsWithinOne(int[] labels, int classes) {
    int[] counts = new int[classes];
    for (int y : labels) {
      counts[y]++;
    }
    int min = Arrays.stream(counts).min().orElseThrow();
    int max = Arrays.stream(counts).max().orElseThrow();
    assertTrue(max - min <= 1, "class counts " + Arrays.toString(counts));
  }

  @Test
  void smallerSubsetsArePrefixesOfLargerOnesInBothModes() {
    int[] labels = new int[1000];
    Arrays.setAll(labels, SKEWED::applyAsInt);
    int[] prefix = Subsets.prefix(1000, 600, 11);
    int[] balanced = Subsets.balanced(labels, 4, 600, 11);
    for (int n : new int[] {1, 9, 101, 333, 599}) {
      assertArrayEquals(Arrays.copyOf(prefix, n), Subsets.prefix(1000, n, 11), "prefix " + n);
      assertArrayEquals(
          Arrays.copyOf(balanced, n), Subsets.balanced(labels, 4, n, 11), "balanced " + n);
    }
    assertEquals(600, Arrays.stream(prefix).distinct().count(), "no sample twice");
    assertEquals(600, Arrays.stream(balanced).distinct().count(), "no sample twice");
    assertFalse(Arrays.equals(prefix, Subsets.prefix(1000, 600, 12)), "the seed matters");
  }

  @Test
  void balancedClassCountsDifferByAtMostOneUntilAClassRunsOut() {
    int[] labels = new int[1000];
    Arrays.setAll(labels, SKEWED::applyAsInt); // class 0 has 143 samples
    for (int n : new int[] {4, 10, 57, 400, 572}) {
      int[] rows = Subsets.balanced(labels, 4, n, 3);
      int[] picked = Arrays.stream(rows).map(i -> labels[i]).toArray();
      assertCountsWithinOne(picked, 4);
    }
    // Past 4 x 143 class 0 is used up; the rest stay balanced and nothing repeats.
    int[] all = Subsets.balanced(labels, 4, 1000, 3);
    assertEquals(1000, Arrays.stream(all).distinct().count());
  }

  @Test
  void imageSubsetsArePrefixesAndTheTestSplitIgnoresTrainSize() throws IOException {
    Path dir = Fixtures.mnist(tmp.resolve("m"), 300, 80, true, SKEWED);
    for (String subset : new String[] {"prefix", "balanced"}) {
      Dataset small =
          Images.dataset(Fixtures.spec("mnist", dir, 16, 40, 30, 0.3, "unit", subset, 9));
      Dataset large =
          Images.dataset(Fixtures.spec("mnist", dir, 16, 250, 30, 0.3, "unit", subset, 9));
      assertArrayEquals(Arrays.copyOf(large.train().x(), 40 * 16), small.train().x(), subset);
      assertArrayEquals(Arrays.copyOf(large.train().labels(), 40), small.train().labels(), subset);
      assertArrayEquals(large.test().x(), small.test().x(), "test split of " + subset);
      assertArrayEquals(large.test().labels(), small.test().labels());
    }
    Dataset balanced =
        Images.dataset(Fixtures.spec("mnist", dir, 16, 100, 30, 0, "none", "balanced", 9));
    assertCountsWithinOne(balanced.train().labels(), 4);
    Dataset prefix =
        Images.dataset(Fixtures.spec("mnist", dir, 16, 100, 30, 0, "none", "prefix", 9));
    assertArrayEquals(prefix.test().x(), balanced.test().x(), "the test split ignores subset");
  }

  @Test
  void teacherStudentBalancedIsAPrefixWithEvenClasses() {
    Dataset small = TeacherStudent.generate(teacher(101, "balanced", 5));
    Dataset large = TeacherStudent.generate(teacher(1000, "balanced", 5));
    assertArrayEquals(Arrays.copyOf(large.train().x(), 101 * 8), small.train().x());
    assertArrayEquals(Arrays.copyOf(large.train().labels(), 101), small.train().labels());
    assertCountsWithinOne(small.train().labels(), 4);
    assertCountsWithinOne(large.train().labels(), 4);
    Dataset prefix = TeacherStudent.generate(teacher(1000, "prefix", 5));
    assertArrayEquals(prefix.test().x(), large.test().x(), "the test split ignores subset");
    assertFalse(Arrays.equals(prefix.train().labels(), large.train().labels()));
  }

  @Test
  void aClassTheStreamNeverProducesIsAUserError() {
    Fixtures.assertUserError(
        () -> Subsets.balanced(i -> i % 3, 4, 40, 1000),
        "dataset.subset = balanced needs 10 samples of class 3",
        "the first 1000 generated samples hold only 0");
  }
}
