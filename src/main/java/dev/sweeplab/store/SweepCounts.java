package dev.sweeplab.store;

import dev.sweeplab.train.RunResult;
import java.util.Map;

/**
 * The run counts of one execution of a sweep, as its {@code sweeps} row records them ({@code
 * runs_planned} to {@code runs_timeout}): what was planned, reused from staging and trained, and
 * the runs by status. The one record of a sweep's counts: the execution's outcome, its row, its
 * history line and {@code sweeplab status} all use it.
 *
 * @param planned runs in the grid
 * @param reused runs already staged by an earlier execution, not trained again
 * @param trained runs trained by this execution
 * @param ok runs that finished
 * @param diverged runs stopped by a non-finite loss
 * @param failed runs that threw
 * @param timeout runs stopped at the sweep's {@code limits.run_timeout}
 */
public record SweepCounts(
    long planned, long reused, long trained, long ok, long diverged, long failed, long timeout) {

  /** Counts with the runs by status taken from {@code byStatus} (status → runs). */
  public static SweepCounts of(
      long planned, long reused, long trained, Map<String, Long> byStatus) {
    return new SweepCounts(
        planned,
        reused,
        trained,
        byStatus.getOrDefault(RunResult.OK, 0L),
        byStatus.getOrDefault(RunResult.DIVERGED, 0L),
        byStatus.getOrDefault(RunResult.FAILED, 0L),
        byStatus.getOrDefault(RunResult.TIMEOUT, 0L));
  }

  /** The runs with a status: ok, diverged, failed or timeout. */
  public long finished() {
    return ok + diverged + failed + timeout;
  }

  /** "3 ok, 1 diverged, 0 failed, 0 timeout". */
  public String byStatus() {
    return ok + " ok, " + diverged + " diverged, " + failed + " failed, " + timeout + " timeout";
  }
}
