package io.gitfleet.reconciler.plan;

import static io.gitfleet.reconciler.plan.Invariants.require;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradeStatus;
import io.gitfleet.version.CatalogRules;
import io.gitfleet.version.TargetResolution;
import io.gitfleet.version.VersionScheme;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The invariants of DESIGN.md §4 as the status branch must show them, checked on one status commit against the one
 * before it: what a reconciler that crashed, restarted and lost its Git server in between may never have written.
 * Used by the fault campaign ({@code io.gitfleet.reconciler.fault}).
 */
public final class StatusInvariants {
    private StatusInvariants() {
    }

    /** {@code maxUnavailable} of {@code s} over {@code selected} nodes (0: no limit), for checks outside this package. */
    public static int maxUnavailable(Strategy s, int selected) {
        return Limits.maxUnavailable(s, selected);
    }

    /**
     * @param fleet  the fleet at the approved commit the status commit names ({@code Fleet-Commit}), or null
     * @param before the upgrade statuses of the previous status commit (empty for the first)
     * @param after  the upgrade statuses of this status commit
     */
    public static void check(LoadedFleet fleet, Map<String, UpgradeStatus> before, Map<String, UpgradeStatus> after) {
        Map<String, String> task = new HashMap<>();
        Set<String> disrupted = new HashSet<>();
        int controllers = 0;
        boolean startedAny = false;
        for (UpgradeStatus st : after.values()) {
            String name = st.metadata().name();
            UpgradeStatus prev = before.get(name);
            Map<String, UpgradeStatus.NodeRow> was = new HashMap<>();
            if (prev != null) {
                prev.status().nodes().forEach(r -> was.put(r.node(), r));
            }
            Upgrade u = fleet == null ? null : fleet.upgrades().get(name);
            Strategy strategy = u == null ? null : u.spec().strategy();
            int inFlight = 0;
            // the failures recorded before this commit that still stand in it (a retry takes one back)
            int failedBefore = (int) st.status().nodes().stream().filter(r -> r.phase() == NodePhase.Failed
                    && was.containsKey(r.node()) && was.get(r.node()).phase() == NodePhase.Failed
                    && Objects.equals(was.get(r.node()).attempt(), r.attempt())).count();
            boolean startedHere = false;
            for (UpgradeStatus.NodeRow r : st.status().nodes()) {
                UpgradeStatus.NodeRow b = was.get(r.node());
                monotone(name, b, r);
                boolean started = r.phase().inFlight() && r.attempt() > (b == null ? 0 : b.attempt());
                if (r.phase().inFlight()) {
                    String other = task.put(r.node(), name);
                    require(other == null, r.node() + " in flight in " + other + " and " + name);
                    if (!r.isStaging()) {
                        inFlight++;
                        disrupted.add(r.node());
                        controllers += r.role() == Role.CONTROLLER ? 1 : 0;
                    }
                    if (u != null && r.action() == Action.INSTALL) {
                        approvedTarget(fleet, u, r);
                    }
                }
                if (started) {
                    startedHere = true;
                    startedAny = true;
                    boolean retried = b != null && !Objects.equals(b.nonce(), r.nonce());
                    // 5: with stopOnFailure, nothing new starts once the failures the branch recorded exceed the budget
                    if (strategy != null && strategy.stopOnFailure() && r.action() == Action.INSTALL && !retried
                            && prev != null) {
                        require(failedBefore <= Limits.failureBudget(strategy, st.status().nodes().size()),
                                name + " started " + r.node() + " after " + failedBefore + " recorded failures");
                    }
                }
            }
            // 2: per upgrade
            if (strategy != null) {
                int max = Limits.maxUnavailable(strategy, st.status().nodes().size());
                require(max == 0 || inFlight <= max || !startedHere, name + " has " + inFlight
                        + " nodes in flight on the status branch, maxUnavailable " + max);
            }
        }
        Integer budget = fleet == null ? null : fleet.fleet().map(f -> f.spec().disruptionBudget().maxUnavailable())
                .orElse(null);
        require(budget == null || disrupted.size() <= budget || !startedAny, disrupted.size()
                + " nodes disrupted on the status branch, fleet budget " + budget);
        require(controllers <= 1, controllers + " controllers disrupted at once on the status branch");
    }

    /** 1 and 4: an install in flight is for the target the approved manifest and its catalog name. */
    private static void approvedTarget(LoadedFleet fleet, Upgrade u, UpgradeStatus.NodeRow r) {
        Catalog.Spec cat = fleet.localCatalog(u).orElse(null);
        if (cat == null || !(CatalogRules.resolve(cat, u.spec().component(), u.spec().version())
                instanceof TargetResolution.Target t)) {
            require(false, r.node() + " in flight for " + u.metadata().name() + ", whose target does not resolve");
            return;
        }
        require(VersionScheme.of(cat).same(r.to(), t.version()), r.node() + " in flight to " + r.to()
                + " but the approved target is " + t.version());
        require(!cat.blocked().contains(r.to()), r.node() + " in flight to blocked " + r.to());
    }

    /**
     * Status history is monotone per node: attempts never go back; within one attempt a finished row stays
     * finished, a row past its boot switch never returns to the transfer, and its transitions only grow (the
     * oldest may scroll out of the capped list, none is ever lost or rewritten).
     */
    private static void monotone(String upgrade, UpgradeStatus.NodeRow b, UpgradeStatus.NodeRow r) {
        if (b == null) {
            return;
        }
        String where = upgrade + "/" + r.node() + " attempt " + r.attempt();
        require(r.attempt() >= b.attempt(), where + " went back from attempt " + b.attempt());
        if (!r.attempt().equals(b.attempt())) {
            return;
        }
        boolean retried = !Objects.equals(b.nonce(), r.nonce());
        // Skipped is not finished: a skipped node is judged again every pass (its version may move)
        if (!retried && (b.phase() == NodePhase.Completed || b.phase() == NodePhase.RolledBack
                || b.phase() == NodePhase.Failed)) {
            require(r.phase() == b.phase(), where + " left the finished phase " + b.phase() + " for " + r.phase());
        }
        if (b.phase() == NodePhase.Rebooting) {
            require(r.phase() == NodePhase.Rebooting || r.phase() == NodePhase.Completed
                    || r.phase() == NodePhase.Failed || r.phase() == NodePhase.RolledBack,
                    where + " went from Rebooting back to " + r.phase());
        }
        require(!r.since().isBefore(b.since()), where + " since went back from " + b.since() + " to " + r.since());
        require(extendsList(b.transitions(), r.transitions()), where + " lost transitions: " + b.transitions()
                + " then " + r.transitions());
    }

    /**
     * {@code after} continues {@code before}: all of {@code before} starts {@code after}, or, once the list is at its
     * cap ({@code WorkRow.MAX_TRANSITIONS}), a non-empty tail of it does.
     */
    private static boolean extendsList(List<UpgradeStatus.Transition> before, List<UpgradeStatus.Transition> after) {
        int last = after.size() >= WorkRow.MAX_TRANSITIONS && !before.isEmpty() ? before.size() - 1 : 0;
        for (int k = 0; k <= last; k++) {
            List<UpgradeStatus.Transition> tail = before.subList(k, before.size());
            if (tail.size() <= after.size() && after.subList(0, tail.size()).equals(tail)) {
                return true;
            }
        }
        return false;
    }
}
