package dev.sweeplab.spec;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code search:} section and {@code configs:} of a spec into its {@link Search}, and
 * checks that the runs it gives stay within {@code limits.max_runs} before any is drawn.
 */
final class SearchParser {
  private SearchParser() {}

  /**
   * A spec's search and how errors name each of its points: a configurations list's lines ({@code
   * proposals.jsonl line 3}); null for a grid or a random search.
   */
  record Chosen(Search search, List<String> where) {}

  /**
   * The search of a spec whose run keys have been read into {@code values} (a key given as a
   * distribution holding its default) and {@code distributions}; {@code configs}, when not null,
   * replaces the spec's {@code configs:}, which is read relative to {@code dir}.
   */
  static Chosen search(
      Map<String, Object> flat,
      Map<Key, List<Object>> values,
      Map<Key, Distribution> distributions,
      long sweepSeed,
      int repeats,
      int maxRuns,
      Path dir,
      List<Configs.Line> configs) {
    if (flat.get(SpecKeys.SEARCH_SEED.path()) instanceof Number n) {
      flat.put(SpecKeys.SEARCH_SEED.path(), n.toString()); // 7 and "7" are the same seed
    }
    String method = (String) SpecParser.scalar(SpecKeys.SEARCH_METHOD, flat);
    int samples = (Integer) SpecParser.scalar(SpecKeys.SEARCH_SAMPLES, flat);
    String seed = ((String) SpecParser.scalar(SpecKeys.SEARCH_SEED, flat)).trim();
    boolean configsGiven = configs != null || flat.containsKey(SpecKeys.CONFIGS.path());
    if (method.equals("random")) {
      if (configsGiven) {
        throw UserError.of(
            SpecKeys.CONFIGS.path()
                + " and "
                + SpecKeys.SEARCH_METHOD.path()
                + " = random both choose the configurations: give one of them");
      }
      if (distributions.isEmpty()) {
        throw UserError.of(
            SpecKeys.SEARCH_METHOD.path()
                + " = random draws the keys given as distributions, and the spec gives none: give"
                + " one, e.g. training: {learning_rate: {log_uniform: [0.0001, 0.1]}}");
      }
      checkCount(
          values,
          distributions.keySet(),
          SpecKeys.SEARCH_SAMPLES.path(),
          samples,
          repeats,
          maxRuns);
      long drawSeed = seed.equals("seed") ? sweepSeed : Long.parseLong(seed);
      return new Chosen(Search.random(samples, seed, drawSeed, distributions), null);
    }
    for (Key key : List.of(SpecKeys.SEARCH_SAMPLES, SpecKeys.SEARCH_SEED)) {
      if (flat.containsKey(key.path())) {
        throw UserError.of(
            key.path()
                + " = "
                + UserError.show(flat.get(key.path()))
                + " applies to a random search only: add search: {method: random} or remove it");
      }
    }
    if (!distributions.isEmpty()) {
      Map.Entry<Key, Distribution> first = distributions.entrySet().iterator().next();
      throw UserError.of(
          first.getKey().path()
              + " = "
              + first.getValue().spec()
              + " is a distribution, which only a random search draws: add search: {method:"
              + " random, samples: N}, or give a value, a list or a range");
    }
    if (configsGiven) {
      List<Configs.Line> lines =
          configs != null ? configs : Configs.of(flat.get(SpecKeys.CONFIGS.path()), dir);
      checkCount(values, List.of(), "the configurations", lines.size(), repeats, maxRuns);
      return new Chosen(
          new Search("configs", 1, "seed", Map.of(), Configs.resolve(lines, values)),
          lines.stream().map(Configs.Line::where).toList());
    }
    return new Chosen(Search.GRID, null);
  }

  /**
   * Refuses a sweep of more than {@code maxRuns} runs: the product of the axes (the keys of {@code
   * values} with several values, less {@code drawn}), times {@code points} (named {@code
   * pointsName}; null for a plain grid), times repeats.
   */
  static void checkCount(
      Map<Key, List<Object>> values,
      Collection<Key> drawn,
      String pointsName,
      long points,
      int repeats,
      int maxRuns) {
    // Exact product: a long could overflow (four 65536-value axes wrap to 0) and pass the limit.
    BigInteger count = BigInteger.valueOf(repeats).multiply(BigInteger.valueOf(points));
    StringBuilder sizes = new StringBuilder();
    for (Map.Entry<Key, List<Object>> e : values.entrySet()) {
      if (drawn.contains(e.getKey())) {
        continue;
      }
      count = count.multiply(BigInteger.valueOf(e.getValue().size()));
      if (e.getValue().size() > 1) {
        sizes.append(e.getKey().path()).append(" (").append(e.getValue().size()).append(") x ");
      }
    }
    if (count.compareTo(BigInteger.valueOf(maxRuns)) <= 0) {
      return;
    }
    if (pointsName != null) {
      sizes.append(pointsName).append(" (").append(points).append(") x ");
    }
    sizes.append("repeats (").append(repeats).append(')');
    throw UserError.of(
        (pointsName == null ? "the grid expands to " : "the sweep expands to ")
            + count
            + " runs, more than limits.max_runs = "
            + maxRuns
            + ": "
            + sizes
            + ". "
            + (pointsName == null
                ? "Shrink an axis"
                : "Give fewer " + pointsName.replaceFirst("^the ", "") + ", shrink an axis")
            + " or raise limits.max_runs.");
  }
}
