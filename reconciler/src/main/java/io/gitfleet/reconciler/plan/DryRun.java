package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Plan;
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
import java.util.TreeMap;

/**
 * The dry-run plan of a fleet: what the first pass decides (who is skipped, blocked, rejected), and then, by
 * playing the rollout forward with every node succeeding, canaries promoted and windows open, the wave in
 * which each node would start. Pure: the same planner, fed simulated reports.
 */
public final class DryRun {
    private static final Duration STEP = Duration.ofMinutes(1);
    /**
     * Rows the simulations may visit in all (passes × rows of a pass). Playing a rollout forward takes one planner
     * pass per wave, so a 5,000-node fleet started one node at a time cost 5,000 passes of 5,000 rows (31 s);
     * within this budget a plan costs a few dozen passes at most, whatever the fleet, and the waves past it are
     * extrapolated from the last simulated wave ({@link #extrapolate}).
     */
    static final long WORK = 200_000L;

    /** How many simulated passes a fleet of {@code rows} rows may take, at least {@code min}. */
    static int passes(long rows, int min, int max) {
        return (int) Math.max(min, Math.min(max, WORK / Math.max(1, rows)));
    }

    static long rows(FleetSnapshot snapshot) {
        return (long) Math.max(1, snapshot.fleet().nodes().size()) * Math.max(1, snapshot.fleet().upgrades().size());
    }

    private DryRun() {
    }

    public static Plan.State plan(FleetSnapshot snapshot, Map<String, Observation> observed,
                                  Map<String, UpgradeStatus> previous, Instant now) {
        PlanResult first = FleetPlanner.plan(snapshot, observed, previous, now);
        Map<String, Integer> waves = simulateWaves(snapshot, observed, previous, now);
        List<Plan.Row> rows = new ArrayList<>();
        boolean ok = snapshot.fleet().problems().isEmpty();
        for (UpgradeStatus status : first.upgrades().values()) {
            String name = status.metadata().name();
            if (!snapshot.fleet().upgrades().containsKey(name) && !snapshot.fleet().brokenUpgrades().containsKey(name)) {
                continue;
            }
            UpgradePhase phase = status.status().phase();
            ok &= phase != UpgradePhase.Rejected;
            if (phase == UpgradePhase.Rejected || status.status().nodes().isEmpty()) {
                rows.add(new Plan.Row(name, phase, "-", null, null, status.status().resolvedVersion(), null, null, null,
                        phase.name(), status.status().message()));
            }
            if (phase == UpgradePhase.Rejected) {
                continue;
            }
            for (UpgradeStatus.NodeRow r : status.status().nodes()) {
                Integer wave = waves.get(name + "/" + r.node());
                String shown = switch (r.phase()) {
                    case Skipped, Blocked, Completed, Failed, RolledBack -> r.phase().name();
                    default -> wave != null ? "Upgrade" : r.phase() == NodePhase.Pending ? "Waiting" : r.phase().name();
                };
                String message = r.message();
                if (message == null && phase == UpgradePhase.Paused) {
                    message = "the upgrade is paused";
                } else if (message == null && wave == null && r.phase() == NodePhase.Pending) {
                    message = status.status().message();
                }
                rows.add(new Plan.Row(name, phase, r.node(), r.role(), r.from(), r.to(), r.order(), wave,
                        r.isCanary() || isCanaryWave(snapshot, name, wave) ? Boolean.TRUE : null, shown, message));
            }
        }
        List<Plan.Forecast> forecasts = new ArrayList<>();
        for (Plan.Forecast f : Forecaster.forecast(snapshot, observed, previous, now)) {
            UpgradeStatus st = first.upgrades().get(f.upgrade());
            if (st != null && st.status().phase() != UpgradePhase.Rejected) {
                forecasts.add(f);
            }
        }
        return new Plan.State(null, snapshot.commit(), null, ok, snapshot.fleet().problems(), rows, forecasts);
    }

    private static boolean isCanaryWave(FleetSnapshot snapshot, String upgrade, Integer wave) {
        Upgrade u = snapshot.fleet().upgrades().get(upgrade);
        return wave != null && wave == 1 && u != null && u.spec().strategy().canary() != null;
    }

    /** Plays the rollout forward; returns "upgrade/node" → the wave (1-based) in which the node starts. */
    private static Map<String, Integer> simulateWaves(FleetSnapshot snapshot, Map<String, Observation> observed,
                                                      Map<String, UpgradeStatus> previous, Instant now) {
        FleetSnapshot optimistic = optimistic(snapshot);
        Map<String, Observation> reports = new HashMap<>(observed);
        Map<String, UpgradeStatus> status = new HashMap<>(previous);
        Map<String, Integer> waves = new HashMap<>();
        Map<String, Integer> waveOfUpgrade = new HashMap<>();
        Map<String, Integer> lastWaveSize = new HashMap<>();
        int limit = 4 * (snapshot.fleet().nodes().size() + 2) * Math.max(1, snapshot.fleet().upgrades().size()) + 8;
        limit = passes(rows(snapshot), 16, limit);
        Instant t = now;
        for (int pass = 0; ; pass++) {
            PlanResult result = FleetPlanner.plan(optimistic, reports, status, t);
            status = new HashMap<>(result.upgrades());
            if (result.instructions().isEmpty()) {
                break;
            }
            if (pass >= limit) {
                extrapolate(status, waves, waveOfUpgrade, lastWaveSize);
                break;
            }
            Map<String, Integer> sizes = new HashMap<>();
            Map<String, Boolean> startedIn = new HashMap<>();
            for (Instruction i : result.instructions().values()) {
                String key = i.spec().upgrade() + "/" + i.name();
                if (!waves.containsKey(key)) {
                    startedIn.put(i.spec().upgrade(), true);
                    sizes.merge(i.spec().upgrade(), 1, Integer::sum);
                    waves.put(key, waveOfUpgrade.getOrDefault(i.spec().upgrade(), 0) + 1);
                }
            }
            startedIn.keySet().forEach(u -> waveOfUpgrade.merge(u, 1, Integer::sum));
            lastWaveSize.putAll(sizes);
            t = t.plus(STEP);
            for (Map.Entry<String, Observation> e : reports.entrySet()) {
                if (!result.instructions().containsKey(e.getKey())) {
                    e.setValue(new Observation(e.getValue().report(), t));
                }
            }
            for (Instruction i : result.instructions().values()) {
                reports.put(i.name(), new Observation(completed(reports.get(i.name()), i.spec()), t));
            }
        }
        return waves;
    }

    /**
     * Waves past the simulation's budget: the rows still to start, in rollout order, in waves as large as the
     * last simulated one of their upgrade. Exact for a steady rollout (the common case once canaries and phases
     * are behind); an estimate where a later phase or the fleet's budget would change the pace.
     */
    private static void extrapolate(Map<String, UpgradeStatus> status, Map<String, Integer> waves,
                                    Map<String, Integer> waveOfUpgrade, Map<String, Integer> lastWaveSize) {
        for (UpgradeStatus st : status.values()) {
            String name = st.metadata().name();
            Integer size = lastWaveSize.get(name);
            if (size == null || size <= 0) {
                continue;
            }
            int wave = waveOfUpgrade.getOrDefault(name, 0);
            int started = 0;
            for (UpgradeStatus.NodeRow r : st.status().nodes()) {    // rows are in rollout order
                String key = name + "/" + r.node();
                if (r.phase() == NodePhase.Pending && !waves.containsKey(key)) {
                    waves.put(key, wave + 1 + started++ / size);
                }
            }
        }
    }

    private static Report.Status completed(Observation before, Instruction.Spec s) {
        Report.Status r = before == null ? new Report.Status(null, Map.of(), null, null, null, null) : before.report();
        Map<String, String> components = new HashMap<>(r.components());
        if (s.version() != null) {
            components.put(s.component(), s.version());
        }
        Report.Task task = new Report.Task(s.upgrade(), s.attempt(), s.action(), s.version(),
                s.action() == Action.ROLLBACK ? NodePhase.RolledBack : NodePhase.Completed, null, null, null, null);
        return new Report.Status(r.agentVersion(), components, r.slots(), new Report.Health(true, null), task,
                r.failedVersions(), r.digests(), r.maxWindow());
    }

    /**
     * The fleet with every canary and phase promoted, every window open and no blackout, soak, settle, gate or
     * deadline, so the simulation runs to the end.
     */
    private static FleetSnapshot optimistic(FleetSnapshot snapshot) {
        LoadedFleet f = snapshot.fleet();
        TreeMap<String, Upgrade> upgrades = new TreeMap<>();
        f.upgrades().forEach((name, u) -> {
            Upgrade.Spec s = u.spec();
            upgrades.put(name, new Upgrade(u.apiVersion(), u.kind(), u.metadata(), new Upgrade.Spec(s.component(),
                    s.version(), s.catalog(), s.selector(), unhurried(s.strategy()), null, s.install(), s.force(),
                    s.allowDowngrade(), s.paused(), true, s.retry(), s.rollback())));
        });
        LoadedFleet open = new LoadedFleet(f.fleet(), f.nodes(), f.catalogs(), upgrades, f.brokenUpgrades(),
                f.problems());
        return new FleetSnapshot(snapshot.commit(), open, snapshot.remoteCatalogs(), snapshot.remoteErrors());
    }

    private static io.gitfleet.schema.Strategy unhurried(io.gitfleet.schema.Strategy st) {
        List<io.gitfleet.schema.Strategy.Phase> phases = new ArrayList<>();
        for (io.gitfleet.schema.Strategy.Phase p : st.phases()) {
            phases.add(new io.gitfleet.schema.Strategy.Phase(p.nodes(), p.percent(), null,
                    io.gitfleet.schema.Strategy.Promote.AUTO));
        }
        return new io.gitfleet.schema.Strategy(st.order(), st.maxUnavailable(), st.batchSize(), st.canary(),
                st.stopOnFailure(), st.failureBudget(), phases, st.staging(), st.maxStaging(),
                st.expectedDisruption(), null, null, null);
    }
}
