package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.Node;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.version.CatalogRules;
import io.gitfleet.version.NodeVerdict;
import io.gitfleet.version.Reason;
import io.gitfleet.version.Rejection;
import io.gitfleet.version.TargetResolution;
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
    private final Catalog.Spec catalog;
    private final TargetResolution.Target target;
    private final PassContext ctx;
    private final Budget budget;
    private final Strategy strategy;
    private final RolloutOrder order;
    /** Verdicts by the versions they depend on: thousands of nodes share a handful of version combinations. */
    private final Map<Object, NodeVerdict> verdicts = new HashMap<>();
    private final List<String> requiredComponents;
    private final List<String> downgrades = new ArrayList<>();

    RolloutStep(UpgradeWork work, Upgrade upgrade, Catalog.Spec catalog, TargetResolution.Target target,
                PassContext ctx, Budget budget) {
        this.work = work;
        this.spec = upgrade.spec();
        this.catalog = catalog;
        this.target = target;
        this.ctx = ctx;
        this.budget = budget;
        Strategy defaults = ctx.fleet != null ? ctx.fleet.defaults().strategy() : null;
        this.strategy = spec.strategy().orElse(defaults).orElse(Strategy.BUILT_IN);
        this.order = new RolloutOrder(strategy.order(), spec.selector().nodeNames());
        this.requiredComponents = List.copyOf(new java.util.TreeSet<>(target.image().requires().keySet()));
    }

    /**
     * What a verdict depends on: the upgraded component's version and digest, and the versions of those the image
     * requires.
     */
    private Object verdictKey(Map<String, String> components, String digest) {
        String version = components.get(spec.component());
        String own = digest == null ? String.valueOf(version) : version + "@" + digest;
        if (requiredComponents.isEmpty()) {
            return own;
        }
        List<String> key = new ArrayList<>(requiredComponents.size() + 1);
        key.add(own);
        for (String c : requiredComponents) {
            key.add(String.valueOf(components.get(c)));
        }
        return key;
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
        boolean windowOpen = Windows.isOpen(spec.window(), ctx.now);
        Gate gate = new Gate(windowOpen);
        if (gate.blockedBy == null) {
            startNodes();
        }
        decidePhase(gate);
    }

    /** Rows follow the selected nodes in rollout order; judges every row that has not started. */
    private void syncRows() {
        List<Node> selected = new ArrayList<>();
        for (Node n : ctx.snapshot.fleet().nodes().values()) {
            if (Selectors.matches(spec.selector(), n)) {
                selected.add(n);
            }
        }
        selected.sort(order.comparator());
        List<WorkRow> previous = work.rows;
        List<WorkRow> current = new ArrayList<>(selected.size());
        Map<String, WorkRow> index = null;
        int i = 0;
        for (Node n : selected) {
            // rows usually keep their order from pass to pass: look up by name only once that breaks
            WorkRow row = index == null && i < previous.size() && previous.get(i).node.equals(n.name())
                    ? previous.get(i) : null;
            if (row == null) {
                if (index == null) {
                    index = new HashMap<>(previous.size() * 4 / 3 + 1);
                    for (WorkRow r : previous) {
                        index.put(r.node, r);
                    }
                }
                row = index.get(n.name());
            }
            if (row == null) {
                row = WorkRow.fresh(n.name(), n.role(), ctx.now);
            }
            row.role(n.role());
            row.order(i++);
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
        for (WorkRow row : work.rows) {
            if (row.phase.inFlight() || row.deselected) {
                continue;
            }
            String retry = spec.retry().get(row.node);
            if (retry != null && !retry.equals(row.nonce)) {
                row.nonce(retry);
                if (row.phase == NodePhase.Failed || row.phase == NodePhase.RolledBack
                        || row.phase == NodePhase.Blocked) {
                    row.moveTo(NodePhase.Pending, ctx.now);
                    row.failureReason(null);
                    row.message("retry requested (nonce " + retry + ")");
                }
            }
            if (row.to != null && !row.to.equals(to) && row.phase != NodePhase.Pending) {
                row.moveTo(NodePhase.Pending, ctx.now);
                row.failureReason(null);
                row.message("the target changed to " + to);
            }
            if (row.phase == NodePhase.Skipped && !stillAtTarget(row.node)) {
                // a report is the node's word for one moment: one claim of the target must not end its rollout
                row.moveTo(NodePhase.Pending, ctx.now);
                row.message("no longer reports " + spec.component() + " " + to + ": planned again");
            }
            if (row.phase == NodePhase.Pending || row.phase == NodePhase.Blocked) {
                judge(row, to, retry);
            }
        }
    }

    /** Whether a Skipped node's latest report still shows the target (no report: nothing new, it stays). */
    private boolean stillAtTarget(String node) {
        Observation o = ctx.observation(node);
        if (o == null) {
            return true;
        }
        Map<String, String> components = o.report().components();
        String digest = o.report().digests().get(spec.component());
        return verdicts.computeIfAbsent(verdictKey(components, digest), k -> CatalogRules.judge(catalog,
                spec.component(), target, components, digest, spec.allowDowngrade(), ctx.schemeOf()))
                instanceof NodeVerdict.AtTarget;
    }

    private void judge(WorkRow row, String to, String retry) {
        row.eligible = false;
        Observation o = ctx.observation(row.node);
        if (o == null) {
            row.moveTo(NodePhase.Pending, ctx.now);
            row.message("waiting for the node's first report");
            return;
        }
        Report.Status report = o.report();
        row.from(report.components().get(spec.component()));
        row.to(to);
        String digest = report.digests().get(spec.component());
        NodeVerdict verdict = verdicts.computeIfAbsent(verdictKey(report.components(), digest),
                k -> CatalogRules.judge(catalog, spec.component(), target, report.components(), digest,
                        spec.allowDowngrade(), ctx.schemeOf()));
        if (verdict instanceof NodeVerdict.AtTarget && !spec.force()) {
            row.moveTo(NodePhase.Skipped, ctx.now);
            row.message("already at " + to);
            return;
        }
        if (verdict instanceof Rejection r) {
            if (r.reason() == Reason.Downgrade) {
                downgrades.add(row.node + ": " + r.message());
            }
            block(row, r.message());
            return;
        }
        String memory = windowTooLarge(report, to);
        if (memory != null) {
            block(row, memory);
            return;
        }
        if (report.fellBackFrom(spec.component(), to) && retry == null) {
            block(row, "the bootloader fell back from " + spec.component() + " " + to + " on this node before; "
                    + "set spec.retry." + row.node + " to try again");
            return;
        }
        row.moveTo(NodePhase.Pending, ctx.now);
        row.eligible = true;
    }

    /**
     * The image's declared zstd window against the memory cap the node's agent reports: the agent would refuse the
     * image anyway, so it is not instructed. A node (or image) that says nothing proceeds.
     */
    private String windowTooLarge(Report.Status report, String to) {
        Long needs = target.image() == null ? null : target.image().window();
        Long cap = report.maxWindow();
        if (needs == null || cap == null || needs <= cap) {
            return null;
        }
        return spec.component() + " " + to + " needs a zstd window of " + mib(needs) + "; this node's agent allows "
                + mib(cap) + " (maxWindow in its config): raise it or recompress the image with a smaller --long";
    }

    private static String mib(long bytes) {
        if (bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    private void block(WorkRow row, String why) {
        row.moveTo(NodePhase.Blocked, ctx.now);
        row.message(why);
    }

    /** Upgrade-wide reasons that stop every new start this pass, most important first. */
    private final class Gate {
        final String blockedBy;
        final UpgradePhase phase;

        Gate(boolean windowOpen) {
            int failed = 0;
            WorkRow failedCanary = null;
            WorkRow firstFailed = null;
            for (WorkRow r : work.rows) {
                if (r.phase == NodePhase.Failed) {
                    failed++;
                    firstFailed = firstFailed == null ? r : firstFailed;
                    if (r.canary && failedCanary == null) {
                        failedCanary = r;
                    }
                }
            }
            if (failedCanary != null) {
                blockedBy = "canary " + failedCanary.node + " failed: " + failedCanary.failureReason;
                phase = UpgradePhase.Failed;
            } else if (strategy.stopOnFailure() && failed > strategy.failureBudget()) {
                blockedBy = firstFailed.node + " failed: " + firstFailed.failureReason
                        + (failed > 1 ? " (" + failed + " nodes failed)" : "");
                phase = UpgradePhase.Failed;
            } else if (ctx.fleet == null) {
                blockedBy = "fleet.yaml is missing or not valid; nothing new starts until it is fixed";
                phase = UpgradePhase.Waiting;
            } else if (spec.paused()) {
                blockedBy = "paused (commit spec.paused: false to resume)";
                phase = UpgradePhase.Paused;
            } else if (!windowOpen) {
                blockedBy = Windows.describeNext(spec.window(), ctx.now);
                phase = UpgradePhase.Waiting;
            } else {
                blockedBy = null;
                phase = null;
            }
        }
    }

    private void startNodes() {
        int inFlight = work.inFlight();
        int max = strategy.maxUnavailable() == null ? 1 : strategy.maxUnavailable();
        int limit = max == 0 ? Integer.MAX_VALUE : max - inFlight;
        Integer batchSize = strategy.batchSize();
        if (batchSize != null) {
            limit = inFlight > 0 ? 0 : Math.min(limit, batchSize);
        }
        int canaryNodes = strategy.canary() == null ? 0 : strategy.canary().nodes();
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
            lastBatch = Math.max(lastBatch, r.batch == null ? 0 : r.batch);
        }
        boolean promoted = strategy.canary() == null || strategy.canary().promote() == Strategy.Promote.AUTO
                || spec.promoted();
        String controllerHold = ctx.controllerHold(budget);
        int batch = lastBatch + 1;
        for (WorkRow row : work.rows) {
            if (limit <= 0) {
                break;
            }
            if (row.phase != NodePhase.Pending || !row.eligible || row.deselected) {
                continue;
            }
            if (order.group(row.role) > holdGroup) {
                row.message(null);
                continue;
            }
            boolean asCanary = canaries < canaryNodes;
            if (canaryNodes > 0 && !asCanary && !row.canary && (!canariesDone || !promoted)) {
                row.message(null);
                continue;
            }
            if (!ctx.online(row.node)) {
                row.message("waiting: " + ctx.silence(row.node));
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
            if (row.role == io.gitfleet.schema.Role.CONTROLLER) {
                if (controllerHold != null) {
                    row.message("waiting: " + controllerHold);
                    continue;
                }
            }
            Report.Slots slots = ctx.observation(row.node).report().slots();
            String inactive = slots == null || slots.booted() == null ? null
                    : slots.booted().equals("a") ? "b" : "a";
            row.from(ctx.observation(row.node).report().components().get(spec.component()));
            row.start(Action.INSTALL, batchSize != null ? batch : batch + work.started.size(), asCanary && !row.canary,
                    inactive, ctx.now);
            if (asCanary) {
                canaries++;
                canariesDone = false;
            }
            budget.take(row.node, work.name, row.role);
            if (row.role == io.gitfleet.schema.Role.CONTROLLER) {
                controllerHold = ctx.controllerHold(budget);
            }
            work.started.add(row);
            limit--;
        }
    }

    private void decidePhase(Gate gate) {
        int pending = 0, blocked = 0, inFlight = 0, failed = 0;
        String firstBlocked = null;
        String firstWaiting = null;
        boolean canaryWaiting = false;
        for (WorkRow r : work.rows) {
            switch (r.phase) {
                case Pending -> {
                    pending++;
                    if (firstWaiting == null && r.message != null && r.message.startsWith("waiting")) {
                        firstWaiting = r.node + " " + r.message;
                    }
                }
                case Blocked -> {
                    blocked++;
                    firstBlocked = firstBlocked == null ? r.node + ": " + r.message : firstBlocked;
                }
                case Failed -> failed++;
                default -> inFlight += r.phase.inFlight() ? 1 : 0;
            }
        }
        int canaryNodes = strategy.canary() == null ? 0 : strategy.canary().nodes();
        if (canaryNodes > 0 && strategy.canary().promote() == Strategy.Promote.MANUAL && !spec.promoted()) {
            long canaries = work.rows.stream().filter(r -> r.canary).count();
            boolean done = canaries > 0 && work.rows.stream().filter(r -> r.canary)
                    .allMatch(r -> r.phase == NodePhase.Completed);
            canaryWaiting = done && work.rows.stream()
                    .anyMatch(r -> !r.canary && r.phase == NodePhase.Pending && r.eligible);
        }
        if (gate.phase == UpgradePhase.Failed) {
            work.end(UpgradePhase.Failed, "NodeFailed", gate.blockedBy);
        } else if (pending + blocked + inFlight == 0) {
            if (failed > strategy.failureBudget()) {
                work.end(UpgradePhase.Failed, "NodeFailed", failed + " nodes failed, more than the failure budget ("
                        + strategy.failureBudget() + ")");
            } else {
                work.end(UpgradePhase.Succeeded, null, work.rows.isEmpty() ? "no node matches the selector"
                        : failed > 0 ? failed + " nodes failed, within the failure budget" : null);
            }
        } else if (gate.phase != null) {
            work.end(gate.phase, gate.phase == UpgradePhase.Paused ? "Paused" : "Waiting", gate.blockedBy);
        } else if (canaryWaiting && inFlight == 0) {
            work.end(UpgradePhase.AwaitingPromotion, "CanaryCompleted", "the canary succeeded; commit "
                    + "spec.promoted: true to continue");
        } else if (inFlight > 0) {
            work.end(UpgradePhase.RollingOut, null, null);
        } else if (pending == 0) {
            work.end(UpgradePhase.Waiting, "Blocked", blocked + " node" + (blocked == 1 ? "" : "s")
                    + " blocked; " + firstBlocked);
        } else if (work.everStarted()) {
            work.end(UpgradePhase.Waiting, "Waiting", firstWaiting);
        } else {
            work.end(UpgradePhase.Pending, null, firstWaiting);
        }
    }
}
