package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A rollout played with the real planner, a simulated clock and simulated agents whose times are given per node:
 * {@code stage} to download, write and verify, {@code disrupt} from the boot switch to Completed. Passes run at
 * every agent event (as reports arrive at a real reconciler), time jumps from event to event, and at least every
 * {@code tick} so that windows and soaks are seen. Used to check the forecast and to measure scheduling efficiency.
 */
final class RolloutSim {
    record Times(Duration stage, Duration disrupt) {
    }

    record Outcome(Instant finish, int passes, UpgradePhase phase) {
    }

    private final SimFleet fleet;
    private final Function<String, Times> times;
    private final Duration tick;

    RolloutSim(SimFleet fleet, Function<String, Times> times, Duration tick) {
        this.fleet = fleet;
        this.times = times;
        this.tick = tick;
    }

    private static final class Agent {
        Instruction.Spec spec;
        NodePhase phase;
        Instant stagedAt;
        Instant doneAt;
        String os;
    }

    /** Runs until every upgrade has ended (or the horizon); all nodes report from the start. */
    Outcome run(Map<String, String> versions, Map<String, UpgradeStatus> history, Instant start, Duration horizon) {
        FleetSnapshot snap = fleet.snapshot("0".repeat(40));
        Map<String, Agent> agents = new HashMap<>();
        versions.forEach((n, v) -> {
            Agent a = new Agent();
            a.os = v;
            agents.put(n, a);
        });
        Map<String, UpgradeStatus> status = new HashMap<>(history);
        Instant t = start;
        int passes = 0;
        UpgradePhase last = null;
        while (t.isBefore(start.plus(horizon))) {
            Map<String, Observation> observed = new HashMap<>();
            Instant heard = t;
            agents.forEach((n, a) -> observed.put(n, new Observation(report(a), heard)));
            PlanResult r = FleetPlanner.plan(snap, observed, status, t);
            passes++;
            status = new HashMap<>(r.upgrades());
            boolean done = true;
            for (UpgradeStatus st : r.upgrades().values()) {
                if (!history.containsKey(st.metadata().name())) {
                    UpgradePhase p = st.status().phase();
                    last = p;
                    done &= p == UpgradePhase.Succeeded || p == UpgradePhase.Failed || p == UpgradePhase.Rejected;
                }
            }
            if (done) {
                return new Outcome(t, passes, last);
            }
            Instant next = t.plus(tick);
            for (Instruction i : r.instructions().values()) {
                Agent a = agents.get(i.name());
                Times time = times.apply(i.name());
                boolean same = a.spec != null && a.spec.upgrade().equals(i.spec().upgrade())
                        && a.spec.attempt() == i.spec().attempt();
                if (!same) {
                    a.spec = i.spec();
                    a.phase = NodePhase.Downloading;
                    a.stagedAt = t.plus(time.stage());
                    a.doneAt = null;
                } else {
                    a.spec = i.spec();
                }
                if (a.phase == NodePhase.Downloading && !t.isBefore(a.stagedAt)) {
                    a.phase = NodePhase.Staged;
                }
                if (a.phase == NodePhase.Staged && !i.spec().isStageOnly() && a.doneAt == null) {
                    a.phase = NodePhase.Rebooting;
                    a.doneAt = t.plus(time.disrupt());
                }
                if (a.phase == NodePhase.Downloading && a.stagedAt.isBefore(next)) {
                    next = a.stagedAt;
                }
                if (a.doneAt != null && a.phase != NodePhase.Completed && a.doneAt.isBefore(next)) {
                    next = a.doneAt;
                }
            }
            t = next;
            for (Agent a : agents.values()) {
                if (a.phase == NodePhase.Downloading && !t.isBefore(a.stagedAt)) {
                    a.phase = NodePhase.Staged;
                }
                if (a.phase == NodePhase.Rebooting && !t.isBefore(a.doneAt)) {
                    a.phase = NodePhase.Completed;
                    a.os = a.spec.version();
                }
            }
        }
        return new Outcome(null, passes, last);
    }

    private static Report.Status report(Agent a) {
        Report.Task task = a.spec == null ? null : new Report.Task(a.spec.upgrade(), a.spec.attempt(), Action.INSTALL,
                a.spec.version(), a.phase, null, null, null, null);
        return new Report.Status("sim", a.os == null ? Map.of() : Map.of("os", a.os),
                new Report.Slots("a", "a", null, null, null), new Report.Health(true, null), task, Map.of());
    }
}
