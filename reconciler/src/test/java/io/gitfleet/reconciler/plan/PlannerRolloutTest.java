package io.gitfleet.reconciler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.Amount;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rollouts that fit real maintenance, walked pass by pass: staging ahead outside the disruption budget, windows that
 * bound the whole disruption, blackouts, per-datacenter windows, phases with soaks, gates and promotions, health
 * halts, settle times, canaries chosen by selector, percentages and deadlines.
 */
class PlannerRolloutTest {
    private static final Upgrade.Window NIGHT = new Upgrade.Window(null, "02:00", "2h", "UTC");

    private Scenario s;

    @BeforeEach
    void fleet() {
        s = new Scenario();
        s.fleet.budget(2);
        s.fleet.node("cp-1", Role.CONTROLLER).node("w-1", Role.WORKER).node("w-2", Role.WORKER)
                .node("w-3", Role.WORKER, "dc2", Map.of("canary", "yes"));
        for (String n : List.of("cp-1", "w-1", "w-2", "w-3")) {
            s.report(n, "v1.34.1");
        }
    }

    static Strategy strategy(Amount maxUnavailable, Strategy.Canary canary, List<Strategy.Phase> phases,
                             Strategy.Staging staging, Amount maxStaging, String expected, String settle,
                             List<Strategy.Gate> gates, String deadline) {
        return new Strategy(Strategy.Order.WORKERS_FIRST, maxUnavailable, null, canary, true, Amount.of(0), phases,
                staging, maxStaging, expected, settle, gates, deadline);
    }

    static Strategy staged(Amount maxStaging) {
        return strategy(Amount.of(1), null, null, Strategy.Staging.ANYTIME, maxStaging, "30m", null, null, null);
    }

    static Upgrade.Spec spec(Strategy strategy, Upgrade.Window window, List<Upgrade.Blackout> blackouts) {
        return new Upgrade.Spec("os", "stable", new Upgrade.CatalogSource(SimFleet.CATALOG, null, null), null,
                strategy, window, null, null, null, null, null, null, null, blackouts, null);
    }

    private Instruction.Spec given(String node) {
        return s.last.instructions().get(node).spec();
    }

    /** The agent walks its stage-only instruction up to Staged. */
    private void stages(String node) {
        for (NodePhase p : new NodePhase[] {NodePhase.Downloading, NodePhase.Writing, NodePhase.Verifying,
            NodePhase.Staged}) {
            s.agent(node, p, null).pass();
        }
    }

    private void finishes(String node) {
        s.agent(node, NodePhase.Rebooting, null).pass();
        s.agent(node, NodePhase.Completed, null).pass();
    }

    @Test
    void stagingAheadTakesNoDisruptionSlotAndTheSwitchWaitsForTheWindow() {
        s.upgrade("os", spec(staged(Amount.of(2)), NIGHT, null)).pass();   // 10:00 UTC: the window is closed
        assertEquals(Instant.parse("2026-11-25T02:00:00Z"), s.last.nextChange(), "the window's next opening");
        s.expectInstructed("w-1", "w-2");
        assertTrue(given("w-1").isStageOnly());
        assertTrue(given("w-2").isStageOnly());
        assertEquals(UpgradePhase.Waiting, s.phase("os"));
        assertTrue(s.status.get("os").status().message().startsWith("outside the maintenance window (next opens "),
                s.status.get("os").status().message());
        stages("w-1");
        stages("w-2");
        assertEquals(NodePhase.Staged, s.row("os", "w-1").phase());
        assertTrue(s.row("os", "w-1").isStaging());
        assertTrue(s.status.get("os").status().message().endsWith("(2 staged ahead)"),
                s.status.get("os").status().message());
        s.later(Duration.ofHours(16)).heartbeat().pass();                 // 02:00: one switch (maxUnavailable 1)
        assertFalse(given("w-1").isStageOnly(), "w-1 is activated");
        assertEquals(1, given("w-1").attempt(), "the same attempt: the agent continues with the slot it staged");
        assertEquals(SimFleet.image("v1.35.1").sha256(), given("w-1").image().sha256());
        assertTrue(given("w-2").isStageOnly(), "w-2 stays staged: no disruption slot for it yet");
        assertTrue(given("w-3").isStageOnly(), "a staging slot freed up: w-3 stages meanwhile");
        assertEquals(s.now, s.row("os", "w-1").activatedAt());
        assertEquals(UpgradePhase.RollingOut, s.phase("os"));
        finishes("w-1");
        assertFalse(given("w-2").isStageOnly(), "the next staged node switches as the slot frees");
    }

    @Test
    void aNewTargetBeforeTheSwitchRestagesAndAStaleImageIsNeverActivated() {
        s.upgrade("os", spec(staged(Amount.of(1)), NIGHT, null)).pass().expectInstructed("w-1");
        stages("w-1");
        // the catalog's image for v1.35.1 is replaced (same version, new digest) before the window opens
        List<Catalog.Image> images = new ArrayList<>(s.fleet.catalog.images());
        Catalog.Image old = SimFleet.image("v1.35.1");
        images.replaceAll(i -> i.version().equals("v1.35.1") ? new Catalog.Image(i.version(), i.url(),
                "f".repeat(64), i.size(), i.requires(), i.payload()) : i);
        s.fleet.catalog = new Catalog.Spec("os", s.fleet.catalog.channels(), images, s.fleet.catalog.blocked(), null);
        s.commit++;
        s.later(Duration.ofHours(16)).heartbeat().pass();
        assertNull(s.last.instructions().get("w-1"), "the stale staged image gets no instruction, so it is dropped");
        s.agent("w-1", NodePhase.Failed, "cancelled by the reconciler").pass();
        Instruction.Spec again = given("w-1");
        assertTrue(again.isStageOnly(), "staged again first, even inside the window");
        assertEquals(2, again.attempt());
        assertEquals("f".repeat(64), again.image().sha256());
        assertFalse(old.sha256().equals(again.image().sha256()));
        // a newer version arriving before the switch: the same again
        stages("w-1");
        s.edit("os", sp -> new Upgrade.Spec(sp.component(), "v1.36.0", sp.catalog(), sp.selector(), sp.strategy(),
                sp.window(), sp.install(), sp.force(), sp.allowDowngrade(), sp.paused(), sp.promoted(), sp.retry(),
                sp.rollback(), sp.blackouts(), sp.promotedPhase())).pass();
        assertNull(s.last.instructions().get("w-1"));
        s.agent("w-1", NodePhase.Failed, "cancelled by the reconciler").pass();
        assertEquals("v1.36.0", given("w-1").version());
        assertTrue(given("w-1").isStageOnly());
    }

    @Test
    void aNodeSwitchesOnlyIfItsExpectedDisruptionFitsBeforeTheWindowCloses() {
        Strategy st = strategy(Amount.of(2), null, null, null, null, "30m", null, null, null);
        s.now = Instant.parse("2026-11-25T03:40:00Z");
        s.heartbeat().upgrade("os", spec(st, NIGHT, null)).pass().expectInstructed();
        assertEquals("w-1 waiting: the expected disruption (30m) does not fit before the window closes at "
                + "2026-11-25 04:00 UTC", s.status.get("os").status().message());
        s.now = Instant.parse("2026-11-25T03:25:00Z");
        s.heartbeat().pass().expectInstructed("w-1", "w-2");
    }

    @Test
    void historyOfTheNodeAndItsRoleSetsTheExpectedDisruption() {
        Strategy st = strategy(Amount.of(3), null, null, null, null, "10m", null, null, null);
        // a finished upgrade on the status branch: w-1 took 50 minutes, w-2 20 minutes
        s.fleet.budget(5);
        s.upgrade("earlier", SimFleet.spec("v1.35.0", new Strategy(Strategy.Order.WORKERS_FIRST, 3, null, null, true,
                0))).pass();
        s.later(Duration.ofMinutes(20)).agent("w-2", NodePhase.Completed, null).agent("w-3", NodePhase.Completed,
                null).agent("w-1", NodePhase.Writing, null).pass();
        s.later(Duration.ofMinutes(15)).agent("w-1", NodePhase.Rebooting, null).pass();
        s.later(Duration.ofMinutes(15)).agent("w-1", NodePhase.Completed, null).pass();
        assertEquals(NodePhase.Completed, s.row("earlier", "w-1").phase());
        DisruptionHistory h = new DisruptionHistory(s.status.values());
        assertEquals(Duration.ofMinutes(50), h.expected("w-1", Role.WORKER, Duration.ofMinutes(10)));
        assertEquals(Duration.ofMinutes(20), h.roleMedian(Role.WORKER));
        assertEquals(Duration.ofMinutes(10), h.expected("cp-1", Role.CONTROLLER, Duration.ofMinutes(10)),
                "no history for the role: the configured expectedDisruption");
        s.fleet.upgrades.remove("earlier");
        s.now = Instant.parse("2026-11-25T03:30:00Z");
        s.heartbeat().upgrade("os", spec(st, NIGHT, null)).pass();
        // 30 minutes left: w-1 (50m) does not fit, w-2 and w-3 (20m) do
        s.expectInstructed("w-2", "w-3");
        assertEquals("waiting: the expected disruption (50m) does not fit before the window closes at "
                + "2026-11-25 04:00 UTC", s.row("os", "w-1").message());
    }

    @Test
    void aBlackoutHoldsEverySwitchAndNoDisruptionRunsIntoIt() {
        List<Upgrade.Blackout> freeze = List.of(new Upgrade.Blackout("2026-11-24T11:00:00+01:00",
                "2026-11-24T14:00:00+01:00", "release freeze"));
        Strategy st = strategy(Amount.of(1), null, null, null, null, "30m", null, null, null);
        s.upgrade("os", spec(st, null, freeze)).pass().expectInstructed();   // 10:00Z is inside the blackout
        assertEquals("in the blackout until 2026-11-24 13:00 UTC (release freeze)",
                s.status.get("os").status().message());
        s.now = Instant.parse("2026-11-24T09:45:00Z");
        s.heartbeat().pass().expectInstructed();
        assertEquals(Instant.parse("2026-11-24T13:00:00Z"), s.last.nextChange(), "the blackout's end");
        assertEquals("w-1 waiting: the expected disruption (30m) would run into the blackout from 2026-11-24 10:00 "
                + "UTC (release freeze)", s.status.get("os").status().message());
        s.now = Instant.parse("2026-11-24T13:00:00Z");
        s.heartbeat().pass().expectInstructed("w-1");
    }

    @Test
    void eachDatacenterHasItsOwnWindowAndARolloutSpansWindows() {
        Upgrade.Window perDc = new Upgrade.Window(null, "09:00", "2h", "UTC",
                Map.of("dc2", new Upgrade.Window(null, "20:00", null, "Europe/Berlin", null)));
        Strategy st = strategy(Amount.of(0), null, null, null, null, "30m", null, null, null);
        s.fleet.budget(5);
        s.upgrade("os", spec(st, perDc, null)).pass().expectInstructed("w-1", "w-2");   // dc1 is open, dc2 not
        assertEquals("waiting: outside the maintenance window (next opens tue 2026-11-24 20:00 Europe/Berlin)",
                s.row("os", "w-3").message());
        s.completes("w-1").completes("w-2");
        s.later(Duration.ofHours(9)).heartbeat().pass().expectInstructed("w-3");   // 19:00Z = 20:00 in Berlin
        s.completes("w-3");
        s.later(Duration.ofHours(5)).heartbeat().pass().expectInstructed();       // controllers: dc1, closed
        s.later(Duration.ofHours(9)).heartbeat().pass().expectInstructed("cp-1");  // 09:00Z: the next morning
    }

    @Test
    void phasesSoakThenPromoteAutomaticallyOrWaitForTheCommit() {
        List<Strategy.Phase> phases = List.of(new Strategy.Phase(1, null, null, Strategy.Promote.MANUAL),
                new Strategy.Phase(null, 50, "24h", null), new Strategy.Phase(null, 100, null, null));
        Strategy st = strategy(Amount.percent(100), null, phases, null, null, null, null, null, null);
        Upgrade.Spec workers = new Upgrade.Spec("os", "stable", new Upgrade.CatalogSource(SimFleet.CATALOG, null,
                null), new Upgrade.Selector(null, List.of(Role.WORKER), null, null), st, null, null, null, null, null,
                null, null, null, null, null);
        s.fleet.budget(5);
        s.upgrade("os", workers).pass().expectInstructed("w-1");
        s.completes("w-1").expectPhase("os", UpgradePhase.AwaitingPromotion).expectInstructed();
        assertEquals("phase 1 of 3 (1 node) succeeded; commit spec.promotedPhase: 2 to start phase 2 (50%)",
                s.status.get("os").status().message());
        s.edit("os", sp -> new Upgrade.Spec(sp.component(), sp.version(), sp.catalog(), sp.selector(), sp.strategy(),
                sp.window(), sp.install(), sp.force(), sp.allowDowngrade(), sp.paused(), sp.promoted(), sp.retry(),
                sp.rollback(), sp.blackouts(), 2)).pass().expectInstructed("w-2");   // 50% of 3, rounded up: 2
        s.completes("w-2").expectPhase("os", UpgradePhase.Waiting).expectInstructed();
        assertEquals("Soaking", s.status.get("os").status().reason());
        assertEquals("phase 2 of 3 (50%) is done; soaking until 2026-11-25 10:00 UTC",
                s.status.get("os").status().message());
        assertEquals(Instant.parse("2026-11-25T10:00:00Z"), s.last.nextChange(), "the soak's end");
        s.later(Duration.ofHours(23)).heartbeat().pass().expectInstructed();
        s.later(Duration.ofHours(1)).heartbeat().pass().expectInstructed("w-3");
        s.completes("w-3").expectPhase("os", UpgradePhase.Succeeded);
    }

    @Test
    void externalGatesMustPassAfterTheSoakAndAnUnreachableGateWaitsWithItsReason() {
        List<Strategy.Phase> phases = List.of(new Strategy.Phase(1, null, "1h", null),
                new Strategy.Phase(null, 100, null, null));
        Strategy.Gate prom = new Strategy.Gate(null, null, new Strategy.Prometheus("http://127.0.0.1:9/",
                "up == 0"));
        Strategy st = strategy(Amount.of(1), null, phases, null, null, null, null, List.of(prom), null);
        s.upgrade("os", spec(st, null, null)).pass().expectInstructed("w-1");
        s.completes("w-1");
        s.later(Duration.ofHours(1)).heartbeat().pass().expectInstructed();
        assertEquals("GatesPending", s.status.get("os").status().reason());
        assertEquals(java.util.Set.of("os"), s.last.gatesDue(), "the reconciler is asked to run the gates");
        s.gates.put("os", new GateResults(s.now, List.of(new GateResults.Result(prom.toString(), false,
                "http://127.0.0.1:9/ is unreachable: Connection refused"))));
        s.pass().expectInstructed().expectPhase("os", UpgradePhase.Waiting);
        assertEquals("phase 1 of 2 (1 node) is done; gate prometheus up == 0 did not pass: http://127.0.0.1:9/ is "
                + "unreachable: Connection refused (checked 2026-11-24 11:00 UTC)",
                s.status.get("os").status().message());
        s.later(Duration.ofMinutes(1)).heartbeat();
        s.gates.put("os", new GateResults(s.now, List.of(new GateResults.Result(prom.toString(), true, null))));
        s.pass().expectInstructed("w-2");
    }

    @Test
    void aCompletedNodeThatTurnsUnhealthyHaltsTheRolloutNamingIt() {
        s.upgrade("os", spec(strategy(Amount.of(1), null, null, null, null, null, null, null, null), null, null))
                .pass().expectInstructed("w-1");
        s.completes("w-1").expectInstructed("w-2");
        s.completes("w-2").expectInstructed("w-3");
        s.later(Duration.ofMinutes(1)).report("w-1", "v1.35.1", false, null).completes("w-3");
        s.expectInstructed().expectPhase("os", UpgradePhase.Waiting);
        assertEquals("NodeUnhealthy", s.status.get("os").status().reason());
        assertEquals("w-1 is unhealthy since it was upgraded (etcd degraded); no further node is switched until it "
                + "recovers", s.status.get("os").status().message());
        s.report("w-1", "v1.35.1").pass().expectInstructed("cp-1");
    }

    @Test
    void settleTimeBetweenNodes() {
        s.upgrade("os", spec(strategy(Amount.of(1), null, null, null, null, null, "10m", null, null), null, null))
                .pass().expectInstructed("w-1");
        s.completes("w-1").expectInstructed();
        assertEquals("Settling", s.status.get("os").status().reason());
        assertEquals(s.now.plus(Duration.ofMinutes(10)), s.last.nextChange(), "the planner says when to look again");
        s.later(Duration.ofMinutes(9)).heartbeat().pass().expectInstructed();
        s.later(Duration.ofMinutes(1)).heartbeat().pass().expectInstructed("w-2");
    }

    @Test
    void theCanaryIsChosenBySelector() {
        Strategy.Canary canary = new Strategy.Canary(Amount.of(1), Strategy.Promote.AUTO,
                new Upgrade.Selector(null, null, Map.of("canary", "yes"), null));
        s.upgrade("os", spec(strategy(Amount.of(2), canary, null, null, null, null, null, null, null), null, null))
                .pass().expectInstructed("w-3");
        assertTrue(s.row("os", "w-3").isCanary());
        s.completes("w-3").expectInstructed("w-1", "w-2");
    }

    @Test
    void percentagesRoundAsDocumented() {
        // 4 nodes: maxUnavailable 60% → 2 (down); canary 30% → 2 (up); failureBudget 50% → 2 (down)
        Strategy st = new Strategy(Strategy.Order.LISTED, Amount.percent(60), null, new Strategy.Canary(
                Amount.percent(30), Strategy.Promote.AUTO, null), true, Amount.percent(50), null, null, null, null,
                null, null, null);
        s.fleet.budget(5);
        s.upgrade("os", spec(st, null, null)).pass().expectInstructed("cp-1", "w-1");
        assertTrue(s.row("os", "cp-1").isCanary() && s.row("os", "w-1").isCanary());
        s.agent("cp-1", NodePhase.Failed, "health check failed").pass().expectPhase("os", UpgradePhase.Failed);
        assertEquals(1, Limits.maxUnavailable(new Strategy(null, Amount.percent(10), null, null, null, null, null,
                null, null, null, null, null, null), 4), "a share rounds down but never below one node");
        assertEquals(2, Limits.failureBudget(st, 4));
    }

    @Test
    void aRolloutNotFinishedByItsDeadlineFails() {
        s.upgrade("os", spec(strategy(Amount.of(1), null, null, null, null, null, null, null, "1h"), null, null))
                .pass().expectInstructed("w-1");
        assertEquals(s.now, s.status.get("os").status().startedAt());
        s.completes("w-1").expectInstructed("w-2");
        s.later(Duration.ofHours(1)).heartbeat().pass().expectPhase("os", UpgradePhase.Failed);
        assertEquals("DeadlineExceeded", s.status.get("os").status().reason());
        assertTrue(s.status.get("os").status().message().startsWith("not finished within the deadline of 1h"),
                s.status.get("os").status().message());
        assertEquals(List.of("w-2"), s.instructed(), "the node in flight finishes; nothing new starts");
    }
}
