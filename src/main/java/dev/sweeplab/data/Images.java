package dev.sweeplab.data;

import dev.sweeplab.spec.DataShapes;
import dev.sweeplab.spec.UserError;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * File-backed data sets (MNIST, Fashion-MNIST, CIFAR-10): the full files parsed once per JVM and
 * (name, path), then per run the training subset (a seeded prefix or class-balanced), label noise
 * on it, the test subset, and normalisation.
 */
public final class Images {
  private static final int MAX_FILES = 3;
  private static final Map<String, CompletableFuture<ImageData>> FILES =
      new LinkedHashMap<>(8, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<ImageData>> e) {
          return size() > MAX_FILES;
        }
      };
  private static final long TEST_STREAM = 0x74657374L;

  private Images() {}

  /** The data set a run of {@code spec} trains and is tested on. */
  static Dataset dataset(DatasetSpec spec) {
    ImageData files = files(spec.name(), spec.path());
    requireSizes(spec, files.trainCount(), files.testCount());
    int[] train =
        "balanced".equals(spec.subset())
            ? Subsets.balanced(files.trainLabels(), files.classes(), spec.trainSize(), spec.seed())
            : Subsets.prefix(files.trainCount(), spec.trainSize(), spec.seed());
    int[] test = Subsets.prefix(files.testCount(), spec.testSize(), spec.seed() ^ TEST_STREAM);
    Dataset.Split trainSplit = split(files, files.trainX(), files.trainLabels(), train, spec);
    int flipped =
        LabelNoise.apply(trainSplit.labels(), files.classes(), spec.labelNoise(), spec.seed());
    Dataset.Split testSplit = split(files, files.testX(), files.testLabels(), test, spec);
    return new Dataset(files.inputDim(), files.classes(), true, trainSplit, testSplit, flipped);
  }

  /** Checks the files' headers and sizes without reading their pixels. */
  static void check(DatasetSpec spec) {
    int[] counts =
        "cifar10".equals(spec.name())
            ? CifarReader.counts(spec.path())
            : IdxReader.counts(spec.path(), DataShapes.of(spec.name()).classes());
    requireSizes(spec, counts[0], counts[1]);
  }

  private static void requireSizes(DatasetSpec spec, int train, int test) {
    if (spec.trainSize() > train) {
      throw UserError.of(
          "dataset.train_size = "
              + spec.trainSize()
              + " but the training file in '"
              + spec.path()
              + "' has "
              + train
              + " samples");
    }
    if (spec.testSize() > test) {
      throw UserError.of(
          "dataset.test_size = "
              + spec.testSize()
              + " but the test file in '"
              + spec.path()
              + "' has "
              + test
              + " samples");
    }
  }

  private static Dataset.Split split(
      ImageData files, byte[] pixels, int[] labels, int[] rows, DatasetSpec spec) {
    int d = files.inputDim();
    float[] x = new float[rows.length * d];
    int[] y = new int[rows.length];
    double shift = "standardize".equals(spec.normalize()) ? files.mean() : 0;
    double scale =
        switch (spec.normalize()) {
          case "standardize" -> 1 / files.std();
          case "unit" -> 1 / 255.0;
          default -> 1;
        };
    for (int r = 0; r < rows.length; r++) {
      int from = rows[r] * d;
      for (int j = 0; j < d; j++) {
        x[r * d + j] = (float) (((pixels[from + j] & 0xff) - shift) * scale);
      }
      y[r] = labels[rows[r]];
    }
    return new Dataset.Split(rows.length, x, y, null);
  }

  /** The parsed files, read once per JVM; concurrent callers for the same files share the read. */
  static ImageData files(String name, String path) {
    CompletableFuture<ImageData> future;
    boolean mine = false;
    String key = name + "@" + path;
    synchronized (FILES) {
      future = FILES.get(key);
      if (future == null) {
        future = new CompletableFuture<>();
        FILES.put(key, future);
        mine = true;
      }
    }
    if (mine) {
      try {
        future.complete("cifar10".equals(name) ? CifarReader.read(path) : IdxReader.read(path, 10));
      } catch (RuntimeException e) {
        synchronized (FILES) {
          FILES.remove(key);
        }
        future.completeExceptionally(e);
      }
    }
    try {
      return future.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }
}
