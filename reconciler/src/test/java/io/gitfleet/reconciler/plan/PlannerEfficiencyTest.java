package io.gitfleet.reconciler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.Amount;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Scheduling efficiency: a simulated rollout (the real planner, simulated agents with per-node times drawn from a
 * distribution, a simulated clock) against the ideal of per-node disruption × nodes / maxUnavailable, with and
 * without staging ahead. The build runs 300 nodes; {@code -Dgitfleet.bench.nodes=10000} is the benchmark
 * (docs/planner.md).
 */
class PlannerEfficiencyTest {
    private static final int NODES = Integer.getInteger("gitfleet.bench.nodes", 300);
    private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");

    record Result(double ratio, Duration makespan, Duration ideal, int passes) {
    }

    static Result simulate(int nodes, boolean staging, long seed) {
        Random rnd = new Random(seed);
        SimFleet fleet = new SimFleet();
        fleet.budget(null);
        Map<String, String> versions = new HashMap<>();
        Map<String, RolloutSim.Times> times = new HashMap<>();
        long disruptionMinutes = 0;
        for (int i = 0; i < nodes; i++) {
            String name = String.format("w-%05d", i);
            fleet.node(name, Role.WORKER);
            versions.put(name, "v1.34.1");
            Duration transfer = Duration.ofMinutes(4 + rnd.nextInt(9));    // download, write, verify: 4–12 min
            Duration reboot = Duration.ofMinutes(10 + rnd.nextInt(11));    // boot switch, reboot, health: 10–20 min
            times.put(name, new RolloutSim.Times(transfer, reboot));
            // without staging ahead the transfer holds a disruption slot too
            disruptionMinutes += staging ? reboot.toMinutes() : transfer.toMinutes() + reboot.toMinutes();
        }
        int max = Math.max(1, nodes / 100);
        Strategy strategy = new Strategy(Strategy.Order.LISTED, Amount.of(max), null, null, true, Amount.of(0), null,
                staging ? Strategy.Staging.ANYTIME : null, null, null, null, null, null);
        fleet.upgrade("os", new Upgrade.Spec("os", "stable", new Upgrade.CatalogSource(SimFleet.CATALOG, null, null),
                null, strategy, null, null, null, null, null, null, null, null));
        RolloutSim.Outcome out = new RolloutSim(fleet, times::get, Duration.ofMinutes(30))
                .run(versions, Map.of(), START, Duration.ofDays(30));
        assertEquals(UpgradePhase.Succeeded, out.phase());
        Duration makespan = Duration.between(START, out.finish());
        Duration ideal = Duration.ofMinutes(disruptionMinutes).dividedBy(max);
        return new Result((double) makespan.toSeconds() / ideal.toSeconds(), makespan, ideal, out.passes());
    }

    @Test
    void aLargeRolloutFinishesWithin5PercentOfTheIdeal() {
        long started = System.nanoTime();
        Result plain = simulate(NODES, false, 7);
        Result staged = simulate(NODES, true, 7);
        System.out.printf("scheduler efficiency, %d nodes, maxUnavailable %d: without staging %.3f (%s vs ideal %s), "
                + "with staging ahead %.3f (%s vs ideal %s); %d + %d passes in %.1f s%n", NODES, Math.max(1, NODES / 100),
                plain.ratio(), plain.makespan(), plain.ideal(), staged.ratio(), staged.makespan(), staged.ideal(),
                plain.passes(), staged.passes(), (System.nanoTime() - started) / 1e9);
        assertTrue(plain.ratio() <= 1.05, "without staging: " + plain);
        assertTrue(staged.ratio() <= 1.05, "with staging ahead: " + staged);
        assertTrue(staged.makespan().compareTo(plain.makespan()) < 0, "staging ahead finishes sooner");
    }
}
