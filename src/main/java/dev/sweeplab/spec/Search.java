package dev.sweeplab.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a sweep picks configurations beyond the cartesian product of its axes: the points each grid
 * combination is crossed with. A plain grid has one empty point; a random search ({@code search:
 * {method: random, samples: N}}) has its distinct draws, each naming every key given as a {@link
 * Distribution}; a configurations list ({@code configs:}) has its lines, each naming every key any
 * line sets (a line that leaves a key out takes the spec's value). Points are built when the spec
 * is, so they are a pure function of it.
 *
 * @param method {@code grid}, {@code random} or {@code configs}
 * @param samples draws asked for (random; 1 otherwise)
 * @param seed {@code search.seed} as given: {@code seed} (the sweep seed) or an integer
 * @param distributions key → what it is drawn from (random), in registry order
 * @param points key → value of each point, in order; every point names the same keys
 */
public record Search(
    String method,
    int samples,
    String seed,
    Map<Key, Distribution> distributions,
    List<Map<Key, Object>> points) {

  /** The search of a plain grid: one point that sets nothing. */
  static final Search GRID = new Search("grid", 1, "seed", Map.of(), List.of(Map.of()));

  public Search {
    distributions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(distributions));
    List<Map<Key, Object>> copied = new ArrayList<>();
    for (Map<Key, Object> point : points) {
      copied.add(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(point)));
    }
    points = List.copyOf(copied);
  }

  /**
   * A random search of {@code samples} draws from {@code distributions}, seeded by {@code
   * drawSeed}.
   */
  static Search random(
      int samples, String seed, long drawSeed, Map<Key, Distribution> distributions) {
    Set<Map<Key, Object>> points = new LinkedHashSet<>();
    for (int i = 0; i < samples; i++) {
      Map<Key, Object> point = new LinkedHashMap<>();
      for (Map.Entry<Key, Distribution> d : distributions.entrySet()) {
        point.put(d.getKey(), d.getValue().draw(unit(drawSeed, i, d.getKey())));
      }
      points.add(point); // a repeated draw is the same configuration, kept once
    }
    return new Search("random", samples, seed, distributions, new ArrayList<>(points));
  }

  /**
   * The number in [0, 1) that sample {@code sample} draws for {@code key}: the top 53 bits of
   * SHA-256 of (seed, sample, key path). Each key's draws depend on nothing else, so adding a
   * distribution to a spec leaves the other keys' draws as they were.
   */
  static double unit(long seed, int sample, Key key) {
    String hex = CanonicalJson.sha256("search:" + seed + ":" + sample + ":" + key.path(), 16);
    return (Long.parseUnsignedLong(hex, 16) >>> 11) * 0x1.0p-53;
  }

  /** The keys every point sets, in registry order. */
  public List<Key> keys() {
    return new ArrayList<>(points.get(0).keySet());
  }

  /** Whether this is a plain grid. */
  public boolean grid() {
    return method.equals("grid");
  }

  /**
   * One line for the plan: "random: 12 samples (12 distinct), training.learning_rate log_uniform
   * [1.0E-4, 0.1]" or "configs: 5 configurations of training.learning_rate, model.width".
   */
  public String describe() {
    if (method.equals("random")) {
      StringBuilder line =
          new StringBuilder(
              "random: " + count(samples, "sample") + " (" + points.size() + " distinct)");
      distributions.forEach(
          (key, d) -> line.append(", ").append(key.path()).append(' ').append(d.describe()));
      return line.toString();
    }
    if (method.equals("configs")) {
      return "configs: "
          + count(points.size(), "configuration")
          + (keys().isEmpty()
              ? ""
              : " of " + String.join(", ", keys().stream().map(Key::path).toList()));
    }
    return "grid";
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
