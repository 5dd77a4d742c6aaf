package dev.sweeplab.engine;

import java.io.Serializable;

/** What a task sends back to the driver: small, so 10,000 of them cost little. */
record TaskOutcome(String runId, String status, long wallMs, int attempt) implements Serializable {}
