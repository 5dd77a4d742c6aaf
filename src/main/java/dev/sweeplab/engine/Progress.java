package dev.sweeplab.engine;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the training stage has come — runs done, how many of them not ok, of the total, and an
 * ETA weighted by the cost model. On a terminal one line on stderr is rewritten in place about
 * every second; otherwise (a pipe, a file, CI) a log line at most every few seconds. Driver-only.
 *
 * <p>A run's status is not in Spark's task metrics: the tasks add to a named accumulator ({@link
 * #NOT_OK}) when a run is not ok, and its update arrives with the task's end event.
 */
final class Progress extends SparkListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

  /** The name of the accumulator the tasks add 1 to for each run that is not ok. */
  static final String NOT_OK = "runs not ok";

  static final long IN_PLACE_EVERY_MS = 1_000;
  static final long LOG_EVERY_MS = 5_000;

  /** Where the lines go. */
  interface Sink {
    /** Shows the current line. */
    void show(String line);

    /** The stage is over: the last line stays. */
    default void end() {}
  }

  private final double[] cost;
  private final int[] runs;
  private final int totalRuns;
  private final double totalCost;
  private final long notOkId;
  private final Sink sink;
  private final boolean inPlace;
  private final LongSupplier clock;
  private final long start;
  private int done;
  private long notOk;
  private double doneCost;
  private long lastShown;
  private boolean changed;
  private boolean complete;
  private ScheduledExecutorService ticker;

  /**
   * @param cost {@code cost[i]} is the cost estimate of partition i's runs
   * @param runs {@code runs[i]} is the number of runs of partition i (see {@link Bundles})
   * @param notOkId id of the {@link #NOT_OK} accumulator
   * @param inPlace rewrite one line about every second (a terminal), or log every few seconds
   */
  Progress(
      double[] cost, int[] runs, long notOkId, Sink sink, boolean inPlace, LongSupplier clock) {
    if (runs.length != cost.length) {
      throw new IllegalArgumentException(
          cost.length + " partition costs but " + runs.length + " run counts");
    }
    this.cost = cost.clone();
    this.runs = runs.clone();
    this.totalCost = Arrays.stream(cost).sum();
    this.totalRuns = Arrays.stream(runs).sum();
    this.notOkId = notOkId;
    this.sink = sink;
    this.inPlace = inPlace;
    this.clock = clock;
    this.start = clock.getAsLong();
    this.lastShown = start;
  }

  /** Progress on the console: in place on stderr when it is a terminal, else logged. */
  static Progress console(double[] cost, int[] runs, long notOkId) {
    boolean terminal = inPlace(System.console() != null, System.getenv());
    Sink sink = terminal ? new InPlace(System.err, InPlace.columns(System.getenv())) : LOG::info;
    Progress progress =
        new Progress(cost, runs, notOkId, sink, terminal, System::currentTimeMillis);
    if (terminal) {
      progress.ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "sweeplab-progress");
                t.setDaemon(true);
                return t;
              });
      progress.ticker.scheduleAtFixedRate(
          progress::tick, IN_PLACE_EVERY_MS, IN_PLACE_EVERY_MS, TimeUnit.MILLISECONDS);
    }
    return progress;
  }

  /** Whether to rewrite a line in place: on a terminal, unless under CI or a dumb terminal. */
  static boolean inPlace(boolean console, Map<String, String> env) {
    return console && !env.containsKey("CI") && !"dumb".equals(env.get("TERM"));
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (!"Success".equals(end.reason().toString())) {
      return;
    }
    long notOkRuns = 0;
    scala.collection.Iterator<AccumulableInfo> updates = end.taskInfo().accumulables().iterator();
    while (updates.hasNext()) {
      AccumulableInfo info = updates.next();
      if (info.id() == notOkId && info.update().isDefined()) {
        notOkRuns += ((Number) info.update().get()).longValue();
      }
    }
    finished(end.taskInfo().index(), notOkRuns);
  }

  /** Partition {@code index}'s runs finished; {@code notOkRuns} of them were not ok. */
  synchronized void finished(int index, long notOkRuns) {
    if (complete || index < 0 || index >= cost.length) {
      return; // an event that arrived after the stage's outcome was known, or not of this stage
    }
    doneCost += cost[index];
    done += runs[index];
    notOk += notOkRuns;
    changed = true;
    long now = clock.getAsLong();
    if (now - lastShown >= (inPlace ? IN_PLACE_EVERY_MS : LOG_EVERY_MS) || done == totalRuns) {
      show(now);
    }
  }

  /**
   * Every run has finished, {@code notOkRuns} of them not ok (from the collected outcomes): shows
   * the final state if the task-end events, which Spark delivers asynchronously, have not yet.
   */
  synchronized void complete(long notOkRuns) {
    boolean shown = done == totalRuns && notOk == notOkRuns && !changed;
    done = totalRuns;
    doneCost = totalCost;
    notOk = notOkRuns;
    complete = true;
    if (!shown) {
      show(clock.getAsLong());
    }
  }

  /** Rewrites the line in place (elapsed time and ETA move on between runs too). */
  synchronized void tick() {
    long now = clock.getAsLong();
    if (inPlace && (changed || now - lastShown >= IN_PLACE_EVERY_MS)) {
      show(now);
    }
  }

  private void show(long now) {
    lastShown = now;
    changed = false;
    double fraction = totalCost > 0 ? doneCost / totalCost : (double) done / totalRuns;
    long elapsed = now - start;
    sink.show(
        inPlace
            ? shortLine(done, notOk, totalRuns, fraction, elapsed)
            : line(done, notOk, totalRuns, fraction, elapsed));
  }

  /** Ends the display: the final state stays on the terminal, followed by a newline. */
  @Override
  public synchronized void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    if (inPlace && changed) {
      show(clock.getAsLong());
    }
    sink.end();
  }

  /** One progress line for the log. */
  static String line(int done, long notOk, int total, double fraction, long elapsedMs) {
    long left = leftMs(done, total, fraction, elapsedMs);
    String eta =
        done == total
            ? ""
            : left >= 0
                ? ", about " + Math.round(left / 1000.0) + " s left"
                : ", time left estimated once more runs have finished";
    return String.format(
        "runs trained: %d/%d, %d not ok (%d%% of estimated cost) after %d s%s",
        done, total, notOk, Math.round(100 * fraction), elapsedMs / 1000, eta);
  }

  /** One progress line for a terminal: short enough for 80 columns up to 10,000 runs. */
  static String shortLine(int done, long notOk, int total, double fraction, long elapsedMs) {
    long left = leftMs(done, total, fraction, elapsedMs);
    return String.format(
        "trained %d/%d (%d not ok), %d%% of est. cost in %s%s",
        done,
        total,
        notOk,
        Math.round(100 * fraction),
        duration(elapsedMs),
        done == total ? "" : left >= 0 ? ", ~" + duration(left) + " left" : "");
  }

  /**
   * Time left at the rate so far, or -1 while there is no estimate: until a twentieth of the cost
   * is done the rate is mostly the runs still in flight, whose time is spent but not yet counted.
   */
  private static long leftMs(int done, int total, double fraction, long elapsedMs) {
    return done < total && fraction >= 0.05 && done >= 2
        ? Math.round(elapsedMs * (1 - fraction) / fraction)
        : -1;
  }

  /** {@code m:ss} or {@code h:mm:ss}. */
  static String duration(long ms) {
    long s = Math.round(ms / 1000.0);
    return s >= 3600
        ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format("%d:%02d", s / 60, s % 60);
  }

  /**
   * A line rewritten in place: carriage return, the line, blanks over the rest of the old one. The
   * line is cut to fit the terminal: a wrapped line cannot be rewritten by a carriage return.
   */
  static final class InPlace implements Sink {
    private final PrintStream out;
    private final int columns;
    private int width;
    private boolean shown;

    /** {@code columns}: the terminal's width (80 when unknown). */
    InPlace(PrintStream out, int columns) {
      this.out = out;
      this.columns = columns;
    }

    /** The width in {@code COLUMNS} if the shell exported it, else 80. */
    static int columns(Map<String, String> env) {
      try {
        return Math.max(20, Integer.parseInt(env.getOrDefault("COLUMNS", "80").trim()));
      } catch (NumberFormatException e) {
        return 80;
      }
    }

    @Override
    public void show(String full) {
      String line = full.length() < columns ? full : full.substring(0, columns - 1);
      out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
      out.flush();
      width = line.length();
      shown = true;
    }

    @Override
    public void end() {
      if (shown) {
        out.println();
        out.flush();
      }
    }
  }
}
