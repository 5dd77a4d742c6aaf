package dev.sweeplab.engine;

import java.util.Map;

/**
 * What one execution of a sweep did.
 *
 * @param planned runs in the grid
 * @param reused runs already staged by an earlier execution, not trained again
 * @param trained runs trained now
 * @param kept of those, runs a failed attempt of their task had staged, which its retry kept
 *     instead of training them again
 * @param ok committed runs that finished
 * @param diverged committed runs stopped by a non-finite loss
 * @param failed committed runs that threw
 * @param timeout committed runs stopped at the sweep's {@code limits.run_timeout}
 * @param wallMs wall time of the execution
 * @param trainMs of which the training stage (Spark job of the runs), 0 when nothing was trained
 * @param commitMs of which reading staging and publishing the tables
 * @param setAside staged files found unreadable and set aside (their runs trained again): file name
 *     → why
 * @param staleNumerics staged runs found computed by other numerics than their current {@link
 *     dev.sweeplab.train.Numerics} version and trained again, for a person (as {@link
 *     StaleRuns#description}); empty when none
 */
public record SweepOutcome(
    long planned,
    long reused,
    long trained,
    long kept,
    long ok,
    long diverged,
    long failed,
    long timeout,
    long wallMs,
    long trainMs,
    long commitMs,
    Map<String, String> setAside,
    String staleNumerics) {

  /** The same outcome with the runs kept from failed attempts and its timings. */
  SweepOutcome after(long kept, long wallMs, long trainMs, long commitMs) {
    return new SweepOutcome(
        planned,
        reused,
        trained,
        kept,
        ok,
        diverged,
        failed,
        timeout,
        wallMs,
        trainMs,
        commitMs,
        setAside,
        staleNumerics);
  }

  /** The same outcome with {@code files} set aside. */
  SweepOutcome setAside(Map<String, String> files) {
    return new SweepOutcome(
        planned,
        reused,
        trained,
        kept,
        ok,
        diverged,
        failed,
        timeout,
        wallMs,
        trainMs,
        commitMs,
        Map.copyOf(files),
        staleNumerics);
  }

  /** The same outcome with {@code description} of the runs trained again for their numerics. */
  SweepOutcome staleNumerics(String description) {
    return new SweepOutcome(
        planned,
        reused,
        trained,
        kept,
        ok,
        diverged,
        failed,
        timeout,
        wallMs,
        trainMs,
        commitMs,
        setAside,
        description);
  }
}
