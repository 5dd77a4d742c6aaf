package dev.sweeplab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {
  @TempDir Path tmp;

  static double[] moments(float[] x) {
    double sum = 0;
    double squares = 0;
    for (float v : x) {
      sum += v;
      squares += (double) v * v;
    }
    double mean = sum / x.length;
    return new double[] {mean, Math.sqrt(squares / x.length - mean * mean)};
  }

  @Test
  void normalisationUsesTheWholeTrainingFile() throws IOException {
    Path dir = Fixtures.mnist(tmp.resolve("n"), 200, 50, true);
    Dataset full =
        Images.dataset(Fixtures.spec("mnist", dir, 16, 200, 50, 0, "standardize", "prefix", 1));
    double[] m = moments(full.train().x());
    assertEquals(0, m[0], 1e-5, "standardised training pixels have mean 0");
    assertEquals(1, m[1], 1e-5, "and standard deviation 1");

    Dataset none = Images.dataset(Fixtures.spec("mnist", dir, 16, 30, 50, 0, "none", "prefix", 1));
    Dataset unit = Images.dataset(Fixtures.spec("mnist", dir, 16, 30, 50, 0, "unit", "prefix", 1));
    Dataset small =
        Images.dataset(Fixtures.spec("mnist", dir, 16, 30, 50, 0, "standardize", "prefix", 1));
    ImageData files = Images.files("mnist", dir.toString());
    for (int k = 0; k < 30 * 16; k++) {
      float raw = none.train().x()[k];
      assertEquals(Math.rint(raw), raw, "none keeps raw 0..255");
      assertTrue(raw >= 0 && raw <= 255);
      assertEquals(raw / 255f, unit.train().x()[k], 1e-6);
      assertEquals((raw - files.mean()) / files.std(), small.train().x()[k], 1e-5);
      assertEquals(full.train().x()[k], small.train().x()[k], "independent of train_size");
    }
    for (int k = 0; k < none.test().x().length; k++) {
      float raw = none.test().x()[k];
      assertEquals((raw - files.mean()) / files.std(), full.test().x()[k], 1e-5, "test too");
    }
  }

  @Test
  void runsWithDifferentSizesAndNoiseShareOneParse() throws IOException {
    Path dir = Fixtures.mnist(tmp.resolve("cache"), 100, 20, true);
    long parses = Images.parses();
    long builds = DatasetCache.builds();
    Images.check(Fixtures.mnistSpec(dir, 100, 20));
    assertEquals(parses, Images.parses(), "the pre-flight check reads no pixels");
    Dataset ten = DatasetCache.get(Fixtures.mnistSpec(dir, 10, 20));
    Dataset fifty = DatasetCache.get(Fixtures.mnistSpec(dir, 50, 20));
    Dataset noisy =
        DatasetCache.get(Fixtures.spec("mnist", dir, 16, 50, 20, 0.5, "unit", "balanced", 5));
    assertSame(ten, DatasetCache.get(Fixtures.mnistSpec(dir, 10, 20)));
    assertNotSame(ten, fifty);
    assertNotSame(fifty, noisy);
    assertEquals(parses + 1, Images.parses(), "one parse of the files for every run");
    assertEquals(builds + 3, DatasetCache.builds(), "one data set per spec");
  }

  @Test
  void concurrentRunsStillParseOnce() throws Exception {
    Path dir = Fixtures.mnist(tmp.resolve("threads"), 400, 20, true);
    long parses = Images.parses();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Dataset>> runs = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int n = 10 + t % 8;
        runs.add(pool.submit(() -> DatasetCache.get(Fixtures.mnistSpec(dir, n, 20))));
      }
      for (int t = 0; t < 16; t++) {
        assertEquals(10 + t % 8, runs.get(t).get().train().size());
        assertSame(runs.get(t % 8).get(), runs.get(t).get(), "equal specs, one data set");
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(parses + 1, Images.parses());
  }

  @Test
  void realFashionMnistWhenInstalled() {
    Path dir = Path.of("/usr/share/datasets/fashion-mnist");
    Assumptions.assumeTrue(Files.isDirectory(dir), "Debian's dataset-fashion-mnist not installed");
    DatasetSpec spec =
        Fixtures.spec("fashion_mnist", dir, 784, 1000, 500, 0.1, "standardize", "balanced", 1);
    DatasetCache.check(spec);
    Dataset data = DatasetCache.get(spec);
    assertEquals(784, data.inputDim());
    assertEquals(10, data.outputs());
    assertEquals(1000 * 784, data.train().x().length);
    assertEquals(500 * 784, data.test().x().length);
    int[] counts = new int[10];
    for (int y : data.train().labels()) {
      assertTrue(y >= 0 && y < 10, "label " + y);
      counts[y]++;
    }
    for (int y : data.test().labels()) {
      assertTrue(y >= 0 && y < 10, "test label " + y);
    }
    for (int c = 0; c < 10; c++) {
      assertTrue(counts[c] > 50, "balanced, then 10% noise: class " + c + " has " + counts[c]);
    }
    ImageData files = Images.files("fashion_mnist", dir.toString());
    assertEquals(60_000, files.trainLabels().length);
    assertEquals(10_000, files.testLabels().length);
    // Fashion-MNIST's published training-pixel mean and std (on 0..255): 72.94 and 90.02.
    assertEquals(72.94, files.mean(), 0.05);
    assertEquals(90.02, files.std(), 0.05);
  }
}
