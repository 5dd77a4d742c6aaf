package dev.sweeplab.data;

import dev.sweeplab.spec.UserError;
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
    return switch (spec.name()) {
      case "teacher_student" -> TeacherStudent.generate(spec);
      default ->
          throw UserError.badValue("dataset.name", spec.name(), "must be one of teacher_student");
    };
  }
}
