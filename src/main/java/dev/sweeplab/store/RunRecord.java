package dev.sweeplab.store;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.train.RunResult;
import java.io.Serializable;

/**
 * Everything a {@code runs} row and its {@code curves} rows hold: what was run, what came out,
 * where it ran and when it finished.
 */
public record RunRecord(
    RunConfig config, RunResult result, Provenance provenance, long finishedAtMillis)
    implements Serializable {}
