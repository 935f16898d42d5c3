package io.gitfleet.reconciler.pass;

import io.gitfleet.reconciler.plan.PlanResult;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Holds new starts while the approved branch is refused: the planner sees every upgrade paused (a pause keeps
 * tracking nodes in flight and starts nothing), and the status then says why instead of "paused".
 */
final class HeldFleet {
    private HeldFleet() {
    }

    static LoadedFleet pauseAll(LoadedFleet f) {
        SortedMap<String, Upgrade> held = new TreeMap<>();
        f.upgrades().forEach((name, u) -> {
            Upgrade.Spec s = u.spec();
            held.put(name, new Upgrade(u.apiVersion(), u.kind(), u.metadata(), new Upgrade.Spec(s.component(),
                    s.version(), s.catalog(), s.selector(), s.strategy(), s.window(), s.install(), s.force(),
                    s.allowDowngrade(), true, s.promoted(), s.retry(), s.rollback(), s.blackouts(), s.promotedPhase())));
        });
        return new LoadedFleet(f.fleet(), f.nodes(), f.catalogs(), held, f.brokenUpgrades(), f.problems());
    }

    /** Replaces the planner's "paused" explanation of upgrades that are paused only by the hold. */
    static PlanResult explain(PlanResult plan, LoadedFleet written, String why) {
        SortedMap<String, UpgradeStatus> out = new TreeMap<>();
        plan.upgrades().forEach((name, status) -> {
            UpgradeStatus.State s = status.status();
            Upgrade u = written.upgrades().get(name);
            if (s.phase() == UpgradePhase.Paused && u != null && !u.spec().paused()) {
                s = new UpgradeStatus.State(s.phase(), "Held", "no new node starts: " + why, s.component(),
                        s.desiredVersion(), s.resolvedVersion(), s.approvedCommit(), s.phaseSince(), s.counts(),
                        s.nodes(), s.startedAt());
                status = UpgradeStatus.of(name, s);
            }
            out.put(name, status);
        });
        return new PlanResult(out, plan.instructions(), plan.events(), plan.gatesDue(), plan.nextChange());
    }
}
