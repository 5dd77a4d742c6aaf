package dev.sweeplab.engine;

import java.io.Serializable;

/**
 * What a task sends back to the driver for each run: small, so 10,000 of them cost little. {@code
 * earlier} is true for a run a retried task found already staged by its failed attempt, and did not
 * train again.
 */
record TaskOutcome(String runId, String status, int attempt, boolean earlier)
    implements Serializable {}
