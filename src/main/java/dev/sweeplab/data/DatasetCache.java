package dev.sweeplab.data;

import dev.sweeplab.spec.DataShapes;
import dev.sweeplab.spec.UserError;

/**
 * Data sets built once per JVM and shared by the runs an executor trains, keyed by {@link
 * DatasetSpec}: a few entries, least recently used dropped first, within a quarter of the heap (one
 * full CIFAR-10 training set is 600 MB of floats). Thread-safe: concurrent requests for one spec
 * build it once, and unrelated specs build in parallel. Also the driver's pre-flight {@link
 * #check}.
 */
public final class DatasetCache {
  private static final BoundedCache<DatasetSpec, Dataset> CACHE =
      new BoundedCache<>(8, Runtime.getRuntime().maxMemory() / 4, DatasetCache::bytes);

  private DatasetCache() {}

  /** The data set for {@code spec}, built on first use. */
  public static Dataset get(DatasetSpec spec) {
    return CACHE.get(spec, DatasetCache::build);
  }

  /** How many data sets this JVM has built (for tests and the benchmark). */
  public static long builds() {
    return CACHE.builds();
  }

  /**
   * Checks, on the driver and before any training, that the data a run needs can be had: for a
   * file-backed set, that its files exist with sane headers and hold enough samples of the right
   * size, reading headers and the small label files, and passing over gzipped pixels without
   * keeping them. Throws a {@link UserError} naming the file and the problem, the same one training
   * would meet.
   */
  public static void check(DatasetSpec spec) {
    if (DataShapes.of(spec.name()) != null) {
      Images.check(spec);
    } else if (!spec.name().equals(DataShapes.TEACHER_STUDENT)) {
      throw unknown(spec.name());
    }
  }

  private static Dataset build(DatasetSpec spec) {
    if (DataShapes.of(spec.name()) != null) {
      return Images.dataset(spec);
    }
    if (spec.name().equals(DataShapes.TEACHER_STUDENT)) {
      return TeacherStudent.generate(spec);
    }
    throw unknown(spec.name());
  }

  private static UserError unknown(String name) {
    return UserError.badValue(
        "dataset.name", name, "must be one of teacher_student, mnist, fashion_mnist, cifar10");
  }

  private static long bytes(Dataset data) {
    return bytes(data.train()) + bytes(data.test()) + bytes(data.val());
  }

  private static long bytes(Dataset.Split split) {
    long n = split.x().length;
    n += split.labels() == null ? 0 : split.labels().length;
    n += split.targets() == null ? 0 : split.targets().length;
    return 4 * n;
  }
}
