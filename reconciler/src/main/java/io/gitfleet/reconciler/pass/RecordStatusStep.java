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
    /** The tasks in flight on the last committed status, and the commit they were read from (read once a commit). */
    private String committedAt;
    private java.util.Set<String> committedTasks = java.util.Set.of();

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
        if (s.options.flushEveryPass() || startsNewWork(s)) {
            s.written = writer.submitAndFlush(mutation);
        } else {
            writer.submit(mutation);
            s.written = writer.flushIfDue();
        }
    }

    /**
     * Whether an instruction carries a task (node, upgrade, attempt) the committed status branch does not show in
     * flight, or activates a node the committed branch shows staging ahead (its boot switch). Compared per task, not
     * per node: a node whose upgrade failed may be started by another upgrade in the same pass. Compared with what is committed, not with the batch: a start recorded only in a batch whose push
     * failed (the Git server away) is not recorded yet.
     */
    private boolean startsNewWork(PassState s) throws java.io.IOException {
        if (s.plan == null || s.plan.instructions().isEmpty()) {
            return false;
        }
        io.gitfleet.reconciler.store.CommitStatusView head = writer.store().read();
        if (!java.util.Objects.equals(head.commit(), committedAt) || committedAt == null) {
            committedTasks = PlanStep.tasksInFlight(head);
            committedAt = head.commit();
        }
        return s.plan.instructions().entrySet().stream().anyMatch(e -> !committedTasks.contains(
                PlanStep.task(e.getKey(), e.getValue().spec().upgrade(), e.getValue().spec().attempt(),
                        e.getValue().spec().isStageOnly())));
    }
}
