package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.Durations;
import io.gitfleet.schema.Node;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.version.NodeVerdict;
import io.gitfleet.version.Reason;
import io.gitfleet.version.Rejection;
import io.gitfleet.version.TargetResolution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Moving an upgrade forward: match its rows to the selected nodes, judge each waiting node against the version
 * rules, start as many as every gate allows, and decide the upgrade's phase.
 */
final class RolloutStep {
    private final UpgradeWork work;
    private final Upgrade.Spec spec;
    private final TargetResolution.Target target;
    private final PassContext ctx;
    private final Budget budget;
    private final Strategy strategy;
    private final RolloutOrder order;
    private final NodeChecks checks;
    private final List<String> downgrades = new ArrayList<>();
    private final Schedule schedule;
    private final Duration fallbackDisruption;
    /** Node counts of the strategy, resolved against the selected nodes once the rows are known. */
    private int selected;
    private int failureBudget;
    /** The selected nodes; after {@link #syncRows} the first rows are these nodes at the same index. */
    private PassContext.Selection selection;

    RolloutStep(UpgradeWork work, Upgrade upgrade, Catalog.Spec catalog, TargetResolution.Target target,
                PassContext ctx, Budget budget) {
        this.work = work;
        this.spec = upgrade.spec();
        this.target = target;
        this.ctx = ctx;
        this.budget = budget;
        Strategy defaults = ctx.fleet != null ? ctx.fleet.defaults().strategy() : null;
        this.strategy = spec.strategy().orElse(defaults).orElse(Strategy.BUILT_IN);
        this.order = new RolloutOrder(strategy.order(), spec.selector().nodeNames());
        this.checks = new NodeChecks(spec, catalog, target, ctx);
        this.schedule = new Schedule(spec);
        this.fallbackDisruption = strategy.expectedDisruption() != null
                ? Durations.parse(strategy.expectedDisruption()) : ctx.nodeTimeout;
    }

    void run() {
        syncRows();
        if (!downgrades.isEmpty() && !work.everStarted()) {
            work.acting = false;
            work.end(UpgradePhase.Rejected, Reason.Downgrade.name(), downgrades.get(0)
                    + (downgrades.size() > 1 ? " (and " + (downgrades.size() - 1) + " more nodes)" : ""));
            return;
        }
        work.acting = true;
        selected = work.selectedCount();
        failureBudget = Limits.failureBudget(strategy, selected);
        RolloutGate gate = new RolloutGate(work, strategy, spec, ctx, schedule, failureBudget,
                Limits.canaryNodes(strategy, selected) > 0 && canaryTarget() == 0, this::datacenter);
        if (gate.stop == null) {
            if (gate.hold == null) {
                disrupt(gate.room);
            }
            if (strategy.staging() != null) {
                stage();
            }
        }
        decidePhase(gate);
    }

    /** Rows follow the selected nodes in rollout order; judges every row that has not started. */
    private void syncRows() {
        selection = ctx.selection(spec.selector(), strategy.order(), order);
        String[] names = selection.names();
        Role[] roles = selection.roles();
        int count = names.length;
        List<WorkRow> previous = work.rows;
        List<WorkRow> current = new ArrayList<>(count);
        Map<String, WorkRow> index = null;
        for (int i = 0; i < count; i++) {
            String name = names[i];
            // rows usually keep their order from pass to pass: look up by name only once that breaks
            WorkRow row = index == null && i < previous.size() && previous.get(i).node.equals(name)
                    ? previous.get(i) : null;
            if (row == null) {
                if (index == null) {
                    index = new HashMap<>(previous.size() * 4 / 3 + 1);
                    for (WorkRow r : previous) {
                        index.put(r.node, r);
                    }
                }
                row = index.get(name);
            }
            if (row == null) {
                row = WorkRow.fresh(name, roles[i], ctx.now);
            }
            row.role(roles[i]);
            row.order(i);
            row.deselected = false;
            current.add(row);
        }
        if (index != null || current.size() != previous.size()) {
            java.util.Set<String> kept = new java.util.HashSet<>(current.size() * 4 / 3 + 1);
            current.forEach(r -> kept.add(r.node));
            for (WorkRow gone : previous) {
                if (!kept.contains(gone.node) && gone.phase.inFlight()) {
                    gone.deselected = true;
                    current.add(gone);
                }
            }
        }
        work.rows = current;
        String to = target.version();
        String alreadyAt = "already at " + to;
        // the first count rows are the selected nodes in the selection's order: their reports by index
        Observation[] observed = selection.observed();
        for (int k = 0; k < count; k++) {
            WorkRow row = current.get(k);
            if (row.phase.inFlight()) {
                continue;
            }
            Observation o = observed[k];
            String retry = spec.retry().get(row.node);
            if (retry != null && !retry.equals(row.nonce())) {
                row.nonce(retry);
                if (row.phase == NodePhase.Failed || row.phase == NodePhase.RolledBack
                        || row.phase == NodePhase.Blocked) {
                    row.moveTo(NodePhase.Pending, ctx.now);
                    row.failureReason(null);
                    row.message("retry requested (nonce " + retry + ")");
                }
            }
            if (row.to() != null && !row.to().equals(to) && row.phase != NodePhase.Pending) {
                row.moveTo(NodePhase.Pending, ctx.now);
                row.failureReason(null);
                row.message("the target changed to " + to);
            }
            if (row.phase == NodePhase.Skipped && !stillAtTarget(o)) {
                // a report is the node's word for one moment: one claim of the target must not end its rollout
                row.moveTo(NodePhase.Pending, ctx.now);
                row.message("no longer reports " + spec.component() + " " + to + ": planned again");
            }
            if (row.phase == NodePhase.Pending || row.phase == NodePhase.Blocked) {
                judge(row, o, to, alreadyAt, retry);
            }
        }
    }

    /** Whether a Skipped node's latest report still shows the target (no report: nothing new, it stays). */
    private boolean stillAtTarget(Observation o) {
        return o == null || checks.verdict(o.report()) instanceof NodeVerdict.AtTarget;
    }

    private void judge(WorkRow row, Observation o, String to, String alreadyAt, String retry) {
        row.eligible = false;
        if (o == null) {
            row.moveTo(NodePhase.Pending, ctx.now);
            row.message("waiting for the node's first report");
            return;
        }
        Report.Status report = o.report();
        String version = report.components().get(spec.component());
        row.from(version);
        row.to(to);
        NodeVerdict verdict = checks.verdict(report, version);
        if (verdict instanceof NodeVerdict.AtTarget && !spec.force()) {
            row.moveTo(NodePhase.Skipped, ctx.now);
            row.message(alreadyAt);
            return;
        }
        if (verdict instanceof Rejection r) {
            if (r.reason() == Reason.Downgrade) {
                downgrades.add(row.node + ": " + r.message());
            }
            block(row, checks.rejectionMessage(r, report));
            return;
        }
        String cannot = checks.blocking(report, row.node, retry);
        if (cannot != null) {
            block(row, cannot);
            return;
        }
        if (row.phase == NodePhase.Blocked) {
            // judged again from what the node reports now: the sentence that blocked it no longer holds
            row.message(null);
        }
        row.moveTo(NodePhase.Pending, ctx.now);
        row.eligible = true;
    }

    /** The version rules still allow this staged row's boot switch, with what the node reports now. */
    private boolean stillEligible(WorkRow row) {
        return checks.stillEligible(ctx.observation(row.node).report(), row.node);
    }

    private void block(WorkRow row, String why) {
        row.moveTo(NodePhase.Blocked, ctx.now);
        row.message(why);
    }

    private Node node(WorkRow row) {
        return ctx.snapshot.fleet().nodes().get(row.node);
    }

    private String datacenter(WorkRow row) {
        Node n = node(row);
        return n == null ? null : n.spec().datacenter();
    }

    /** How long this node is expected to be disrupted: its own history, its role's, or the configured fallback. */
    private Duration expected(WorkRow row) {
        return ctx.disruptions().expected(row.node, row.role, fallbackDisruption);
    }

    /** Rows that may have their boot switch now: staged ahead with the current image, or pending (no staging). */
    private boolean switchable(WorkRow row) {
        if (row.deselected) {
            return false;
        }
        if (strategy.staging() != null) {
            return row.phase == NodePhase.Staged && row.staging && target.image().sha256().equals(row.image());
        }
        return row.phase == NodePhase.Pending && row.eligible;
    }

    private boolean canaryCandidate(WorkRow row) {
        Upgrade.Selector s = strategy.canary() == null ? null : strategy.canary().selector();
        Node n = node(row);
        return s == null || n != null && Selectors.matches(s, n);
    }

    /** Canary nodes wanted: the configured number, or fewer when the canary selector matches fewer nodes. */
    private int canaryTarget() {
        int wanted = Limits.canaryNodes(strategy, selected);
        if (wanted == 0) {
            return 0;
        }
        int matching = 0;
        for (WorkRow r : work.rows) {
            if (!r.deselected && r.phase != NodePhase.Skipped && canaryCandidate(r)) {
                matching++;
            }
        }
        return Math.min(wanted, matching);
    }

    /** Boot switches: staged rows are activated, or (without staging) pending rows start, as every limit allows. */
    private void disrupt(int room) {
        boolean staged = strategy.staging() != null;
        int inFlight = work.inFlight();
        int max = Limits.maxUnavailable(strategy, selected);
        int limit = max == 0 ? Integer.MAX_VALUE : max - inFlight;
        Integer batchSize = Limits.batchSize(strategy, selected);
        if (batchSize != null) {
            limit = inFlight > 0 ? 0 : Math.min(limit, batchSize);
        }
        limit = Math.min(limit, room);
        int canaryNodes = canaryTarget();
        int canaries = 0;
        boolean canariesDone = true;
        int holdGroup = Integer.MAX_VALUE;
        int lastBatch = 0;
        for (WorkRow r : work.rows) {
            if (r.canary) {
                canaries++;
                canariesDone &= r.phase == NodePhase.Completed;
            }
            if ((r.phase == NodePhase.Pending || r.phase.inFlight()) && !r.deselected) {
                holdGroup = Math.min(holdGroup, order.group(r.role));
            }
            lastBatch = Math.max(lastBatch, r.batch() == null ? 0 : r.batch());
        }
        boolean promoted = strategy.canary() == null || strategy.canary().promote() == Strategy.Promote.AUTO
                || spec.promoted();
        String controllerHold = ctx.controllerHold(budget);
        int batch = lastBatch + 1;
        List<WorkRow> rows = work.rows;
        int count = selection.names().length;
        for (int i = 0; i < rows.size(); i++) {
            WorkRow row = rows.get(i);
            if (limit <= 0) {
                break;
            }
            // a switchable row is a selected one: at i < count, the selection's node i
            if (!switchable(row) || i >= count) {
                continue;
            }
            assert row.node.equals(selection.names()[i]) : row.node + " is not the selection's node " + i;
            if (order.group(row.role) > holdGroup) {
                row.message(null);
                continue;
            }
            boolean asCanary = canaries < canaryNodes && canaryCandidate(row);
            if (canaryNodes > 0 && !asCanary && !row.canary
                    && (canaries < canaryNodes || !canariesDone || !promoted)) {
                row.message(null);
                continue;
            }
            if (schedule.bounded()) {
                String why = schedule.whyNot(datacenter(row), ctx.now, expected(row));
                if (why != null) {
                    row.message("waiting: " + why);
                    ctx.wakeAt(schedule.nextChange(datacenter(row), ctx.now));
                    continue;
                }
            }
            if (!ctx.online(selection.observed()[i])) {
                row.message(ctx.waitingSilent(selection, i));
                continue;
            }
            String other = budget.heldByOther(row.node, work.name);
            if (other != null) {
                row.message("waiting: upgrade " + other + " is active on this node");
                continue;
            }
            if (budget.fleetFull()) {
                row.message("waiting: the fleet's disruption budget (" + budget.fleetMax() + ") is in use");
                break;
            }
            if (row.role == Role.CONTROLLER && controllerHold != null) {
                row.message("waiting: " + controllerHold);
                continue;
            }
            if (staged && !stillEligible(row)) {
                // the node moved while it staged (e.g. a report that was lost): drop the staged slot, judge again
                row.moveTo(NodePhase.Pending, ctx.now);
                row.message("the node's version changed while it staged ahead; judged again");
                continue;
            }
            int batchNumber = batchSize != null ? batch : batch + work.started.size();
            if (staged) {
                row.activate(batchNumber, asCanary && !row.canary, ctx.now);
            } else {
                row.from(ctx.observation(row.node).report().components().get(spec.component()));
                row.start(Action.INSTALL, batchNumber, asCanary && !row.canary, inactiveSlot(row), ctx.now, false,
                        target.image().sha256());
            }
            if (work.startedAt == null) {
                work.startedAt = ctx.now;
            }
            if (asCanary) {
                canaries++;
                canariesDone = false;
            }
            budget.take(row.node, work.name, row.role);
            if (row.role == Role.CONTROLLER) {
                controllerHold = ctx.controllerHold(budget);
            }
            work.started.add(row);
            limit--;
        }
    }

    /**
     * Staging ahead: pending rows download, write and verify their inactive slot, up to {@code maxStaging} at once,
     * without a disruption slot. Canary candidates go first while the canary is not complete.
     */
    private void stage() {
        int room = Limits.maxStaging(strategy, selected) - work.staging();
        if (room <= 0) {
            return;
        }
        List<WorkRow> ordered = work.rows;
        if (strategy.canary() != null && strategy.canary().selector() != null) {
            ordered = new ArrayList<>(work.rows);
            ordered.sort(java.util.Comparator.comparing(r -> canaryCandidate(r) ? 0 : 1));
        }
        for (WorkRow row : ordered) {
            if (room <= 0) {
                break;
            }
            if (row.phase != NodePhase.Pending || !row.eligible || row.deselected) {
                continue;
            }
            if (strategy.staging() == Strategy.Staging.WINDOW && !schedule.windowOpen(datacenter(row), ctx.now)) {
                ctx.wakeAt(schedule.nextChange(datacenter(row), ctx.now));
                row.message("waiting: staging waits for the window; "
                        + schedule.describeClosed(datacenter(row), ctx.now));
                continue;
            }
            if (!ctx.online(row.node)) {
                row.message(ctx.waitingSilent(row.node));
                continue;
            }
            String other = budget.heldByOther(row.node, work.name);
            if (other != null) {
                row.message("waiting: upgrade " + other + " is active on this node");
                continue;
            }
            row.from(ctx.observation(row.node).report().components().get(spec.component()));
            row.start(Action.INSTALL, 0, false, inactiveSlot(row), ctx.now, true, target.image().sha256());
            if (work.startedAt == null) {
                work.startedAt = ctx.now;
            }
            budget.hold(row.node, work.name);
            work.started.add(row);
            room--;
        }
    }

    private String inactiveSlot(WorkRow row) {
        Report.Slots slots = ctx.observation(row.node).report().slots();
        return slots == null || slots.booted() == null ? null : slots.booted().equals("a") ? "b" : "a";
    }

    private void decidePhase(RolloutGate gate) {
        int pending = 0, blocked = 0, active = 0, stagedWaiting = 0, transferring = 0, failed = 0;
        String firstBlocked = null;
        String firstWaiting = null;
        boolean canaryWaiting = false;
        for (WorkRow r : work.rows) {
            switch (r.phase) {
                case Pending -> pending++;
                case Blocked -> {
                    blocked++;
                    firstBlocked = firstBlocked == null ? r.node + ": " + r.message() : firstBlocked;
                }
                case Failed -> failed++;
                default -> {
                    if (r.disruptive()) {
                        active++;
                    } else if (r.phase == NodePhase.Staged) {
                        stagedWaiting++;
                    } else if (r.phase.inFlight()) {
                        transferring++;
                    }
                }
            }
            if ((r.phase == NodePhase.Pending || r.phase == NodePhase.Staged && r.staging) && firstWaiting == null
                    && r.message() != null && r.message().startsWith("waiting")) {
                firstWaiting = r.node + " " + r.message();
            }
        }
        if (strategy.canary() != null && strategy.canary().promote() == Strategy.Promote.MANUAL && !spec.promoted()) {
            long canaries = work.rows.stream().filter(r -> r.canary).count();
            boolean done = canaries > 0 && work.rows.stream().filter(r -> r.canary)
                    .allMatch(r -> r.phase == NodePhase.Completed);
            canaryWaiting = done && work.rows.stream().anyMatch(r -> !r.canary
                    && (r.phase == NodePhase.Pending && r.eligible || switchable(r)));
        }
        String staging = stagedWaiting + transferring == 0 ? "" : " (" + stagedWaiting + " staged ahead"
                + (transferring > 0 ? ", " + transferring + " staging" : "") + ")";
        if (gate.stopPhase == UpgradePhase.Failed) {
            work.end(UpgradePhase.Failed, gate.stopReason, gate.stop);
        } else if (pending + blocked + active + stagedWaiting + transferring == 0) {
            if (failed > failureBudget) {
                work.end(UpgradePhase.Failed, "NodeFailed", failed + " nodes failed, more than the failure budget ("
                        + failureBudget + ")");
            } else {
                work.end(UpgradePhase.Succeeded, null, work.rows.isEmpty() ? "no node matches the selector"
                        : failed > 0 ? failed + " nodes failed, within the failure budget" : null);
            }
        } else if (gate.stop != null) {
            work.end(gate.stopPhase, gate.stopReason, gate.stop);
        } else if (canaryWaiting && active == 0) {
            work.end(UpgradePhase.AwaitingPromotion, "CanaryCompleted", "the canary succeeded; commit "
                    + "spec.promoted: true to continue");
        } else if (active > 0) {
            work.end(UpgradePhase.RollingOut, null, null);
        } else if (gate.hold != null) {
            work.end(gate.holdPhase, gate.holdReason, gate.hold + staging);
        } else if (transferring > 0) {
            work.end(UpgradePhase.RollingOut, "Staging", null);
        } else if (pending == 0 && stagedWaiting == 0) {
            work.end(UpgradePhase.Waiting, "Blocked", blocked + " node" + (blocked == 1 ? "" : "s")
                    + " blocked; " + firstBlocked);
        } else if (work.everStarted()) {
            work.end(UpgradePhase.Waiting, "Waiting", firstWaiting == null ? null : firstWaiting + staging);
        } else {
            work.end(UpgradePhase.Pending, null, firstWaiting);
        }
    }
}
