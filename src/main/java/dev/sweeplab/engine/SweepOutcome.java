package dev.sweeplab.engine;

/**
 * What one execution of a sweep did.
 *
 * @param planned runs in the grid
 * @param reused runs already staged by an earlier execution, not trained again
 * @param trained runs trained now
 * @param ok committed runs that finished
 * @param diverged committed runs stopped by a non-finite loss
 * @param failed committed runs that threw
 * @param timeout committed runs stopped at the sweep's {@code limits.run_timeout}
 * @param wallMs wall time of the execution
 */
public record SweepOutcome(
    long planned,
    long reused,
    long trained,
    long ok,
    long diverged,
    long failed,
    long timeout,
    long wallMs) {}
