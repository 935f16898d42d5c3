package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Durations;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Node;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Plan;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How long each upgrade will take, for the plan on a pull request: the real planner is run forward over simulated
 * time, every node taking its expected disruption (its own history, else its role's median on the status branch,
 * else {@code expectedDisruption}, else {@value #DEFAULT_MINUTES} minutes), windows, blackouts, soaks and settle
 * times as written, promotions committed and gates passing as soon as they are due, staging ahead keeping up.
 * Pure: values in, values out.
 */
public final class Forecaster {
    static final int DEFAULT_MINUTES = 10;
    static final Duration DEFAULT_NODE_TIME = Duration.ofMinutes(DEFAULT_MINUTES);
    static final Duration HORIZON = Duration.ofDays(180);
    /** Planner passes a forecast may spend: a pull request's plan must not take minutes. */
    private static final int MAX_PASSES = 20_000;

    private Forecaster() {
    }

    private static final class Task {
        final String upgrade;
        final int attempt;
        final Action action;
        final String version;
        final String component;
        NodePhase phase;
        Instant doneAt;

        Task(Instruction.Spec s) {
            upgrade = s.upgrade();
            attempt = s.attempt();
            action = s.action();
            version = s.version();
            component = s.component();
        }
    }

    private static final class Tally {
        int reboots;
        int controllers;
        final Set<Instant> windows = new HashSet<>();
        Instant finish;
        /** Set when the finish is extrapolated past the simulation's budget: how it was estimated. */
        String estimate;
    }

    public static List<Plan.Forecast> forecast(FleetSnapshot snapshot, Map<String, Observation> observed,
                                               Map<String, UpgradeStatus> previous, Instant now) {
        DisruptionHistory history = new DisruptionHistory(previous.values());
        FleetSnapshot sim = promptOperators(snapshot);
        LoadedFleet fleet = sim.fleet();
        Map<String, Observation> reports = new HashMap<>(observed);
        Map<String, UpgradeStatus> status = new HashMap<>(previous);
        Map<String, Task> tasks = new HashMap<>();
        Map<String, Tally> tallies = new TreeMap<>();
        fleet.upgrades().keySet().forEach(u -> tallies.put(u, new Tally()));
        Instant t = now;
        int budget = DryRun.passes(DryRun.rows(snapshot), 16, MAX_PASSES);
        boolean cut = false;
        for (int pass = 0; t.isBefore(now.plus(HORIZON)); pass++) {
            if (pass >= budget) {
                cut = budget < MAX_PASSES;
                break;
            }
            PlanResult result = FleetPlanner.plan(sim, reports, status, t);
            status = new HashMap<>(result.upgrades());
            boolean open = false;
            for (Map.Entry<String, Tally> e : tallies.entrySet()) {
                UpgradeStatus st = status.get(e.getKey());
                Tally tally = e.getValue();
                if (st == null || tally.finish != null) {
                    continue;
                }
                count(st, fleet.upgrades().get(e.getKey()), fleet, t, tally);
                UpgradePhase p = st.status().phase();
                if (p == UpgradePhase.Succeeded || p == UpgradePhase.Failed || p == UpgradePhase.Rejected) {
                    tally.finish = t;
                } else if (p != UpgradePhase.Paused) {
                    open = true;
                }
            }
            if (!open) {
                break;
            }
            Instant next = null;
            boolean staging = false;
            for (Instruction i : result.instructions().values()) {
                Task task = tasks.get(i.name());
                if (task == null || !task.upgrade.equals(i.spec().upgrade()) || task.attempt != i.spec().attempt()) {
                    task = new Task(i.spec());
                    tasks.put(i.name(), task);
                }
                if (i.spec().isStageOnly()) {
                    staging |= task.phase != NodePhase.Staged;
                    task.phase = NodePhase.Staged;
                } else if (task.doneAt == null) {
                    Node n = fleet.nodes().get(i.name());
                    task.doneAt = t.plus(history.expected(i.name(), n == null ? null : n.role(),
                            fallback(fleet.upgrades().get(i.spec().upgrade()))));
                    task.phase = NodePhase.Rebooting;
                }
                if (task.doneAt != null && task.phase != NodePhase.Completed
                        && (next == null || task.doneAt.isBefore(next))) {
                    next = task.doneAt;
                }
            }
            if (staging) {
                next = t.plus(Duration.ofMinutes(1));    // staged ahead: the activation can come at the next pass
            }
            // jump to the next completion, or to when time alone may change a decision (a window opens, a soak,
            // settle time or blackout ends), whichever comes first
            Instant target = next;
            Instant change = result.nextChange();
            if (change != null && (target == null || change.isBefore(target))) {
                target = change;
            }
            if (target == null) {
                break;    // nothing in flight and nothing time could change: it stays as it is
            }
            t = target;
            for (Map.Entry<String, Observation> e : reports.entrySet()) {
                Task task = tasks.get(e.getKey());
                Report.Status r = e.getValue().report();
                if (task != null && task.doneAt != null && !t.isBefore(task.doneAt) && task.phase != NodePhase.Completed) {
                    task.phase = task.action == Action.ROLLBACK ? NodePhase.RolledBack : NodePhase.Completed;
                    Map<String, String> components = new HashMap<>(r.components());
                    if (task.version != null) {
                        components.put(task.component, task.version);
                    }
                    r = new Report.Status(r.agentVersion(), components, r.slots(), new Report.Health(true, null), null,
                            r.failedVersions());
                }
                Report.Task reported = task == null ? null : new Report.Task(task.upgrade, task.attempt, task.action,
                        task.version, task.phase, null, null, null, null);
                e.setValue(new Observation(new Report.Status(r.agentVersion(), r.components(), r.slots(),
                        new Report.Health(true, null), reported, r.failedVersions()), t));
            }
        }
        if (cut) {
            extrapolate(tallies, status, previous, now, t);
        }
        List<Plan.Forecast> out = new ArrayList<>();
        for (Map.Entry<String, Tally> e : tallies.entrySet()) {
            out.add(describe(e.getKey(), fleet.upgrades().get(e.getKey()), e.getValue(), status.get(e.getKey()),
                    fleet, history, now));
        }
        return out;
    }

    /**
     * The end of each upgrade still open when the simulation's budget ran out: the nodes left at the pace of those
     * done so far (windows and soaks included, as far as the simulation reached them).
     */
    private static void extrapolate(Map<String, Tally> tallies, Map<String, UpgradeStatus> status,
                                    Map<String, UpgradeStatus> previous, Instant now, Instant t) {
        for (Map.Entry<String, Tally> e : tallies.entrySet()) {
            Tally tally = e.getValue();
            UpgradeStatus st = status.get(e.getKey());
            if (tally.finish != null || st == null || st.status().phase() == UpgradePhase.Paused) {
                continue;
            }
            int done = 0;
            int left = 0;
            int controllersLeft = 0;
            for (UpgradeStatus.NodeRow r : st.status().nodes()) {
                switch (r.phase()) {
                    case Completed, RolledBack -> done++;
                    case Skipped, Blocked, Failed -> { }
                    default -> {
                        left++;
                        if (r.phase() == NodePhase.Pending && r.role() == Role.CONTROLLER) {
                            controllersLeft++;
                        }
                        if (r.phase() == NodePhase.Pending) {
                            tally.reboots++;
                        }
                    }
                }
            }
            UpgradeStatus before = previous.get(e.getKey());
            if (before != null) {    // done before the forecast began: not part of the simulated pace
                done -= (int) before.status().nodes().stream().filter(r -> r.phase() == NodePhase.Completed
                        || r.phase() == NodePhase.RolledBack).count();
            }
            if (done <= 0) {
                continue;
            }
            tally.controllers += controllersLeft;
            long perNode = Duration.between(now, t).toMillis() / done;
            tally.finish = t.plus(Duration.ofMillis(perNode * left));
            tally.estimate = "estimated: " + left + " nodes at the pace of the first " + done;
        }
    }

    private static Duration fallback(Upgrade u) {
        Strategy s = u == null ? null : u.spec().strategy();
        return s != null && s.expectedDisruption() != null ? Durations.parse(s.expectedDisruption()) : DEFAULT_NODE_TIME;
    }

    /** Counts the boot switches of this pass and the window openings they fall in. */
    private static void count(UpgradeStatus st, Upgrade u, LoadedFleet fleet, Instant t, Tally tally) {
        for (UpgradeStatus.NodeRow r : st.status().nodes()) {
            if (r.action() != Action.INSTALL || !t.equals(r.activatedAt()) || !r.phase().inFlight()) {
                continue;
            }
            tally.reboots++;
            if (r.role() == Role.CONTROLLER) {
                tally.controllers++;
            }
            if (u != null && u.spec().window() != null) {
                Node n = fleet.nodes().get(r.node());
                Windows.closesAt(u.spec().window().in(n == null ? null : n.spec().datacenter()), t)
                        .ifPresent(tally.windows::add);
            }
        }
    }

    private static Plan.Forecast describe(String name, Upgrade u, Tally tally, UpgradeStatus st, LoadedFleet fleet,
                                          DisruptionHistory history, Instant now) {
        Map<Role, Integer> roles = new EnumMap<>(Role.class);
        if (st != null) {
            for (UpgradeStatus.NodeRow r : st.status().nodes()) {
                if (r.role() != null) {
                    roles.merge(r.role(), 1, Integer::sum);
                }
            }
        }
        List<String> per = new ArrayList<>();
        List<String> basis = new ArrayList<>();
        for (Role role : roles.keySet()) {
            Duration median = history.roleMedian(role);
            String label = role.name().toLowerCase(java.util.Locale.ROOT);
            per.add(label + " " + Durations.format(median != null ? median : fallback(u)));
            basis.add(label + ": " + (median != null ? "median of recent " + label + "s on the status branch"
                    : u != null && u.spec().strategy().expectedDisruption() != null ? "expectedDisruption"
                    : "default " + DEFAULT_MINUTES + "m"));
        }
        Integer windows = u != null && u.spec().window() != null ? tally.windows.size() : null;
        if (u != null && u.spec().paused()) {
            return new Plan.Forecast(name, null, null, String.join(", ", per), String.join("; ", basis), null, null,
                    null, "paused: no estimate until it is resumed");
        }
        if (tally.finish == null) {
            return new Plan.Forecast(name, tally.reboots, tally.controllers, String.join(", ", per),
                    String.join("; ", basis), windows, null, null, "no end in sight within "
                    + Durations.format(HORIZON) + " or " + MAX_PASSES + " simulated passes"
                    + (st == null || st.status().message() == null ? "" : ": " + st.status().message()));
        }
        return new Plan.Forecast(name, tally.reboots, tally.controllers, String.join(", ", per),
                String.join("; ", basis), windows, Durations.format(Duration.between(now, tally.finish)),
                tally.finish, tally.estimate != null ? tally.estimate
                : st != null && st.status().phase() != UpgradePhase.Succeeded
                ? st.status().phase() + ": " + st.status().message() : null);
    }

    /** The fleet with promotions committed and gates passing as soon as due, and no deadline to fail on. */
    private static FleetSnapshot promptOperators(FleetSnapshot snapshot) {
        LoadedFleet f = snapshot.fleet();
        TreeMap<String, Upgrade> upgrades = new TreeMap<>();
        f.upgrades().forEach((name, u) -> {
            Upgrade.Spec s = u.spec();
            Strategy st = s.strategy();
            Strategy relaxed = new Strategy(st.order(), st.maxUnavailable(), st.batchSize(), st.canary(),
                    st.stopOnFailure(), st.failureBudget(), st.phases(), st.staging(), st.maxStaging(),
                    st.expectedDisruption(), st.settle(), null, null);
            upgrades.put(name, new Upgrade(u.apiVersion(), u.kind(), u.metadata(), new Upgrade.Spec(s.component(),
                    s.version(), s.catalog(), s.selector(), relaxed, s.window(), s.install(), s.force(),
                    s.allowDowngrade(), s.paused(), true, s.retry(), s.rollback(), s.blackouts(), null)));
        });
        LoadedFleet prompt = new LoadedFleet(f.fleet(), f.nodes(), f.catalogs(), upgrades, f.brokenUpgrades(),
                f.problems());
        return new FleetSnapshot(snapshot.commit(), prompt, snapshot.remoteCatalogs(), snapshot.remoteErrors());
    }
}
