package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

/**
 * The training progress display: its line, when it rewrites a line in place and when it logs, and
 * the not-ok count arriving from the tasks' accumulator. The clock is the test's: no timing.
 */
class ProgressTest extends SparkTestBase {
  final AtomicLong clock = new AtomicLong();
  final List<String> shown = new ArrayList<>();

  Progress progress(double[] cost, boolean inPlace, Progress.Sink sink) {
    int[] oneRunEach = new int[cost.length];
    Arrays.fill(oneRunEach, 1);
    return new Progress(cost, oneRunEach, -1, sink, inPlace, clock::get);
  }

  @Test
  void aTaskOfSeveralRunsCountsThemAll() {
    // Partition 0 holds three tiny runs (Bundles), partition 1 one run three times their cost.
    Progress p =
        new Progress(new double[] {3, 9}, new int[] {3, 1}, -1, shown::add, false, clock::get);
    clock.set(10_000);
    p.finished(0, 2);
    clock.set(20_000);
    p.finished(1, 0);
    p.close();
    assertEquals(
        List.of(
            "runs trained: 3/4, 2 not ok (25% of estimated cost) after 10 s, about 30 s left",
            "runs trained: 4/4, 2 not ok (100% of estimated cost) after 20 s"),
        shown);
    assertThrows(
        IllegalArgumentException.class,
        () -> new Progress(new double[] {1, 1}, new int[] {1}, -1, shown::add, false, clock::get));
  }

  @Test
  void theLineSaysRunsDoneNotOkTotalAndTimeLeft() {
    assertEquals(
        "runs trained: 37/200, 2 not ok (65% of estimated cost) after 136 s, about 73 s left",
        Progress.line(37, 2, 200, 0.65, 136_000));
    assertEquals(
        "runs trained: 1/200, 0 not ok (1% of estimated cost) after 5 s, time left estimated once"
            + " more runs have finished",
        Progress.line(1, 0, 200, 0.01, 5_000));
    assertEquals(
        "runs trained: 200/200, 5 not ok (100% of estimated cost) after 300 s",
        Progress.line(200, 5, 200, 1.0, 300_000));
  }

  @Test
  void theTerminalLineFitsEightyColumns() {
    assertEquals(
        "trained 37/200 (2 not ok), 65% of est. cost in 2:16, ~1:13 left",
        Progress.shortLine(37, 2, 200, 0.65, 136_000));
    assertEquals(
        "trained 1/200 (0 not ok), 1% of est. cost in 0:05",
        Progress.shortLine(1, 0, 200, 0.01, 5_000));
    String big = Progress.shortLine(9999, 1234, 10000, 0.9999, 36_000_000);
    assertEquals(
        "trained 9999/10000 (1234 not ok), 100% of est. cost in 10:00:00, ~0:04 left", big);
    assertTrue(big.length() < 80, big);
    assertEquals(120, Progress.InPlace.columns(Map.of("COLUMNS", "120")));
    assertEquals(80, Progress.InPlace.columns(Map.of()));
  }

  @Test
  void inPlaceOnlyOnATerminalOutsideCi() {
    assertTrue(Progress.inPlace(true, Map.of()));
    assertTrue(Progress.inPlace(true, Map.of("TERM", "xterm-256color")));
    assertFalse(Progress.inPlace(false, Map.of()), "a pipe or a file: log lines");
    assertFalse(Progress.inPlace(true, Map.of("CI", "true")));
    assertFalse(Progress.inPlace(true, Map.of("TERM", "dumb")));
  }

  @Test
  void onATerminalOneLineIsRewrittenAtMostEverySecondAndEndsWithANewline() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Progress p = progress(new double[] {1, 1, 1}, true, new Progress.InPlace(out, 80));
    clock.set(100);
    p.finished(0, 0); // too soon after the start to redraw
    assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    clock.set(1_000);
    p.tick();
    String first = "trained 1/3 (0 not ok), 33% of est. cost in 0:01";
    assertEquals("\r" + first, bytes.toString(StandardCharsets.UTF_8));
    clock.set(1_500);
    p.finished(1, 1); // within a second of the last redraw: the ticker shows it
    clock.set(2_000);
    p.tick();
    String second = "trained 2/3 (1 not ok), 67% of est. cost in 0:02, ~0:01 left";
    clock.set(2_400);
    p.finished(2, 0); // the last run: shown at once, blanks over the longer line before
    String last = "trained 3/3 (1 not ok), 100% of est. cost in 0:02";
    String blanks = " ".repeat(second.length() - last.length());
    String shown = "\r" + first + "\r" + second + "\r" + last + blanks;
    assertEquals(shown, bytes.toString(StandardCharsets.UTF_8));
    p.close();
    assertEquals(shown + System.lineSeparator(), bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aTerminalLineIsCutToTheTerminalsWidth() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Progress.InPlace sink =
        new Progress.InPlace(new PrintStream(bytes, true, StandardCharsets.UTF_8), 30);
    sink.show("x".repeat(100));
    assertEquals("\r" + "x".repeat(29), bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void offATerminalALineIsLoggedEveryFiveSecondsAndAtTheEnd() {
    Progress p = progress(new double[] {1, 1, 1}, false, shown::add);
    clock.set(1_000);
    p.finished(0, 0);
    p.tick(); // no ticking off a terminal
    assertEquals(List.of(), shown);
    clock.set(5_000);
    p.finished(1, 1);
    clock.set(6_000);
    p.finished(2, 0);
    p.close();
    assertEquals(
        List.of(
            "runs trained: 2/3, 1 not ok (67% of estimated cost) after 5 s, about 3 s left",
            "runs trained: 3/3, 1 not ok (100% of estimated cost) after 6 s"),
        shown);
  }

  @Test
  void theCollectedOutcomeEndsTheDisplayWhenTaskEventsLag() {
    Progress p = progress(new double[] {1, 1, 1}, false, shown::add);
    clock.set(1_000);
    p.finished(0, 1);
    clock.set(2_000);
    p.complete(2); // the job returned before the listener saw the other two task ends
    p.finished(1, 1); // late events change nothing
    p.finished(2, 0);
    p.close();
    assertEquals(List.of("runs trained: 3/3, 2 not ok (100% of estimated cost) after 2 s"), shown);

    shown.clear();
    Progress seen = progress(new double[] {1}, false, shown::add);
    seen.finished(0, 0);
    seen.complete(0); // already shown: not again
    assertEquals(List.of("runs trained: 1/1, 0 not ok (100% of estimated cost) after 0 s"), shown);
  }

  @Test
  void theNotOkCountArrivesWithTheTasksAccumulatorUpdates() throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    LongAccumulator notOk = spark.sparkContext().longAccumulator(Progress.NOT_OK);
    List<String> lines = new ArrayList<>();
    // Four tasks of 1, 2, 1 and 3 runs; the second and the fourth have runs that are not ok.
    Progress p =
        new Progress(
            new double[] {1, 2, 1, 3},
            new int[] {1, 2, 1, 3},
            notOk.id(),
            lines::add,
            false,
            clock::get);
    spark.sparkContext().addSparkListener(p);
    try {
      jsc.parallelize(List.of(1, 2, 3, 4), 4)
          .foreach(
              i -> {
                if (i % 2 == 0) {
                  notOk.add(i / 2);
                }
              });
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(p);
    }
    assertEquals(List.of("runs trained: 7/7, 3 not ok (100% of estimated cost) after 0 s"), lines);
  }
}
