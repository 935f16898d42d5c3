package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Report;
import java.time.Instant;

/** The latest report of one node and when the reconciler received it. */
public record Observation(Report.Status report, Instant receivedAt) {
}
