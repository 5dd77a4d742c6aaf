package dev.sweeplab.spec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A validated sweep definition: the values of every run key (one value or an axis of several), how
 * many seeds per configuration, and the limits. Built only through {@link SpecParser} or {@link
 * #of}, both of which check everything, so an instance is always valid.
 *
 * @param name sweep name, the tables' partition
 * @param description free text from the spec
 * @param seed sweep seed
 * @param repeats seeds per configuration
 * @param maxRuns largest grid accepted
 * @param runTimeout longest a run may train ({@code none}, or seconds, minutes or hours: 90, 90s,
 *     30m, 2h); a run past it stops and is recorded as {@code timeout}
 * @param distributedAbove a cost ({@link RunConfig#cost()}, FLOP-equivalents) above which a run is
 *     trained data-parallel across the executors instead of in one task, or {@code none}
 * @param distributedWorkers workers of such a run; 0 for Spark's default parallelism
 * @param values run key → its values (one or more), in registry order; for a key the search's
 *     points set, the distinct values they give it
 * @param analysis analysis key → its value (the {@code analysis:} section, defaults filled)
 * @param search the points each combination of the axes is crossed with ({@link Search#GRID} for a
 *     plain grid)
 */
public record SweepSpec(
    String name,
    String description,
    long seed,
    int repeats,
    int maxRuns,
    String runTimeout,
    String distributedAbove,
    int distributedWorkers,
    Map<Key, List<Object>> values,
    Map<Key, String> analysis,
    Search search) {

  public SweepSpec {
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    analysis = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(analysis));
  }

  /**
   * The longest {@code limits.run_timeout}, in milliseconds: the trainer's deadline is a nanosecond
   * count, and a span past {@code Long.MAX_VALUE} ns (about 292 years) would wrap to a deadline
   * already past.
   */
  public static final long MAX_RUN_TIMEOUT_MS = Long.MAX_VALUE / 1_000_000;

  /** {@link #runTimeout} in milliseconds; 0 for none. */
  public long runTimeoutMs() {
    return durationMs(runTimeout).longValueExact();
  }

  /**
   * A duration as {@code limits.run_timeout} writes it ({@code none}, 90, 90s, 30m, 1.5h) in
   * milliseconds, exact and rounded half up to a whole millisecond; 0 for none.
   */
  static BigDecimal durationMs(String duration) {
    if (duration.equals("none")) {
      return BigDecimal.ZERO;
    }
    char unit = duration.charAt(duration.length() - 1);
    long scale = unit == 'h' ? 3_600_000 : unit == 'm' ? 60_000 : 1000;
    String number =
        Character.isDigit(unit) ? duration : duration.substring(0, duration.length() - 1);
    return new BigDecimal(number)
        .multiply(BigDecimal.valueOf(scale))
        .setScale(0, RoundingMode.HALF_UP);
  }

  /**
   * Whether {@code run} is trained data-parallel across the executors: its estimated cost exceeds
   * {@link #distributedAbove}. How a run is trained is not part of its identity (its run_id).
   */
  public boolean distributed(RunConfig run) {
    return !distributedAbove.equals("none") && run.cost() > Double.parseDouble(distributedAbove);
  }

  /**
   * This spec under another partition name, e.g. a nightly sweep's partition for its date; run
   * identities (and so seeds) do not include the name and stay the same.
   */
  public SweepSpec named(String partition) {
    if (!SpecKeys.NAME.rule().test().test(partition)) {
      throw UserError.badValue("name", partition, SpecKeys.NAME.rule().text());
    }
    return new SweepSpec(
        partition,
        description,
        seed,
        repeats,
        maxRuns,
        runTimeout,
        distributedAbove,
        distributedWorkers,
        values,
        analysis,
        search);
  }

  /** The value of one {@code analysis.*} key. */
  public String analysis(Key key) {
    return analysis.get(key);
  }

  /** Builds and validates a spec from code: run key → values (missing keys take defaults). */
  public static SweepSpec of(
      String name, long seed, int repeats, int maxRuns, Map<Key, List<?>> given) {
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("name", name);
    raw.put("seed", seed);
    raw.put("repeats", repeats);
    Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
    sections.computeIfAbsent("limits", s -> new LinkedHashMap<>()).put("max_runs", maxRuns);
    given.forEach(
        (key, v) ->
            sections
                .computeIfAbsent(key.section(), s -> new LinkedHashMap<>())
                .put(key.leaf(), v.size() == 1 ? v.get(0) : List.copyOf(v)));
    raw.putAll(sections);
    return SpecParser.fromTree(raw);
  }

  /** The largest {@code dataset.train_size} of the grid. */
  public int largestTrainSize() {
    return largestTrainSize(values);
  }

  /** The largest {@code dataset.train_size} of a grid's values (also before it is a spec). */
  static int largestTrainSize(Map<Key, List<Object>> values) {
    return values.get(SpecKeys.TRAIN_SIZE).stream().mapToInt(v -> (Integer) v).max().orElse(0);
  }

  /**
   * Validation samples every run of the sweep uses: {@code dataset.val_size} as given, or, for
   * {@code auto}, {@link RunConfig#autoValSize} of the largest {@code train_size}, so the one
   * validation set lies apart from every training subset of the sweep.
   */
  public int valSize() {
    return valSize(values);
  }

  /** {@link #valSize()} of a grid's values (also before it is a spec). */
  static int valSize(Map<Key, List<Object>> values) {
    String given = (String) values.get(SpecKeys.VAL_SIZE).get(0);
    return given.equals(RunConfig.VAL_AUTO)
        ? RunConfig.autoValSize(
            (String) values.get(SpecKeys.DATASET).get(0), largestTrainSize(values))
        : Integer.parseInt(given);
  }

  /**
   * Keys with more than one value: the swept axes and the keys a search's points vary, in registry
   * order.
   */
  public List<Key> axes() {
    List<Key> axes = new ArrayList<>();
    values.forEach(
        (key, v) -> {
          if (v.size() > 1) {
            axes.add(key);
          }
        });
    return axes;
  }

  /**
   * Runs the sweep expands to: the product of the axis sizes, times the search's points, times
   * repeats.
   */
  public long runCount() {
    long n = (long) repeats * search.points().size();
    for (Key key : gridKeys()) {
      n *= values.get(key).size();
    }
    return n;
  }

  /** The keys the cartesian product runs over: every run key the search's points do not set. */
  private List<Key> gridKeys() {
    List<Key> keys = new ArrayList<>(values.keySet());
    keys.removeAll(search.keys());
    return keys;
  }

  /**
   * The cartesian product of all axes, each combination crossed with the search's points, times
   * repeats, in a fixed order: the first registry key varies slowest, then the point, the repeat
   * index fastest.
   */
  public List<RunConfig> expand() {
    List<Key> keys = gridKeys();
    List<RunConfig> runs = new ArrayList<>((int) runCount());
    int[] index = new int[keys.size()];
    int valSize = valSize();
    while (true) {
      Map<String, Object> columns = new TreeMap<>();
      for (int k = 0; k < keys.size(); k++) {
        columns.put(keys.get(k).column(), values.get(keys.get(k)).get(index[k]));
      }
      columns.put("sweep_seed", seed);
      for (Map<Key, Object> point : search.points()) {
        point.forEach((key, v) -> columns.put(key.column(), v));
        for (int r = 0; r < repeats; r++) {
          columns.put("repeat", r);
          runs.add(RunConfig.of(name, columns, valSize));
        }
      }
      int k = keys.size() - 1;
      while (k >= 0 && ++index[k] == values.get(keys.get(k)).size()) {
        index[k] = 0;
        k--;
      }
      if (k < 0) {
        return runs;
      }
    }
  }

  /** The resolved spec as sorted-key JSON: what the {@code sweeps} table records. */
  public String canonicalJson() {
    Map<String, Object> tree = new TreeMap<>();
    tree.put(SpecKeys.NAME.path(), name);
    tree.put(SpecKeys.DESCRIPTION.path(), description);
    tree.put(SpecKeys.SEED.path(), seed);
    tree.put(SpecKeys.REPEATS.path(), repeats);
    tree.put(SpecKeys.MAX_RUNS.path(), maxRuns);
    tree.put(SpecKeys.RUN_TIMEOUT.path(), runTimeout);
    tree.put(SpecKeys.DISTRIBUTED_ABOVE.path(), distributedAbove);
    tree.put(SpecKeys.DISTRIBUTED_WORKERS.path(), distributedWorkers);
    List<Key> drawn = search.keys();
    values.forEach(
        (key, v) -> {
          if (!drawn.contains(key)) {
            tree.put(key.path(), v.size() == 1 ? v.get(0) : v);
          }
        });
    // A plain grid records no search keys: its JSON holds its values, limits and analyses only.
    if (search.method().equals("random")) {
      tree.put(SpecKeys.SEARCH_METHOD.path(), "random");
      tree.put(SpecKeys.SEARCH_SAMPLES.path(), search.samples());
      tree.put(SpecKeys.SEARCH_SEED.path(), search.seed());
      search.distributions().forEach((key, d) -> tree.put(key.path(), d.spec()));
    } else if (search.method().equals("configs")) {
      // The configurations themselves: the sweep re-expands from this JSON alone.
      List<Map<String, Object>> configs = new ArrayList<>();
      for (Map<Key, Object> point : search.points()) {
        Map<String, Object> line = new TreeMap<>();
        point.forEach((key, v) -> line.put(key.path(), v));
        configs.add(line);
      }
      tree.put(SpecKeys.CONFIGS.path(), configs);
    }
    analysis.forEach(
        (key, v) ->
            tree.put(key.path(), key.type() == Key.Type.INT ? (Object) Integer.valueOf(v) : v));
    return CanonicalJson.write(tree);
  }
}
