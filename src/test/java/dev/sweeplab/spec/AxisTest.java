package dev.sweeplab.spec;

import static dev.sweeplab.spec.Specs.assertMessage;
import static dev.sweeplab.spec.Specs.parse;
import static dev.sweeplab.spec.Specs.parseFails;
import static dev.sweeplab.spec.Specs.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The four ways to give a key's values: scalar, list, range and log2-range. */
class AxisTest {
  private static List<Object> width(String yaml) {
    return values(
        parse("name: x", "limits: {max_runs: 1000000}", "model:", "  width: " + yaml),
        SpecKeys.WIDTH);
  }

  private static List<Object> initScale(String yaml) {
    return values(parse("name: x", "model:", "  init_scale: " + yaml), SpecKeys.INIT_SCALE);
  }

  @Test
  void scalarIsAOneValueAxis() {
    SweepSpec spec = parse("name: x", "model:", "  width: 128");
    assertEquals(List.of(128), values(spec, SpecKeys.WIDTH));
    assertEquals(List.of(), spec.axes());
  }

  @Test
  void listKeepsItsOrder() {
    assertEquals(List.of(64, 8, 32), width("[64, 8, 32]"));
    assertEquals(
        List.of("tanh", "relu"),
        values(parse("name: x", "model:", "  activation: [tanh, relu]"), SpecKeys.ACTIVATION));
  }

  @Test
  void oneElementListIsNotAnAxis() {
    SweepSpec spec = parse("name: x", "model:", "  width: [32]");
    assertEquals(List.of(32), values(spec, SpecKeys.WIDTH));
    assertEquals(List.of(), spec.axes());
  }

  @Test
  void blockStyleListWorksLikeFlowStyle() {
    SweepSpec spec = parse("name: x", "model:", "  width:", "    - 8", "    - 16");
    assertEquals(List.of(8, 16), values(spec, SpecKeys.WIDTH));
  }

  @Test
  void integerRangeIncludesBothEnds() {
    assertEquals(List.of(2, 4, 6, 8, 10), width("{range: [2, 10], step: 2}"));
  }

  @Test
  void integerRangeStopsAtTheLastStepBelowHigh() {
    assertEquals(List.of(1, 4, 7), width("{range: [1, 9], step: 3}"));
  }

  @Test
  void rangeWithEqualEndsIsOneValue() {
    assertEquals(List.of(5), width("{range: [5, 5], step: 1}"));
  }

  @Test
  void doubleRangeIsRoundedTo12SignificantDigits() {
    List<Object> v = initScale("{range: [0.1, 1.0], step: 0.1}");
    assertEquals(List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0), v);
    // 0.1 + 2 * 0.1 is 0.30000000000000004 in doubles; the recorded value must be 0.3 exactly
    assertEquals(0.30000000000000004, 0.1 + 2 * 0.1);
    assertEquals("0.3", String.valueOf(v.get(2)));
    assertEquals("0.7", String.valueOf(v.get(6)));
  }

  @Test
  void doubleRangeDoesNotLoseTheHighEndToRoundingError() {
    // (0.3 - 0.1) / 0.1 is 1.9999999999999998 in doubles: the tolerance must keep 0.3
    assertEquals(List.of(0.1, 0.2, 0.3), initScale("{range: [0.1, 0.3], step: 0.1}"));
    assertEquals(List.of(0.5, 0.75, 1.0, 1.25), initScale("{range: [0.5, 1.25], step: 0.25}"));
  }

  @Test
  void roundedValuesAreRecordedCleanlyInJson() {
    SweepSpec spec = parse("name: x", "model:", "  init_scale: {range: [0.1, 0.3], step: 0.1}");
    List<String> json = spec.expand().stream().map(RunConfig::canonicalJson).toList();
    assertTrue(json.get(2).contains("\"init_scale\":0.3,"), json.get(2));
  }

  @Test
  void log2RangeOfIntegers() {
    assertEquals(List.of(16, 32, 64, 128, 256, 512, 1024), width("{log2: [16, 1024], points: 7}"));
  }

  @Test
  void log2RangeRoundsIntegerKeysAndDropsRepeats() {
    // 2^(0, .5, 1, 1.5, 2) = 1, 1.41, 2, 2.83, 4 -> 1, 1, 2, 3, 4 -> 1, 2, 3, 4
    assertEquals(List.of(1, 2, 3, 4), width("{log2: [1, 4], points: 5}"));
  }

  @Test
  void log2RangeOfDoublesIsRounded() {
    SweepSpec spec =
        parse("name: x", "training:", "  learning_rate: {log2: [1.0e-4, 1.0e-2], points: 3}");
    assertEquals(List.of(1e-4, 1e-3, 1e-2), values(spec, SpecKeys.LEARNING_RATE));
    assertEquals(List.of(0.25, 0.5, 1.0, 2.0), initScale("{log2: [0.25, 2], points: 4}"));
  }

  @Test
  void rangeCanBeWrittenInBlockStyle() {
    SweepSpec spec = parse("name: x", "model:", "  depth:", "    range: [1, 3]", "    step: 1");
    assertEquals(List.of(1, 2, 3), values(spec, SpecKeys.DEPTH));
  }

  @Test
  void generatedValuesAreCheckedAgainstTheKeyRule() {
    UserError e = parseFails("name: x", "model:", "  width: {range: [0, 4], step: 2}");
    assertEquals("model.width must be >= 1, found 0", e.getMessage());
  }

  @Test
  void largestAllowedRangeIsAccepted() {
    assertEquals(100_000, width("{range: [1, 100000], step: 1}").size());
  }

  @Test
  void rangeWithTooManyValuesIsRejected() {
    UserError e = parseFails("name: x", "model:", "  width: {range: [1, 100001], step: 1}");
    assertEquals(
        "model.width must have at most 100000 values, found {range=[1, 100001], step=1}",
        e.getMessage());
  }

  @Test
  void hugeRangeIsRejectedNotWrappedToAnEmptyAxis() {
    // The value count overflowed a long and wrapped to an empty axis: a sweep of 0 runs passed.
    UserError e = parseFails("name: x", "model:", "  width: {range: [1, 1.0e19], step: 1}");
    assertMessage(e, "model.width", "must have at most 100000 values", "1.0E19");
  }

  @Test
  void log2WithTooManyPointsIsRejected() {
    UserError e = parseFails("name: x", "model:", "  init_scale: {log2: [1, 2], points: 100001}");
    assertEquals(
        "model.init_scale must have at most 100000 values, found '100001 values'", e.getMessage());
  }

  @Test
  void fractionalStepOnIntegerKeyIsRejectedNotTruncated() {
    // Truncating would give [1, 2, 3, 4]: 1.5, 2.5 and 3.5 silently cut and de-duplicated.
    UserError e = parseFails("name: x", "model:", "  width: {range: [1, 4], step: 0.5}");
    assertEquals("model.width must be an integer, found 1.5 (a number)", e.getMessage());
  }

  @Test
  void fractionalEndOnIntegerKeyIsRejected() {
    UserError e = parseFails("name: x", "model:", "  depth: {range: [1.5, 4], step: 1}");
    assertEquals("model.depth must be an integer, found 1.5 (a number)", e.getMessage());
  }

  @Test
  void integralFloatStepOnIntegerKeyIsFine() {
    assertEquals(List.of(1, 3, 5), width("{range: [1, 5], step: 2.0}"));
  }
}
