package io.gitfleet.reconciler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Amount;
import io.gitfleet.schema.Durations;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The forecast on the pull request against the rollout as it then happens: random fleets, strategies and windows,
 * simulated agents that take exactly what the status branch's history says; the forecast's duration must be within
 * 20 % of the simulated one.
 */
class PlannerForecastTest {
    private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");

    /** A finished upgrade on the status branch: every node took its role's time. */
    static UpgradeStatus history(SimFleet fleet, Duration worker, Duration controller) {
        List<UpgradeStatus.NodeRow> rows = new ArrayList<>();
        Instant at = START.minus(Duration.ofDays(7));
        for (var n : fleet.nodes.values()) {
            Duration d = n.role() == Role.CONTROLLER ? controller : worker;
            rows.add(new UpgradeStatus.NodeRow(n.name(), n.role(), NodePhase.Completed, Action.INSTALL, "v1.34.0",
                    "v1.34.1", 0, 1, null, 1, null, "b", null, null, at.plus(d), List.of(), null, null, at));
        }
        return UpgradeStatus.of("earlier", new UpgradeStatus.State(UpgradePhase.Succeeded, null, null, "os",
                "v1.34.1", "v1.34.1", "0".repeat(40), at, null, rows));
    }

    @Test
    void theForecastMatchesTheSimulatedRolloutWithin20Percent() {
        Random rnd = new Random(Long.getLong("gitfleet.forecast.seed", 2026));
        int checked = 0;
        for (int run = 0; run < 60; run++) {
            SimFleet fleet = new SimFleet();
            int size = 4 + rnd.nextInt(30);
            int controllers = rnd.nextInt(4);
            Map<String, String> versions = new HashMap<>();
            for (int i = 0; i < size; i++) {
                String name = (i < controllers ? "cp-" : "w-") + i;
                fleet.node(name, i < controllers ? Role.CONTROLLER : Role.WORKER, "dc" + (1 + rnd.nextInt(2)), Map.of());
                versions.put(name, "v1.34.1");
            }
            Duration worker = Duration.ofMinutes(8 + rnd.nextInt(40));
            Duration controller = Duration.ofMinutes(8 + rnd.nextInt(40));
            boolean staging = rnd.nextBoolean();
            Amount max = rnd.nextBoolean() ? Amount.of(1 + rnd.nextInt(4)) : Amount.percent(10 + rnd.nextInt(40));
            List<Strategy.Phase> phases = rnd.nextInt(3) == 0 ? List.of(new Strategy.Phase(1, null, "2h", null),
                    new Strategy.Phase(null, 100, null, null)) : null;
            Strategy strategy = new Strategy(Strategy.Order.WORKERS_FIRST, max, null, null, true, Amount.of(0), phases,
                    staging ? Strategy.Staging.ANYTIME : null, null, null, rnd.nextInt(3) == 0 ? "5m" : null, null,
                    null);
            Upgrade.Window window = rnd.nextInt(3) == 0 ? new Upgrade.Window(null, "20:00", "6h", "UTC") : null;
            fleet.budget(null);
            fleet.upgrade("os", new Upgrade.Spec("os", "stable", new Upgrade.CatalogSource(SimFleet.CATALOG, null,
                    null), null, strategy, window, null, null, null, null, null, null, null));
            Map<String, UpgradeStatus> past = Map.of("earlier", history(fleet, worker, controller));
            Map<String, Observation> observed = new HashMap<>();
            versions.forEach((n, v) -> observed.put(n, new Observation(new Report.Status("sim", Map.of("os", v),
                    new Report.Slots("a", "a", null, null, null), new Report.Health(true, null), null, Map.of()), START)));

            Plan.Forecast f = Forecaster.forecast(fleet.snapshot("0".repeat(40)), observed, past, START).get(0);
            assertNotNull(f.duration(), f.toString());
            RolloutSim sim = new RolloutSim(fleet, n -> {
                Duration d = n.startsWith("cp-") ? controller : worker;
                // as history says: the disruption (boot switch to Completed) takes the recorded time; without
                // staging ahead that time includes the transfer
                return staging ? new RolloutSim.Times(Duration.ofMinutes(1), d)
                        : new RolloutSim.Times(d.dividedBy(4), d.minus(d.dividedBy(4)));
            }, Duration.ofMinutes(1));
            RolloutSim.Outcome actual = sim.run(versions, past, START, Duration.ofDays(60));
            assertNotNull(actual.finish(), "the simulated rollout finished");
            assertEquals(UpgradePhase.Succeeded, actual.phase());
            double real = Duration.between(START, actual.finish()).toSeconds();
            double said = Durations.parse(f.duration()).toSeconds();
            assertTrue(Math.abs(said - real) <= 0.2 * real, "run " + run + ": forecast " + f + " but the rollout took "
                    + Durations.format(Duration.ofSeconds((long) real)) + " (" + size + " nodes, max " + max
                    + ", staging " + staging + ", window " + window + ", phases " + phases + ")");
            assertEquals(size, f.reboots(), "every node reboots once");
            assertEquals(controllers, f.controllers());
            checked++;
        }
        assertEquals(60, checked);
    }
}
