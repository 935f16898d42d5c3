package io.gitfleet.reconciler.pass;

import io.gitfleet.reconciler.plan.FleetPlanner;
import io.gitfleet.reconciler.plan.FleetSnapshot;
import io.gitfleet.reconciler.plan.PlanResult;
import io.gitfleet.reconciler.store.StatusPaths;
import io.gitfleet.reconciler.store.StatusView;
import io.gitfleet.schema.UpgradeStatus;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs the planner on the accepted fleet (with the {@code url} catalogs fetched for it), the reports and the
 * previous status: once per pass. {@link #planOn} gives the record step that plan again for free while the status
 * it is written on holds the same upgrade statuses, and plans anew only when another writer changed them.
 */
final class PlanStep implements Step {
    /** Runs the external gates the planner asks for, between passes; null: gates are never run. */
    private final io.gitfleet.reconciler.gate.GateRunner gates;
    /** Wait for the gates the plan asks for and plan again with their results ({@code reconcile --once}). */
    private final boolean awaitGates;

    PlanStep(io.gitfleet.reconciler.gate.GateRunner gates, boolean awaitGates) {
        this.gates = gates;
        this.awaitGates = awaitGates;
    }

    @Override
    public String name() {
        return "plan";
    }

    @Override
    public void run(PassState s) throws Exception {
        s.inFlightBefore = inFlight(s.status);
        s.gates = gates == null ? java.util.Map.of() : gates.latest();
        planOn(s, s.status);
        if (gates != null && !s.plan.gatesDue().isEmpty()) {
            var runs = gates.request(s.plan.gatesDue(), s.fleet, s.now);
            if (awaitGates) {
                // one pass and no next one to read the results: run them now (each gate is bounded by its own
                // timeout), then plan with them, as the server's next pass would
                runs.join();
                s.gates = gates.latest();
                s.plan = null;
                planOn(s, s.status);
            }
        }
    }

    /** The plan for the status {@code previous}: the one already computed when the upgrade statuses are the same. */
    static PlanResult planOn(PassState s, StatusView previous) throws IOException {
        Object key = previous.contentKey(StatusPaths.UPGRADES);
        if (s.plan == null || !key.equals(s.plannedOn)) {
            s.plan = plan(s, previous);
            s.plannedOn = key;
            s.plans++;
        }
        return s.plan;
    }

    private static PlanResult plan(PassState s, StatusView previous) throws IOException {
        FleetSnapshot snapshot = new FleetSnapshot(s.approved.name(), s.fleet, s.catalogs.catalogs(),
                s.catalogs.errors(), s.gates);
        PlanResult plan = FleetPlanner.plan(snapshot, s.observed, previous.upgrades(), s.now,
                s.listeningSince);
        return s.holdNewStarts ? HeldFleet.explain(plan, s.writtenFleet, s.holdReason) : plan;
    }

    /**
     * The tasks (node, upgrade, attempt, and whether only staging ahead) with a row in a disruptive phase: the
     * activation of a staged node is a task of its own, its boot switch.
     */
    static Set<String> tasksInFlight(StatusView status) throws IOException {
        Set<String> out = new java.util.HashSet<>();
        for (UpgradeStatus u : status.upgrades().values()) {
            for (UpgradeStatus.NodeRow r : u.status().nodes()) {
                if (r.phase().inFlight()) {
                    out.add(task(r.node(), u.metadata().name(), r.attempt(), r.isStaging()));
                }
            }
        }
        return out;
    }

    static String task(String node, String upgrade, int attempt, boolean stageOnly) {
        return node + "\n" + upgrade + "\n" + attempt + (stageOnly ? "\nstage" : "");
    }

    /** Nodes with a row in a disruptive phase: the only ones that may be instructed while new starts are held. */
    static Set<String> inFlight(StatusView status) throws IOException {
        Set<String> out = new TreeSet<>();
        for (UpgradeStatus u : status.upgrades().values()) {
            for (UpgradeStatus.NodeRow r : u.status().nodes()) {
                if (r.phase().inFlight()) {
                    out.add(r.node());
                }
            }
        }
        return out;
    }
}
