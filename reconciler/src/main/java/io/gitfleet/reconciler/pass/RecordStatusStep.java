package io.gitfleet.reconciler.pass;

import io.gitfleet.reconciler.plan.PlanResult;
import io.gitfleet.reconciler.store.StatusMutation;
import io.gitfleet.reconciler.store.StatusUpdate;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.FleetStatus;

/**
 * Records the pass on the status branch: the planned upgrade statuses and the fleet status, as one mutation the
 * store recomputes if another writer got there first (re-planning only then: on the status it planned from, the
 * pass's one plan is reused). A plan that starts a node is committed at once,
 * before any instruction leaves, so that two replicas can never both start work; the rest is batched.
 */
final class RecordStatusStep implements Step {
    private final StatusWriter writer;

    RecordStatusStep(StatusWriter writer) {
        this.writer = writer;
    }

    @Override
    public String name() {
        return "record";
    }

    @Override
    public void run(PassState s) throws Exception {
        boolean planned = s.plan != null;
        StatusMutation mutation = view -> {
            StatusUpdate u = new StatusUpdate();
            if (planned) {
                PlanResult plan = PlanStep.planOn(s, view);
                u.putAll(plan.upgrades().values()).events(plan.events());
            }
            FleetStatus fleet = PassStatus.summarize(s, view.fleet().orElse(null));
            s.fleetStatus = fleet;
            u.put(fleet);
            return u.approvedCommit(s.approved == null ? null : s.approved.name());
        };
        writer.submit(mutation);
        if (s.options.flushEveryPass() || startsNewWork(s)) {
            s.written = writer.flush();
        } else {
            s.written = writer.flushIfDue();
        }
    }

    private static boolean startsNewWork(PassState s) {
        return s.plan != null && s.plan.instructions().keySet().stream().anyMatch(n -> !s.inFlightBefore.contains(n));
    }
}
