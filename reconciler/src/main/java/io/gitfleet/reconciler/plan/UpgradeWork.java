package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One upgrade during one pass: its rows (in rollout order), the phase it ends in, and whether it may instruct
 * agents. Starts with the previous status; {@link #observe} folds in agent reports and timeouts.
 */
final class UpgradeWork {
    final String name;
    final UpgradeStatus previous;
    /** Rows in rollout order; replaced (not copied) when a pass re-matches the selected nodes. */
    List<WorkRow> rows = new ArrayList<>();

    UpgradePhase phase;
    String reason;
    String message;
    String component;
    String desiredVersion;
    String resolvedVersion;
    String approvedCommit;
    /** Whether in-flight rows get their instruction this pass (false when rejected, cancelled, broken). */
    boolean acting;
    /** Rows started by this pass. */
    final List<WorkRow> started = new ArrayList<>();
    /** When the rollout first started a node; the deadline counts from here. */
    Instant startedAt;

    UpgradeWork(String name, UpgradeStatus previous) {
        this.name = name;
        this.previous = previous;
        if (previous != null) {
            UpgradeStatus.State s = previous.status();
            rows = new ArrayList<>(s.nodes().size());
            for (UpgradeStatus.NodeRow r : s.nodes()) {
                rows.add(WorkRow.of(r));
            }
            phase = s.phase();
            reason = s.reason();
            message = s.message();
            component = s.component();
            desiredVersion = s.desiredVersion();
            resolvedVersion = s.resolvedVersion();
            approvedCommit = s.approvedCommit();
            startedAt = s.startedAt();
        }
    }

    /** Folds each node's report into its in-flight row, then fails rows whose node stayed silent too long. */
    void observe(PassContext ctx) {
        for (WorkRow row : rows) {
            if (!row.phase.inFlight()) {
                continue;
            }
            Observation o = ctx.observation(row.node);
            Report.Task task = o == null ? null : o.report().task();
            if (task != null && name.equals(task.upgrade()) && task.attempt() == row.attempt) {
                apply(row, task, ctx.now);
            }
            if (row.phase.inFlight()) {
                Instant heard = o == null || o.receivedAt().isBefore(row.since()) ? row.since() : o.receivedAt();
                if (ctx.listeningSince != null && heard.isBefore(ctx.listeningSince)) {
                    heard = ctx.listeningSince; // a silence while no reconciler listened is not the node's
                }
                if (heard.isBefore(ctx.now.minus(ctx.nodeTimeout))) {
                    row.moveTo(NodePhase.Failed, ctx.now);
                    row.failureReason("did not come back online");
                    row.message("no report for " + io.gitfleet.schema.Durations.format(ctx.nodeTimeout)
                            + " while " + row.transitions().get(Math.max(0, row.transitions().size() - 2)).phase());
                }
            }
        }
    }

    private static void apply(WorkRow row, Report.Task task, Instant now) {
        NodePhase reported = task.phase();
        if (reported == NodePhase.Rebooting || reported == NodePhase.Completed) {
            row.disruptedAnyway(now);
        }
        switch (reported) {
            case Downloading, Writing, Verifying, Staged, Rebooting -> row.moveTo(reported, now);
            case Completed -> {
                row.moveTo(row.action() == Action.ROLLBACK ? NodePhase.RolledBack : NodePhase.Completed, now);
                row.message(null);
            }
            case RolledBack -> {
                if (row.action() == Action.ROLLBACK) {
                    row.moveTo(NodePhase.RolledBack, now);
                    row.message(null);
                } else {
                    row.moveTo(NodePhase.Failed, now);
                    row.failureReason(task.failureReason() != null ? task.failureReason() : "rolled back");
                }
            }
            case Failed -> {
                if (Report.CANCELLED.equals(task.failureReason())) {
                    // we withdrew the instruction and the agent stopped before its boot switch: nothing failed
                    row.moveTo(NodePhase.Pending, now);
                    row.message("stopped before its boot switch: the instruction was withdrawn");
                    return;
                }
                row.moveTo(NodePhase.Failed, now);
                row.failureReason(task.failureReason() != null ? task.failureReason() : "failed");
                row.message(task.message());
            }
            case Skipped -> {
                row.moveTo(NodePhase.Skipped, now);
                row.message(task.message() != null ? task.message() : "already at the target");
            }
            default -> {
                // Pending, Instructed, Blocked: the agent has not taken the task up yet.
            }
        }
    }

    /**
     * A row still {@code Instructed} whose instruction this pass withdrew (cancel, rollback, rejection, a new
     * target) goes back to Pending: the agent had not reported taking it up, and an agent drops any work before
     * its boot switch as soon as its instruction is gone.
     */
    void withdrawUnstarted(Map<String, Instruction> given, Instant now) {
        for (WorkRow r : rows) {
            if (r.phase != NodePhase.Instructed) {
                continue;
            }
            Instruction i = given.get(r.node);
            boolean stillGiven = i != null && i.spec().upgrade().equals(name) && i.spec().attempt() == r.attempt;
            if (!stillGiven) {
                r.moveTo(NodePhase.Pending, now);
                r.message("the instruction was withdrawn before the node started");
            }
        }
    }

    /** Rows disrupted or about to be (staging ahead does not count). */
    int inFlight() {
        int n = 0;
        for (WorkRow r : rows) {
            if (r.disruptive()) {
                n++;
            }
        }
        return n;
    }

    /** Rows staging ahead: downloading, writing, verifying or staged without a boot switch. */
    int staging() {
        int n = 0;
        for (WorkRow r : rows) {
            if (r.phase.inFlight() && r.staging) {
                n++;
            }
        }
        return n;
    }

    /** The nodes the upgrade selects this pass: the base of its percentages. */
    int selectedCount() {
        int n = 0;
        for (WorkRow r : rows) {
            if (!r.deselected) {
                n++;
            }
        }
        return n;
    }

    boolean everStarted() {
        for (WorkRow r : rows) {
            if (r.attempt > 0) {
                return true;
            }
        }
        return false;
    }

    /** Drops rows of nodes no longer selected once their step has finished. */
    void dropFinishedDeselected() {
        rows.removeIf(r -> r.deselected && !r.phase.inFlight());
    }

    void end(UpgradePhase p, String why, String text) {
        phase = p;
        reason = why;
        message = text;
    }

    UpgradeStatus.Counts counts() {
        int pending = 0, skipped = 0, blocked = 0, inProgress = 0, completed = 0, failed = 0, rolledBack = 0;
        for (WorkRow r : rows) {
            switch (r.phase) {
                case Pending -> pending++;
                case Skipped -> skipped++;
                case Blocked -> blocked++;
                case Completed -> completed++;
                case Failed -> failed++;
                case RolledBack -> rolledBack++;
                default -> inProgress++;
            }
        }
        return new UpgradeStatus.Counts(rows.size(), pending, skipped, blocked, inProgress, completed, failed,
                rolledBack);
    }

    UpgradeStatus toStatus(Instant now) {
        Instant since = previous != null && previous.status().phase() == phase && previous.status().phaseSince() != null
                ? previous.status().phaseSince() : now;
        List<UpgradeStatus.NodeRow> out = new ArrayList<>(rows.size());
        for (WorkRow r : rows) {
            out.add(r.toRecord());
        }
        return UpgradeStatus.of(name, new UpgradeStatus.State(phase, reason, message, component, desiredVersion,
                resolvedVersion, approvedCommit, since, counts(), out, startedAt));
    }
}
