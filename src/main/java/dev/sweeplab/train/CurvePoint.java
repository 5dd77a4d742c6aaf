package dev.sweeplab.train;

import java.io.Serializable;

/** One evaluation on the learning curve: after {@code step} optimizer steps. */
public record CurvePoint(
    long step, double epoch, double trainLoss, double trainError, double testLoss, double testError)
    implements Serializable {}
