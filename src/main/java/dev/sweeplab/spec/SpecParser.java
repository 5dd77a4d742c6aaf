package dev.sweeplab.spec;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a sweep spec from YAML and checks all of it before anything runs: unknown keys (with the
 * nearest valid key), wrong types, out-of-range values, empty axes, conflicting keys and a grid
 * larger than {@code limits.max_runs}. Every error names the key path, the value and what is
 * accepted. The file's text is {@link SpecText}'s; the rules across keys are {@link DataChecks},
 * {@link TrainingChecks} and {@link AnalysisChecks}.
 */
public final class SpecParser {
  private SpecParser() {}

  /** Parses and validates the spec file at {@code file}. */
  public static SweepSpec parse(Path file) {
    return parse(file, null);
  }

  /**
   * Parses and validates the spec file at {@code file}, its configurations read from the JSON Lines
   * file {@code configs} when that is not null (in place of any {@code configs:} the spec names).
   */
  public static SweepSpec parse(Path file, Path configs) {
    Map<?, ?> tree = SpecText.load(SpecText.read(file), file.toString());
    Path dir = file.toAbsolutePath().getParent();
    return fromTree(tree, true, dir, configs == null ? null : Configs.read(configs));
  }

  /**
   * Parses and validates spec text; {@code source} names it in errors. A {@code configs:} file is
   * read relative to the working directory.
   */
  public static SweepSpec parse(String yamlText, String source) {
    return fromTree(SpecText.load(yamlText, source), true, null, null);
  }

  /** Re-reads a spec from the canonical JSON the {@code sweeps} table records. */
  public static SweepSpec fromCanonicalJson(String json) {
    Map<String, Object> tree = new LinkedHashMap<>();
    CanonicalJson.read(json)
        .forEach(
            (path, value) -> {
              int dot = path.indexOf('.');
              if (dot < 0) {
                tree.put(path, value);
              } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> section =
                    (Map<String, Object>)
                        tree.computeIfAbsent(path.substring(0, dot), s -> new LinkedHashMap<>());
                section.put(path.substring(dot + 1), value);
              }
            });
    return fromTree(tree, false, null, null);
  }

  /** Validates an already-loaded tree (YAML or built in code). */
  static SweepSpec fromTree(Map<?, ?> tree) {
    return fromTree(tree, true, null, null);
  }

  /**
   * {@link #fromTree(Map)}; {@code training} false for a spec read back from the {@code sweeps}
   * table, which was valid when it ran: the combinations a parameterization does not define (now
   * refused before any run trains) are not checked again, so its sweep's status and analyses still
   * read. A {@code configs:} file is read relative to {@code dir} (null: the working directory);
   * {@code configs}, when not null, replaces it.
   */
  private static SweepSpec fromTree(
      Map<?, ?> tree, boolean training, Path dir, List<Configs.Line> configs) {
    Map<String, Object> flat = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : tree.entrySet()) {
      String k = String.valueOf(e.getKey());
      if (SpecKeys.SECTIONS.contains(k)) {
        if (!(e.getValue() instanceof Map<?, ?> section)) {
          throw UserError.wrongType(k, e.getValue(), "a mapping of keys");
        }
        for (Map.Entry<?, ?> inner : section.entrySet()) {
          String path = k + "." + inner.getKey();
          if (!SpecKeys.BY_PATH.containsKey(path)) {
            throw unknownKey(path, k);
          }
          flat.put(path, inner.getValue());
        }
      } else if (SpecKeys.BY_PATH.containsKey(k) && SpecKeys.BY_PATH.get(k).section().isEmpty()) {
        flat.put(k, e.getValue());
      } else {
        throw unknownKey(k, "");
      }
    }
    if (!flat.containsKey(SpecKeys.NAME.path())) {
      throw UserError.missing(
          "name", "every sweep needs a name (" + SpecKeys.NAME.rule().text() + ")");
    }
    String name = (String) scalar(SpecKeys.NAME, flat);
    String description = (String) scalar(SpecKeys.DESCRIPTION, flat);
    long seed = (Long) scalar(SpecKeys.SEED, flat);
    int repeats = (Integer) scalar(SpecKeys.REPEATS, flat);
    int maxRuns = (Integer) scalar(SpecKeys.MAX_RUNS, flat);
    if (flat.get(SpecKeys.RUN_TIMEOUT.path()) instanceof Number n) {
      flat.put(SpecKeys.RUN_TIMEOUT.path(), n.toString()); // plain seconds: 90 means 90s
    }
    String runTimeout = ((String) scalar(SpecKeys.RUN_TIMEOUT, flat)).trim();
    if (flat.get(SpecKeys.DISTRIBUTED_ABOVE.path()) instanceof Number n) {
      // YAML reads 2e12 as a number, "2e12" as text: both mean the same threshold.
      flat.put(SpecKeys.DISTRIBUTED_ABOVE.path(), n.toString());
    }
    String distributedAbove = ((String) scalar(SpecKeys.DISTRIBUTED_ABOVE, flat)).trim();
    checkFits(runTimeout, distributedAbove);
    int distributedWorkers = (Integer) scalar(SpecKeys.DISTRIBUTED_WORKERS, flat);

    if (flat.get(SpecKeys.VAL_SIZE.path()) instanceof Number n) {
      flat.put(SpecKeys.VAL_SIZE.path(), n.toString()); // a count: 2000 and "2000" mean the same
    }
    Map<Key, List<Object>> values = new LinkedHashMap<>();
    Map<Key, Distribution> distributions = new LinkedHashMap<>();
    for (Key key : SpecKeys.RUN) {
      if (flat.get(key.path()) instanceof Map<?, ?> map && Distribution.meant(map)) {
        distributions.put(key, Distribution.parse(key, map));
        values.put(key, List.of(key.defaultValue())); // replaced by the values drawn
        continue;
      }
      values.put(
          key,
          flat.containsKey(key.path())
              ? Values.parse(key, flat.get(key.path()))
              : List.of(key.defaultValue()));
    }
    if (values.get(SpecKeys.TASK).get(0).equals("regression")
        && !flat.containsKey(SpecKeys.LOSS.path())) {
      // The task's loss, before a configuration that leaves dataset.loss out takes it as its own.
      values.put(SpecKeys.LOSS, List.of(RunConfig.defaultLoss("regression")));
    }
    SearchParser.Chosen chosen =
        SearchParser.search(flat, values, distributions, seed, repeats, maxRuns, dir, configs);
    Search search = chosen.search();
    // A configurations list is a list, not a grid: its cross-key rules hold line by line (below),
    // where the union of the lines' values would pair a line's value with another line's. A random
    // search draws each key independently, so the union of its draws stands for the combinations
    // its distributions can draw, and is checked as a grid is, whatever the seed.
    boolean perConfiguration = chosen.where() != null;
    Map<Key, List<Object>> searched = new LinkedHashMap<>();
    for (Key key : search.keys()) {
      Set<Object> distinct = new LinkedHashSet<>();
      search.points().forEach(point -> distinct.add(point.get(key)));
      searched.put(key, List.copyOf(distinct));
    }
    values.putAll(searched);
    DataChecks.crossCheck(flat, values, !perConfiguration);
    searched.forEach(
        (key, v) -> {
          if (!values.get(key).equals(v)) {
            throw UserError.of(
                key.path()
                    + " = "
                    + v
                    + " in the "
                    + search.method()
                    + " search is fixed at "
                    + values.get(key)
                    + " by the rest of the spec (the data set or the task): leave it out of the"
                    + " search");
          }
        });
    if (perConfiguration) {
      for (int i = 0; i < search.points().size(); i++) {
        Map<Key, List<Object>> one = new LinkedHashMap<>(values);
        search.points().get(i).forEach((key, v) -> one.put(key, List.of(v)));
        TrainingChecks.checkCombinations(one, chosen.where().get(i), training);
      }
    } else if (training) {
      TrainingChecks.checkParameterizations(values, null);
    }
    DataChecks.checkValSize(values);
    Map<Key, String> analysis = new LinkedHashMap<>();
    for (Key key : SpecKeys.ANALYSIS) {
      Object given = flat.get(key.path());
      if (key == SpecKeys.SCALING_Y
          && given != null
          && AnalysisChecks.RETIRED_METRICS.containsKey(given)) {
        if (training) {
          throw UserError.of(
              key.path()
                  + " = '"
                  + given
                  + "' is no longer accepted: it was the minimum of the test curve, the test set"
                  + " choosing its own best point. Use "
                  + AnalysisChecks.RETIRED_METRICS.get(given)
                  + " (the test value at the step of least validation loss) or best_val_loss;"
                  + " accepted: "
                  + key.rule().text().replaceFirst("^must be one of ", ""));
        }
        analysis.put(key, (String) given); // a recorded spec of a sweep that ran with it
        continue;
      }
      // Analysis values are kept as text; a number (analysis.bootstrap) as its decimal form.
      analysis.put(key, String.valueOf(scalar(key, flat)));
    }
    AnalysisChecks.checkAnalysis(analysis, values);
    AnalysisChecks.checkAnalysisGroups(analysis, values, search);
    if (training) {
      AnalysisChecks.checkValidationMetric(analysis, values);
    }
    SweepSpec spec =
        new SweepSpec(
            name,
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
    if (search.grid()) {
      SearchParser.checkCount(values, List.of(), null, 1, repeats, maxRuns);
    }
    TrainingChecks.checkWarmup(spec);
    if (training) {
      TrainingChecks.checkDataParallel(spec, distributedAbove);
    }
    return spec;
  }

  /**
   * The limits written as text must fit what holds them: the run timeout a long count of
   * nanoseconds from the run's start, the distributed threshold a finite double.
   */
  private static void checkFits(String runTimeout, String distributedAbove) {
    if (SweepSpec.durationMs(runTimeout).compareTo(BigDecimal.valueOf(SweepSpec.MAX_RUN_TIMEOUT_MS))
        > 0) {
      throw UserError.badValue(
          SpecKeys.RUN_TIMEOUT.path(),
          runTimeout,
          "must be at most "
              + SweepSpec.MAX_RUN_TIMEOUT_MS / 3_600_000
              + "h ("
              + SweepSpec.MAX_RUN_TIMEOUT_MS / 1000
              + "s, the longest span the 64-bit nanosecond deadline holds), or 'none'");
    }
    if (!distributedAbove.equals("none")
        && !Double.isFinite(Double.parseDouble(distributedAbove))) {
      throw UserError.badValue(
          SpecKeys.DISTRIBUTED_ABOVE.path(),
          distributedAbove,
          "must be at most " + Double.MAX_VALUE + " (the largest double), or 'none'");
    }
  }

  /**
   * An unknown key in {@code section} ("" for the top level), suggesting the keys of that name in
   * other sections: {@code epochs} at the top level is {@code training.epochs}.
   */
  private static UserError unknownKey(String path, String section) {
    String leaf =
        section.isEmpty()
            ? path.substring(path.lastIndexOf('.') + 1)
            : path.substring(section.length() + 1);
    List<String> elsewhere = new ArrayList<>();
    for (Key key : SpecKeys.BY_PATH.values()) {
      if (key.leaf().equals(leaf) && !key.section().equals(section)) {
        elsewhere.add(key.path());
      }
    }
    return UserError.unknownKey(path, SpecKeys.acceptedIn(section), elsewhere);
  }

  /** The one value of {@code key} in {@code flat}, typed and checked; its default when absent. */
  static Object scalar(Key key, Map<String, Object> flat) {
    if (!flat.containsKey(key.path())) {
      return key.defaultValue();
    }
    Object raw = flat.get(key.path());
    if (raw instanceof List || raw instanceof Map) {
      throw UserError.badValue(key.path(), raw, "takes one value, not a list or a mapping");
    }
    return Values.one(key, raw);
  }
}
