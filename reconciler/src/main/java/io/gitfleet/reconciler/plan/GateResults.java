package io.gitfleet.reconciler.plan;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of one upgrade's external gates as the reconciler last ran them ({@code at}): the planner only reads
 * these values; running commands and queries is the gate runner's job at the edge.
 */
public record GateResults(Instant at, List<Result> results) {
    public GateResults {
        results = List.copyOf(results);
    }

    /** One gate: {@code gate} describes it, {@code reason} says why it did not pass (null when it passed). */
    public record Result(String gate, boolean passed, String reason) {
    }

    /** The first gate that did not pass, or null when all did. */
    public Result firstFailure() {
        for (Result r : results) {
            if (!r.passed()) {
                return r;
            }
        }
        return null;
    }
}
