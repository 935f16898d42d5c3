package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.Amount;
import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradeStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.UpgradePhase;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Many random fleets, each driven through random agent behaviour and operator edits; the invariants of
 * DESIGN.md §4 are checked after every step. Seeded and reproducible: a failure names its seed and step.
 * Longer campaigns: {@code -Dgitfleet.property.steps=1000000} (see docs/planner.md).
 */
class PlannerPropertyTest {
    private static final long STEPS = Long.getLong("gitfleet.property.steps", 10000);
    private static final long SEED = Long.getLong("gitfleet.property.seed", 20261124L);
    private static final int STEPS_PER_FLEET = 250;
    private static final String[] VERSIONS = {"v1.34.0", "v1.34.1", "v1.35.0", "v1.35.1", "v1.36.0", null, "1.x"};
    private static final String[] TARGETS = {"stable", "stable", "v1.35.0", "v1.36.0", "v1.34.3", "v9.9.9"};

    private final Set<UpgradePhase> upgradePhasesSeen = EnumSet.noneOf(UpgradePhase.class);
    private final Set<NodePhase> nodePhasesSeen = EnumSet.noneOf(NodePhase.class);

    @Test
    void invariantsHoldOnRandomFleetsAndReports() {
        Random master = new Random(SEED);
        long steps = 0;
        int fleets = 0;
        long instructions = 0;
        long started = System.nanoTime();
        while (steps < STEPS) {
            long seed = master.nextLong();
            int n = (int) Math.min(STEPS_PER_FLEET, STEPS - steps);
            instructions += run(seed, n);
            steps += n;
            fleets++;
        }
        System.out.printf("planner property test: %d steps over %d random fleets, %d instructions checked, "
                + "seed %d, %.1f s%n", steps, fleets, instructions, SEED, (System.nanoTime() - started) / 1e9);
        // the campaign must reach every phase, or it proves less than it claims
        org.junit.jupiter.api.Assertions.assertEquals(EnumSet.allOf(UpgradePhase.class), upgradePhasesSeen);
        org.junit.jupiter.api.Assertions.assertEquals(EnumSet.allOf(NodePhase.class), nodePhasesSeen);
    }

    private long run(long seed, int steps) {
        Random rnd = new Random(seed);
        SimFleet fleet = new SimFleet();
        fleet.budget(rnd.nextInt(4) == 0 ? null : 1 + rnd.nextInt(4));
        Map<String, SimAgent> agents = new HashMap<>();
        int size = 3 + rnd.nextInt(25);
        int controllers = rnd.nextInt(4);
        for (int i = 0; i < size; i++) {
            boolean controller = i < controllers;
            String name = (controller ? "cp-" : "w-") + i;
            fleet.node(name, controller ? Role.CONTROLLER : Role.WORKER, "dc" + (1 + rnd.nextInt(2)),
                    Map.of("zone", rnd.nextBoolean() ? "a" : "b"));
            String version = VERSIONS[rnd.nextInt(VERSIONS.length)];
            SimAgent agent = new SimAgent(name, controller, version);
            // what image the node runs: the catalog's, an older build of the same version, or unknown
            switch (version == null ? 2 : rnd.nextInt(3)) {
                case 0 -> agent.digests.put("os", SimFleet.image(version).sha256());
                case 1 -> agent.digests.put("os", String.format("%064x", rnd.nextLong() & Long.MAX_VALUE));
                default -> { }
            }
            if (rnd.nextInt(10) == 0) {
                agent.failedVersions.put("os", new ArrayList<>(List.of("v1.35.1")));
            }
            if (rnd.nextInt(8) > 0) {
                agents.put(name, agent);
            }
        }
        int upgrades = 1 + rnd.nextInt(3);
        for (int u = 0; u < upgrades; u++) {
            fleet.upgrade("up-" + u, randomSpec(rnd, fleet));
        }
        // a random start in the week, so that rollouts meet window openings, closings and blackouts
        Instant now = Instant.parse("2026-11-21T00:00:00Z").plus(Duration.ofMinutes(rnd.nextInt(7 * 24 * 60)));
        Map<String, Observation> observed = new HashMap<>();
        Map<String, UpgradeStatus> previous = new HashMap<>();
        Map<String, Instruction> instructions = Map.of();
        String commit = commit(rnd);
        long given = 0;
        for (int step = 0; step < steps; step++) {
            now = now.plus(Duration.ofSeconds(rnd.nextInt(20) == 0 ? 1200 : 10 + rnd.nextInt(170)));
            for (SimAgent agent : agents.values()) {
                Report.Status report = agent.step(instructions.get(agent.name), rnd);
                if (report != null) {
                    observed.put(agent.name, new Observation(report, now));
                }
            }
            if (rnd.nextInt(30) == 0 && !fleet.upgrades.isEmpty()) {
                mutate(rnd, fleet, observed);
                commit = commit(rnd);
            }
            FleetSnapshot snap = fleet.snapshot(commit);
            PlanResult result;
            try {
                result = FleetPlanner.plan(snap, observed, previous, now);
                Invariants.check(snap, observed, previous, result, now);
                if (step % 97 == 0) {
                    for (UpgradeStatus s : result.upgrades().values()) {
                        DocumentReader.require("upgrades/" + s.metadata().name() + ".yaml",
                                Documents.toYaml(s).getBytes(StandardCharsets.UTF_8), UpgradeStatus.class);
                    }
                    for (Instruction i : result.instructions().values()) {
                        DocumentReader.require("instruction", Documents.toJsonBytes(i), Instruction.class);
                    }
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ", step " + step + ": " + e.getMessage(), e);
            }
            for (UpgradeStatus st : result.upgrades().values()) {
                upgradePhasesSeen.add(st.status().phase());
                st.status().nodes().forEach(r -> nodePhasesSeen.add(r.phase()));
            }
            previous = new HashMap<>(result.upgrades());
            instructions = result.instructions();
            given += instructions.size();
        }
        return given;
    }

    private static Amount amount(Random rnd, int plainBound, boolean zeroOk) {
        if (rnd.nextInt(3) == 0) {
            return Amount.percent((zeroOk ? 0 : 1) + rnd.nextInt(zeroOk ? 101 : 100));
        }
        return Amount.of((zeroOk ? 0 : 1) + rnd.nextInt(plainBound));
    }

    private static Upgrade.Spec randomSpec(Random rnd, SimFleet fleet) {
        Upgrade.Selector canarySelector = rnd.nextInt(3) == 0 ? new Upgrade.Selector(null, null,
                Map.of("zone", "b"), null) : null;
        Strategy.Canary canary = rnd.nextInt(2) == 0 ? new Strategy.Canary(amount(rnd, 2, false),
                rnd.nextBoolean() ? Strategy.Promote.MANUAL : Strategy.Promote.AUTO, canarySelector) : null;
        List<Strategy.Phase> phases = rnd.nextInt(3) == 0 ? List.of(
                new Strategy.Phase(1, null, rnd.nextBoolean() ? "30m" : null, rnd.nextBoolean()
                        ? Strategy.Promote.MANUAL : Strategy.Promote.AUTO),
                new Strategy.Phase(null, 20 + rnd.nextInt(40), rnd.nextBoolean() ? "2h" : null, null),
                new Strategy.Phase(null, 100, null, null)) : null;
        Strategy.Staging staging = switch (rnd.nextInt(3)) {
            case 0 -> Strategy.Staging.ANYTIME;
            case 1 -> Strategy.Staging.WINDOW;
            default -> null;
        };
        Amount maxUnavailable = rnd.nextInt(4) == 0 ? Amount.percent(1 + rnd.nextInt(60)) : Amount.of(rnd.nextInt(4));
        Strategy strategy = new Strategy(Strategy.Order.values()[rnd.nextInt(3)], maxUnavailable,
                rnd.nextBoolean() ? null : amount(rnd, 3, false), canary, rnd.nextInt(4) > 0, amount(rnd, 3, true),
                phases, staging, rnd.nextBoolean() ? null : amount(rnd, 5, false),
                rnd.nextInt(4) == 0 ? null : (20 + rnd.nextInt(120)) + "m", rnd.nextInt(4) == 0 ? "10m" : null, null,
                rnd.nextInt(6) == 0 ? "3d" : null);
        List<String> names = new ArrayList<>(fleet.nodes.keySet());
        Upgrade.Selector selector = switch (rnd.nextInt(5)) {
            case 0 -> new Upgrade.Selector(List.of(names.get(rnd.nextInt(names.size())),
                    names.get(rnd.nextInt(names.size()))).stream().distinct().toList(), null, null, null);
            case 1 -> new Upgrade.Selector(null, List.of(rnd.nextBoolean() ? Role.WORKER : Role.CONTROLLER), null, null);
            case 2 -> new Upgrade.Selector(null, null, Map.of("zone", "a"), null);
            case 3 -> new Upgrade.Selector(null, null, null, "dc1");
            default -> null;
        };
        Upgrade.Window window = switch (rnd.nextInt(7)) {
            case 0 -> new Upgrade.Window(List.of("sat", "sun", "mon"), "01:00", "6h", "UTC");
            // daily and short: runs meet its closing, where a node's expected disruption may no longer fit
            case 2, 3, 4 -> new Upgrade.Window(null, String.format("%02d:%02d", rnd.nextInt(24), 15 * rnd.nextInt(4)),
                    (40 + rnd.nextInt(120)) + "m", "UTC");
            case 1 -> new Upgrade.Window(null, "22:00", "3h", "Europe/Berlin",
                    Map.of("dc2", new Upgrade.Window(null, "04:00", "5h", "America/New_York", null)));
            default -> null;
        };
        List<Upgrade.Blackout> blackouts = rnd.nextInt(5) == 0 ? List.of(new Upgrade.Blackout(
                "2026-11-2" + (1 + rnd.nextInt(5)) + "T06:00:00+01:00", "2026-11-2" + (1 + rnd.nextInt(5))
                + "T18:00:00+01:00", "freeze")) : null;
        return new Upgrade.Spec("os", TARGETS[rnd.nextInt(TARGETS.length)],
                new Upgrade.CatalogSource(SimFleet.CATALOG, null, null), selector, strategy, window, null,
                rnd.nextInt(8) == 0, rnd.nextInt(5) == 0, false, rnd.nextInt(5) == 0, Map.of(), false, blackouts,
                null);
    }

    /** An operator's commit: pause or resume, promote, retry a node, roll back, cancel. */
    private static void mutate(Random rnd, SimFleet fleet, Map<String, Observation> observed) {
        List<String> names = new ArrayList<>(fleet.upgrades.keySet());
        String name = names.get(rnd.nextInt(names.size()));
        Upgrade.Spec s = fleet.upgrades.get(name).spec();
        List<String> nodes = new ArrayList<>(fleet.nodes.keySet());
        Map<String, String> retry = new HashMap<>(s.retry());
        boolean paused = s.paused();
        boolean promoted = s.promoted();
        boolean rollback = s.rollback();
        Integer promotedPhase = s.promotedPhase();
        switch (rnd.nextInt(10)) {
            case 0 -> paused = !paused;
            case 1 -> promoted = true;
            case 2 -> promotedPhase = promotedPhase == null ? 2 : promotedPhase + 1;
            case 3, 4, 5 -> retry.put(nodes.get(rnd.nextInt(nodes.size())), Integer.toString(rnd.nextInt(1000)));
            case 6 -> rollback = !rollback;
            case 7 -> {
                fleet.upgrades.remove(name);
                return;
            }
            case 8 -> {
                fleet.catalog = respin(rnd, fleet.catalog);
                return;
            }
            default -> {
                fleet.upgrade(name + "-b", randomSpec(rnd, fleet));
                return;
            }
        }
        fleet.upgrade(name, new Upgrade.Spec(s.component(), s.version(), s.catalog(), s.selector(), s.strategy(),
                s.window(), s.install(), s.force(), s.allowDowngrade(), paused, promoted, retry, rollback,
                s.blackouts(), promotedPhase));
    }

    /** A new build of one image under the same version: a new sha256 in the catalog. */
    private static Catalog.Spec respin(Random rnd, Catalog.Spec c) {
        List<Catalog.Image> images = new ArrayList<>(c.images());
        int i = rnd.nextInt(images.size());
        Catalog.Image old = images.get(i);
        images.set(i, new Catalog.Image(old.version(), old.url(), String.format("%064x", rnd.nextLong() & Long.MAX_VALUE),
                old.size(), old.requires(), old.payload()));
        return new Catalog.Spec(c.component(), c.channels(), images, c.blocked(), c.policy(), c.versionScheme());
    }

    private static String commit(Random rnd) {
        return String.format("%016x%016x%08x", rnd.nextLong(), rnd.nextLong(), rnd.nextInt());
    }
}
