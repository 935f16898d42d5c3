package io.gitfleet.reconciler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A planner conversation written step by step: nodes report, the clock moves, a pass runs, tests assert. */
final class Scenario {
    final SimFleet fleet = new SimFleet();
    final Map<String, Observation> observed = new HashMap<>();
    Map<String, UpgradeStatus> status = new HashMap<>();
    PlanResult last;
    /** The last instruction each agent received: agents keep their task when instructions stop. */
    final Map<String, Instruction> held = new HashMap<>();
    Instant now = Instant.parse("2026-11-24T10:00:00Z");
    /** When the reconciler under test started to listen (a restart or a take-over); null: always listened. */
    Instant listeningSince;
    int commit;
    /** Results of external gates as the reconciler last ran them, by upgrade. */
    final Map<String, GateResults> gates = new HashMap<>();

    Scenario report(String node, String os) {
        return report(node, os, true, null);
    }

    Scenario report(String node, String os, boolean healthy, Report.Task task) {
        Map<String, String> components = os == null ? Map.of() : Map.of("os", os);
        Observation before = observed.get(node);
        Map<String, List<String>> failed = before == null ? Map.of() : before.report().failedVersions();
        observed.put(node, new Observation(new Report.Status("test", components, new Report.Slots("a", "a", null,
                null, null), new Report.Health(healthy, healthy ? null : "etcd degraded"), task, failed), now));
        return this;
    }

    /** The node reports the os version it runs and the sha256 of that image. */
    Scenario runs(String node, String os, String digest) {
        Observation before = observed.get(node);
        Map<String, List<String>> failed = before == null ? Map.of() : before.report().failedVersions();
        observed.put(node, new Observation(new Report.Status("test", Map.of("os", os), new Report.Slots("a", "a", null,
                null, null), new Report.Health(true, null), null, failed, Map.of("os", digest), null), now));
        return this;
    }

    /** The node reports two components, without digests. */
    Scenario runsBoth(String node, String os, String kubernetes) {
        observed.put(node, new Observation(new Report.Status("test", Map.of("os", os, "kubernetes", kubernetes),
                new Report.Slots("a", "a", null, null, null), new Report.Health(true, null), null, Map.of(), null, null), now));
        return this;
    }

    /** Every node reports what it runs, unchanged. */
    Scenario heartbeat() {
        observed.replaceAll((n, o) -> new Observation(o.report(), now));
        return this;
    }

    /** The agent of {@code node} reports its task for the instruction it holds at {@code phase}. */
    Scenario agent(String node, NodePhase phase, String failure) {
        Instruction i = held.get(node);
        assertNotNull(i, node + " holds no instruction");
        Observation o = observed.get(node);
        Map<String, String> components = new HashMap<>(o.report().components());
        Map<String, List<String>> failed = new HashMap<>(o.report().failedVersions());
        Map<String, String> digests = new HashMap<>(o.report().digests());
        if (phase == NodePhase.Completed || phase == NodePhase.RolledBack) {
            if (i.spec().version() != null) {
                components.put("os", i.spec().version());
            }
            digests.remove("os");
            if (i.spec().image() != null) {
                digests.put("os", i.spec().image().sha256());
            }
        }
        if ("rolled back by bootloader".equals(failure)) {
            List<String> list = new ArrayList<>(failed.getOrDefault("os", List.of()));
            list.add(i.spec().version());
            failed.put("os", list);
        }
        Report.Task task = new Report.Task(i.spec().upgrade(), i.spec().attempt(), i.spec().action(),
                i.spec().version(), phase, null, null, null, failure);
        observed.put(node, new Observation(new Report.Status("test", components, o.report().slots(),
                o.report().health(), task, failed, digests, o.report().maxWindow()), now));
        return this;
    }

    /** Walks the node's instruction through to Completed over several passes, as an agent would. */
    Scenario completes(String node) {
        for (NodePhase p : new NodePhase[] {NodePhase.Downloading, NodePhase.Writing, NodePhase.Verifying,
            NodePhase.Staged, NodePhase.Rebooting}) {
            agent(node, p, null);
            pass();
        }
        return agent(node, NodePhase.Completed, null).pass();
    }

    /** The reconciler restarts (or another replica takes over) now: it listens from here on. */
    Scenario reconcilerRestarts() {
        listeningSince = now;
        return this;
    }

    Scenario later(Duration d) {
        now = now.plus(d);
        return this;
    }

    Scenario upgrade(String name, Upgrade.Spec spec) {
        fleet.upgrade(name, spec);
        commit++;
        return this;
    }

    Scenario edit(String name, UnaryOperator<Upgrade.Spec> change) {
        fleet.upgrade(name, change.apply(fleet.upgrades.get(name).spec()));
        commit++;
        return this;
    }

    Scenario pass() {
        last = FleetPlanner.plan(fleet.snapshot(String.format("%040x", commit)).withGates(gates), observed, status,
                now, listeningSince);
        status = new HashMap<>(last.upgrades());
        held.putAll(last.instructions());
        return this;
    }

    UpgradePhase phase(String upgrade) {
        return status.get(upgrade).status().phase();
    }

    UpgradeStatus.NodeRow row(String upgrade, String node) {
        return status.get(upgrade).status().nodes().stream().filter(r -> r.node().equals(node)).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + node + " in " + upgrade));
    }

    List<String> instructed() {
        return List.copyOf(last.instructions().keySet());
    }

    Scenario expectInstructed(String... nodes) {
        assertEquals(List.of(nodes), instructed());
        return this;
    }

    Scenario expectPhase(String upgrade, UpgradePhase phase) {
        assertEquals(phase, phase(upgrade), () -> upgrade + ": " + status.get(upgrade).status().message());
        return this;
    }

    Action action(String node) {
        return last.instructions().get(node).spec().action();
    }

    static Upgrade.Spec with(Upgrade.Spec s, Boolean paused, Boolean promoted, Map<String, String> retry,
                             Boolean rollback) {
        return new Upgrade.Spec(s.component(), s.version(), s.catalog(), s.selector(), s.strategy(), s.window(),
                s.install(), s.force(), s.allowDowngrade(), paused != null ? paused : s.paused(),
                promoted != null ? promoted : s.promoted(), retry != null ? retry : s.retry(),
                rollback != null ? rollback : s.rollback(), s.blackouts(), s.promotedPhase());
    }
}
