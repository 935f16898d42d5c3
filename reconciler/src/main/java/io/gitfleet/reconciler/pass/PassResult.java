package io.gitfleet.reconciler.pass;

import io.gitfleet.reconciler.plan.PlanResult;
import io.gitfleet.reconciler.store.WriteResult;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Instruction;
import java.util.List;
import java.util.SortedMap;

/**
 * The outcome of one pass.
 *
 * @param status       the fleet status computed at its end (null only when even that could not be computed)
 * @param fleet        the fleet at the approved commit (null when the pass stopped before loading it)
 * @param plan         what the planner decided (null when the pass stopped before planning)
 * @param instructions what was handed to the sink
 * @param written      the status write (null when batched and not yet due, or when recording failed)
 * @param timings      how long each step took, in the order they ran
 * @param failures     every problem met, in order; the last one stopped the pass if {@code completed} is false
 * @param plans        how many times the planner ran: 1, more only when another writer moved the status under it
 */
public record PassResult(FleetStatus status, LoadedFleet fleet, PlanResult plan, SortedMap<String, Instruction> instructions,
                         WriteResult written, List<PassFailure> failures, boolean completed,
                         java.util.Map<String, java.time.Duration> timings, int plans) {
    public boolean stalled() {
        return failures.stream().anyMatch(f -> f.kind() == FailureKind.STALL);
    }
}
