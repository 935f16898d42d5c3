package io.gitfleet.reconciler.plan;

import static io.gitfleet.reconciler.plan.Invariants.require;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Durations;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradeStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of issue-12 rollouts, checked on one planner step: a boot switch only after the node staged ahead (with
 * staging), never while an upgraded node is unhealthy, after the settle time, before the deadline; phases are not
 * crossed without their soak and promotion.
 */
final class RolloutRules {
    private RolloutRules() {
    }

    /** {@code r} was switched (started without staging, or activated) by this step. */
    static void checkSwitch(FleetSnapshot snap, Upgrade u, Strategy s, UpgradeStatus prev, UpgradeStatus st,
                            UpgradeStatus.NodeRow r, Map<String, Observation> observed, Instant now) {
        String name = st.metadata().name();
        if (s.staging() != null) {
            UpgradeStatus.NodeRow b = prev == null ? null : prev.status().nodes().stream()
                    .filter(x -> x.node().equals(r.node())).findFirst().orElse(null);
            // the agent reported Staged (this pass or before) for the attempt that staged ahead
            require(b != null && b.isStaging() && r.phase() == NodePhase.Staged && b.attempt().equals(r.attempt()),
                    name + " switched " + r.node() + " which had not staged ahead (before: " + b + "; now: " + r + ")");
        }
        Instant lastCompleted = null;
        for (UpgradeStatus.NodeRow x : st.status().nodes()) {
            if (x.phase() != NodePhase.Completed) {
                continue;
            }
            lastCompleted = lastCompleted == null || x.since().isAfter(lastCompleted) ? x.since() : lastCompleted;
            Observation o = observed.get(x.node());
            boolean unhealthy = o != null && o.report().health() != null && !o.report().health().healthy()
                    && !o.receivedAt().isBefore(x.since());
            require(!unhealthy, name + " switched " + r.node() + " while upgraded " + x.node() + " is unhealthy");
        }
        if (s.settle() != null && lastCompleted != null) {
            require(!now.isBefore(lastCompleted.plus(Durations.parse(s.settle()))),
                    name + " switched " + r.node() + " within the settle time");
        }
        if (s.deadline() != null && st.status().startedAt() != null) {
            require(now.isBefore(st.status().startedAt().plus(Durations.parse(s.deadline()))),
                    name + " switched " + r.node() + " after its deadline");
        }
    }

    /**
     * Windows bound the whole disruption: a switch happens only if the node's expected disruption (as the status
     * branch before the step says, else expectedDisruption, else nodeTimeout) ends before its window closes and
     * before the next blackout.
     */
    static void checkFits(FleetSnapshot snap, Upgrade u, Strategy s, UpgradeStatus.NodeRow r,
                          DisruptionHistory history, java.time.Duration nodeTimeout, Instant now) {
        Schedule schedule = new Schedule(u.spec());
        if (!schedule.bounded()) {
            return;
        }
        java.time.Duration fallback = s.expectedDisruption() != null ? Durations.parse(s.expectedDisruption())
                : nodeTimeout;
        java.time.Duration expected = history.expected(r.node(), r.role(), fallback);
        String dc = snap.fleet().nodes().get(r.node()).spec().datacenter();
        String why = schedule.whyNot(dc, now, expected);
        require(why == null, u.metadata().name() + " switched " + r.node() + " although " + why);
    }

    private static boolean switched(UpgradeStatus.NodeRow r) {
        if (r.action() != Action.INSTALL || r.attempt() == 0) {
            return false;
        }
        return r.phase().inFlight() && !r.isStaging() || r.phase() == NodePhase.Completed
                || r.phase() == NodePhase.Failed && r.activatedAt() != null;
    }

    /** A step never crosses a phase's end without every node of it finished, its soak, and its promotion. */
    static void checkPhases(Upgrade u, Strategy s, UpgradeStatus prev, UpgradeStatus st, Instant now) {
        List<Strategy.Phase> phases = s.phases();
        if (phases.isEmpty()) {
            return;
        }
        Map<String, UpgradeStatus.NodeRow> before = new HashMap<>();
        if (prev != null) {
            prev.status().nodes().forEach(r -> before.put(r.node(), r));
        }
        int base = 0;
        int was = 0;
        int is = 0;
        boolean othersInFlight = false;
        Instant lastFinished = null;
        for (UpgradeStatus.NodeRow r : st.status().nodes()) {
            if (r.phase() != NodePhase.Skipped) {
                base++;
            }
            UpgradeStatus.NodeRow b = before.get(r.node());
            boolean wasSwitched = b != null && switched(b) && b.attempt().equals(r.attempt());
            if (wasSwitched) {
                was++;
            }
            if (switched(r)) {
                is++;
                boolean here = !wasSwitched;
                if (!here && r.phase().inFlight()) {
                    othersInFlight = true;
                }
                if (!here && !r.phase().inFlight() && (lastFinished == null || r.since().isAfter(lastFinished))) {
                    lastFinished = r.since();
                }
            }
        }
        for (int i = 0; i < phases.size(); i++) {
            int target = phases.get(i).target(base);
            if (was < target) {
                require(is <= target, u.metadata().name() + " switched " + is + " nodes, past phase " + (i + 1)
                        + " (" + target + ") from " + was);
            }
            if (was == target && is > target && i + 1 < phases.size()) {
                Strategy.Phase done = phases.get(i);
                require(!othersInFlight, "phase " + (i + 2) + " began while phase " + (i + 1) + " was in flight");
                if (done.soak() != null && lastFinished != null) {
                    require(!now.isBefore(lastFinished.plus(Durations.parse(done.soak()))),
                            "phase " + (i + 2) + " began before phase " + (i + 1) + " soaked");
                }
                if (done.promote() == Strategy.Promote.MANUAL) {
                    require(u.spec().promoted() || u.spec().promotedPhase() != null
                            && u.spec().promotedPhase() >= i + 2, "phase " + (i + 2) + " began without promotion");
                }
            }
        }
    }
}
