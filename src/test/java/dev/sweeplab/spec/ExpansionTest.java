package dev.sweeplab.spec;

import static dev.sweeplab.spec.Specs.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The cartesian expansion of a spec into runs. */
class ExpansionTest {
  /** Axes listed in the file in the opposite order to the registry, to show file order is moot. */
  private static final String[] GRID = {
    "name: grid",
    "seed: 99",
    "repeats: 2",
    "model:",
    "  activation: [relu, tanh]",
    "  depth: {range: [1, 4], step: 1}",
    "  width: [8, 16]",
    "dataset:",
    "  train_size: [10, 20, 30]",
  };

  private static List<Object> tuple(RunConfig r) {
    return List.of(r.trainSize(), r.width(), r.depth(), r.activation(), r.repeat());
  }

  @Test
  void runCountIsTheProductOfAxisSizesTimesRepeats() {
    SweepSpec spec = parse(GRID);
    assertEquals(3L * 2 * 4 * 2 * 2, spec.runCount());
    assertEquals(96, spec.expand().size());
  }

  @Test
  void axesAreListedInRegistryOrder() {
    assertEquals(
        List.of(SpecKeys.TRAIN_SIZE, SpecKeys.WIDTH, SpecKeys.DEPTH, SpecKeys.ACTIVATION),
        parse(GRID).axes());
  }

  @Test
  void firstRegistryKeyVariesSlowestAndRepeatFastest() {
    List<List<Object>> expected = new ArrayList<>();
    for (int trainSize : List.of(10, 20, 30)) {
      for (int width : List.of(8, 16)) {
        for (int depth = 1; depth <= 4; depth++) {
          for (String activation : List.of("relu", "tanh")) {
            for (int repeat = 0; repeat < 2; repeat++) {
              expected.add(List.of(trainSize, width, depth, activation, repeat));
            }
          }
        }
      }
    }
    assertEquals(expected, parse(GRID).expand().stream().map(ExpansionTest::tuple).toList());
  }

  @Test
  void firstRunsAreSpelledOut() {
    List<RunConfig> runs = parse(GRID).expand();
    assertEquals(List.of(10, 8, 1, "relu", 0), tuple(runs.get(0)));
    assertEquals(List.of(10, 8, 1, "relu", 1), tuple(runs.get(1)));
    assertEquals(List.of(10, 8, 1, "tanh", 0), tuple(runs.get(2)));
    assertEquals(List.of(10, 8, 2, "relu", 0), tuple(runs.get(4)));
    assertEquals(List.of(10, 16, 1, "relu", 0), tuple(runs.get(16)));
    assertEquals(List.of(20, 8, 1, "relu", 0), tuple(runs.get(32)));
    assertEquals(List.of(30, 16, 4, "tanh", 1), tuple(runs.get(95)));
  }

  @Test
  void expansionIsDeterministic() {
    SweepSpec spec = parse(GRID);
    assertEquals(spec.expand(), spec.expand());
    assertEquals(spec.expand(), parse(GRID).expand());
  }

  @Test
  void everyRunHasItsOwnRunIdAndSeed() {
    List<RunConfig> runs = parse(GRID).expand();
    Set<String> ids = new HashSet<>();
    Set<Long> seeds = new HashSet<>();
    for (RunConfig r : runs) {
      ids.add(r.runId());
      seeds.add(r.seed());
    }
    assertEquals(runs.size(), ids.size());
    assertEquals(runs.size(), seeds.size());
  }

  @Test
  void repeatsDifferOnlyInRepeatIndexAndSeed() {
    List<RunConfig> runs = parse(GRID).expand();
    for (int i = 0; i < runs.size(); i += 2) {
      RunConfig first = runs.get(i);
      RunConfig second = runs.get(i + 1);
      assertEquals(0, first.repeat());
      assertEquals(1, second.repeat());

      Map<String, Object> a = new TreeMap<>(first.columns());
      Map<String, Object> b = new TreeMap<>(second.columns());
      assertEquals(0, a.remove("repeat"));
      assertEquals(1, b.remove("repeat"));
      assertEquals(a, b, "runs " + i + " and " + (i + 1));

      assertNotEquals(first.runId(), second.runId());
      assertNotEquals(first.seed(), second.seed());
      // same data: repeats vary the model's init and batch order, not the samples
      assertEquals(first.dataSeed(), second.dataSeed());
    }
  }

  @Test
  void nonAxisFieldsAreTheSameInEveryRun() {
    for (RunConfig r : parse(GRID).expand()) {
      assertEquals("grid", r.sweep());
      assertEquals(99L, r.sweepSeed());
      assertEquals("teacher_student", r.dataset());
      assertEquals("classification", r.task());
      assertEquals(32, r.inputDim());
      assertEquals(10, r.classes());
      assertEquals(64, r.teacherWidth());
      assertEquals(1000, r.testSize());
      assertEquals(1.0, r.initScale());
      assertEquals("adam", r.optimizer());
      assertEquals(1e-3, r.learningRate());
      assertEquals(128, r.batchSize());
      assertEquals(10, r.epochs());
      assertEquals(0, r.steps());
      assertEquals(20, r.evalPoints());
    }
  }

  @Test
  void specWithoutAxesExpandsToOneRunPerRepeat() {
    List<RunConfig> runs = parse("name: one", "repeats: 5").expand();
    assertEquals(5, runs.size());
    for (int r = 0; r < 5; r++) {
      assertEquals(r, runs.get(r).repeat());
      assertEquals(64, runs.get(r).width());
    }
  }

  @Test
  void singleRunForDefaults() {
    List<RunConfig> runs = parse("name: one").expand();
    assertEquals(1, runs.size());
    assertEquals(0, runs.get(0).repeat());
    assertEquals(0L, runs.get(0).sweepSeed());
  }

  @Test
  void expandedRunsAreImmutableAgainstLaterRuns() {
    // expand() reuses one mutable column map per grid point; earlier runs must not change.
    List<RunConfig> runs = parse(GRID).expand();
    assertEquals(List.of(10, 8, 1, "relu", 0), tuple(runs.get(0)));
    assertEquals(0, runs.get(0).columns().get("repeat"));
  }
}
