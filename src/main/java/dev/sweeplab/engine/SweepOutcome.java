package dev.sweeplab.engine;

import dev.sweeplab.store.SweepCounts;
import java.util.Map;

/**
 * What one execution of a sweep did.
 *
 * @param counts the runs planned, reused, trained, and committed by status
 * @param kept of the runs trained, those a failed attempt of their task had staged, which its retry
 *     kept instead of training them again
 * @param wallMs wall time of the execution
 * @param trainMs of which the training stage (Spark job of the runs), 0 when nothing was trained
 * @param commitMs of which reading staging and publishing the tables
 * @param setAside staged files found unreadable and set aside (their runs trained again): file name
 *     → why
 * @param staleNumerics staged runs found computed by other numerics than their current {@link
 *     dev.sweeplab.train.Numerics} version and trained again, for a person (as {@link
 *     dev.sweeplab.store.StaleRuns#description}); empty when none
 */
public record SweepOutcome(
    SweepCounts counts,
    long kept,
    long wallMs,
    long trainMs,
    long commitMs,
    Map<String, String> setAside,
    String staleNumerics) {

  /** The same outcome with the runs kept from failed attempts and its timings. */
  SweepOutcome after(long kept, long wallMs, long trainMs, long commitMs) {
    return new SweepOutcome(counts, kept, wallMs, trainMs, commitMs, setAside, staleNumerics);
  }

  /** The same outcome with {@code files} set aside. */
  SweepOutcome setAside(Map<String, String> files) {
    return new SweepOutcome(
        counts, kept, wallMs, trainMs, commitMs, Map.copyOf(files), staleNumerics);
  }

  /** The same outcome with {@code description} of the runs trained again for their numerics. */
  SweepOutcome staleNumerics(String description) {
    return new SweepOutcome(counts, kept, wallMs, trainMs, commitMs, setAside, description);
  }
}
