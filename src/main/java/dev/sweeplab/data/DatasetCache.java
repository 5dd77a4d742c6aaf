package dev.sweeplab.data;

import dev.sweeplab.spec.DataShapes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Data sets built once per JVM and shared by the runs an executor trains: a small LRU keyed by
 * {@link DatasetSpec}. Concurrent requests for one spec build it once.
 */
public final class DatasetCache {
  private static final int MAX_ENTRIES = 8;
  private static final Map<DatasetSpec, Dataset> CACHE =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<DatasetSpec, Dataset> eldest) {
          return size() > MAX_ENTRIES;
        }
      };
  private static long builds;

  private DatasetCache() {}

  /** The data set for {@code spec}, built on first use. */
  public static synchronized Dataset get(DatasetSpec spec) {
    Dataset cached = CACHE.get(spec);
    if (cached == null) {
      cached = build(spec);
      builds++;
      CACHE.put(spec, cached);
    }
    return cached;
  }

  /** How many data sets this JVM has built (for tests and the benchmark). */
  public static synchronized long builds() {
    return builds;
  }

  private static Dataset build(DatasetSpec spec) {
    return DataShapes.of(spec.name()) == null
        ? TeacherStudent.generate(spec)
        : Images.dataset(spec);
  }

  /**
   * Checks, on the driver and before any training, that the data a run needs can be had: for a
   * file-backed set, that its files exist with valid headers and enough samples. Throws a UserError
   * naming the file and the problem.
   */
  public static void check(DatasetSpec spec) {
    if (DataShapes.of(spec.name()) != null) {
      Images.check(spec);
    }
  }
}
