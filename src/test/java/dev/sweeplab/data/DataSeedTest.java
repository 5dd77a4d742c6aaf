package dev.sweeplab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dataset.data_seed}: under {@code shared} the repeats of a configuration train on one
 * sample; under {@code per_repeat} each draws its own training sample of the same task, tested on
 * the same test set.
 */
class DataSeedTest {
  @TempDir Path tmp;

  private static List<RunConfig> repeats(String dataset, String scope) {
    String yaml =
        "name: seeds\nseed: 7\nrepeats: 2\ndataset: {"
            + dataset
            + (scope.isEmpty() ? "" : ", data_seed: " + scope)
            + "}\nmodel: {width: 8, depth: 1}\n";
    List<RunConfig> runs = SpecParser.parse(yaml, "seeds.yaml").expand();
    assertEquals(2, runs.size());
    return runs;
  }

  private static final String TEACHER =
      "input_dim: 4, classes: 3, teacher_width: 8, train_size: 50, test_size: 40, label_noise: 0.2";

  @Test
  void perRepeatDrawsAnotherTrainingSampleOfTheSameTask() {
    List<RunConfig> runs = repeats(TEACHER, "per_repeat");
    RunConfig first = runs.get(0);
    RunConfig second = runs.get(1);
    assertNotEquals(first.dataSeed(), second.dataSeed());
    assertEquals(first.taskSeed(), second.taskSeed());
    Dataset a = DatasetCache.get(DatasetSpec.of(first));
    Dataset b = DatasetCache.get(DatasetSpec.of(second));
    assertFalse(Arrays.equals(a.train().x(), b.train().x()), "another training sample");
    assertArrayEquals(a.test().x(), b.test().x(), "the same test set");
    assertArrayEquals(a.test().labels(), b.test().labels(), "the same teacher labels it");
  }

  @Test
  void sharedKeepsOneSampleAndEveryRunId() {
    List<RunConfig> shared = repeats(TEACHER, "shared");
    List<RunConfig> omitted = repeats(TEACHER, "");
    assertEquals(omitted, shared, "shared is the default");
    for (int i = 0; i < 2; i++) {
      assertEquals(omitted.get(i).runId(), shared.get(i).runId());
      assertFalse(shared.get(i).canonicalJson().contains("data_seed_scope"));
      assertEquals(shared.get(i).taskSeed(), shared.get(i).dataSeed());
    }
    assertEquals(shared.get(0).dataSeed(), shared.get(1).dataSeed());
    Dataset a = DatasetCache.get(DatasetSpec.of(shared.get(0)));
    Dataset b = DatasetCache.get(DatasetSpec.of(shared.get(1)));
    assertArrayEquals(a.train().x(), b.train().x());
    assertArrayEquals(a.train().labels(), b.train().labels(), "the same noisy labels too");

    List<RunConfig> perRepeat = repeats(TEACHER, "per_repeat");
    for (int i = 0; i < 2; i++) {
      assertNotEquals(
          shared.get(i).runId(), perRepeat.get(i).runId(), "another sample, another run");
      assertEquals("per_repeat", perRepeat.get(i).columns().get("data_seed_scope"));
      assertEquals(perRepeat.get(i), RunConfig.fromJson("seeds", perRepeat.get(i).canonicalJson()));
    }
  }

  @Test
  void perRepeatTakesAnotherSubsetOfAnImageFile() throws IOException {
    Path dir = Fixtures.mnist(tmp.resolve("mnist"), 200, 60, false);
    String mnist = "name: mnist, path: '" + dir + "', train_size: 50, test_size: 30, val_size: 40";
    for (String subset : List.of("prefix", "balanced")) {
      List<RunConfig> runs = repeats(mnist + ", subset: " + subset, "per_repeat");
      Dataset a = Images.dataset(smallImages(runs.get(0)));
      Dataset b = Images.dataset(smallImages(runs.get(1)));
      assertFalse(Arrays.equals(a.train().x(), b.train().x()), subset + ": another subset");
      assertArrayEquals(a.test().x(), b.test().x(), subset + ": the same test samples");
      assertEquals(40, a.val().size(), subset + ": a validation split apart from the subset");
      List<RunConfig> shared = repeats(mnist + ", subset: " + subset, "shared");
      assertArrayEquals(
          Images.dataset(smallImages(shared.get(0))).train().x(),
          Images.dataset(smallImages(shared.get(1))).train().x(),
          subset + ": shared");
    }
  }

  /** The run's data set with the fixture's 4 × 4 images in place of MNIST's 28 × 28. */
  private static DatasetSpec smallImages(RunConfig run) {
    DatasetSpec s = DatasetSpec.of(run);
    return new DatasetSpec(
        s.name(),
        s.task(),
        16,
        s.classes(),
        s.teacherWidth(),
        s.trainSize(),
        s.testSize(),
        s.path(),
        s.labelNoise(),
        s.normalize(),
        s.subset(),
        s.seed(),
        s.taskSeed(),
        s.valSize(),
        s.inputSpectrum());
  }
}
