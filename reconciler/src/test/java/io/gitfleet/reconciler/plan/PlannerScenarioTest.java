package io.gitfleet.reconciler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Problem;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rollouts walked step by step through every phase of DESIGN.md §3, asserting statuses and instructions. */
class PlannerScenarioTest {
    private static final Strategy CANARY = new Strategy(Strategy.Order.WORKERS_FIRST, 1, 1,
            new Strategy.Canary(1, Strategy.Promote.MANUAL), true, 0);
    private static final Strategy ONE_BY_ONE = new Strategy(Strategy.Order.WORKERS_FIRST, 1, null, null, true, 0);

    private Scenario s;

    @BeforeEach
    void fleet() {
        s = new Scenario();
        s.fleet.node("cp-1", Role.CONTROLLER).node("cp-2", Role.CONTROLLER).node("w-1", Role.WORKER)
                .node("w-2", Role.WORKER).node("w-3", Role.WORKER);
        for (String n : List.of("cp-1", "cp-2", "w-1", "w-2", "w-3")) {
            s.report(n, "v1.34.1");
        }
    }

    @Test
    void canaryThenPromotionThenWorkersThenControllersOneAtATime() {
        s.upgrade("os", SimFleet.spec("stable", CANARY)).pass()
                .expectPhase("os", UpgradePhase.RollingOut).expectInstructed("w-1");
        assertTrue(s.row("os", "w-1").isCanary());
        assertEquals("v1.35.1", s.last.instructions().get("w-1").spec().version());
        s.completes("w-1").expectPhase("os", UpgradePhase.AwaitingPromotion).expectInstructed();
        assertEquals("the canary succeeded; commit spec.promoted: true to continue", s.status.get("os").status().message());
        s.edit("os", sp -> Scenario.with(sp, null, true, null, null)).pass().expectInstructed("w-2");
        s.completes("w-2").expectInstructed("w-3");
        s.completes("w-3").expectInstructed("cp-1");
        s.completes("cp-1").expectInstructed("cp-2");
        s.completes("cp-2").expectPhase("os", UpgradePhase.Succeeded).expectInstructed();
        assertEquals(List.of(NodePhase.Instructed, NodePhase.Downloading, NodePhase.Writing, NodePhase.Verifying,
                NodePhase.Staged, NodePhase.Rebooting, NodePhase.Completed),
                s.row("os", "cp-2").transitions().stream().map(t -> t.phase()).toList());
        assertTrue(s.last.events().contains("os: RollingOut → Succeeded"), s.last.events().toString());
    }

    @Test
    void failureStopsTheRolloutUntilARetryNonce() {
        s.upgrade("os", SimFleet.spec("stable", ONE_BY_ONE)).pass().expectInstructed("w-1");
        s.agent("w-1", NodePhase.Writing, null).pass();
        s.agent("w-1", NodePhase.Failed, "sha256 mismatch: expected 1 got 2").pass()
                .expectPhase("os", UpgradePhase.Failed).expectInstructed();
        assertEquals("w-1 failed: sha256 mismatch: expected 1 got 2", s.status.get("os").status().message());
        s.later(Duration.ofHours(1)).heartbeat().pass().expectInstructed();
        assertTrue(s.last.events().isEmpty(), "a pass that changes nothing reports nothing");
        s.edit("os", sp -> Scenario.with(sp, null, null, Map.of("w-1", "1"), null)).pass()
                .expectPhase("os", UpgradePhase.RollingOut).expectInstructed("w-1");
        assertEquals(2, s.last.instructions().get("w-1").spec().attempt());
        assertEquals("1", s.last.instructions().get("w-1").spec().nonce());
    }

    @Test
    void failureBudgetToleratesFailuresBeforeStopping() {
        Strategy tolerant = new Strategy(Strategy.Order.WORKERS_FIRST, 1, null, null, true, 1);
        s.upgrade("os", SimFleet.spec("stable", tolerant)).pass().expectInstructed("w-1");
        s.agent("w-1", NodePhase.Failed, "health check failed").pass().expectPhase("os", UpgradePhase.RollingOut)
                .expectInstructed("w-2");
        s.agent("w-2", NodePhase.Failed, "health check failed").pass().expectPhase("os", UpgradePhase.Failed)
                .expectInstructed();
    }

    @Test
    void aSilentDisruptedNodeFailsAfterTheTimeout() {
        s.upgrade("os", SimFleet.spec("stable", ONE_BY_ONE)).pass();
        s.agent("w-1", NodePhase.Rebooting, null).pass();
        s.later(Duration.ofMinutes(14)).pass().expectInstructed("w-1");
        s.later(Duration.ofMinutes(2)).pass().expectPhase("os", UpgradePhase.Failed);
        assertEquals("did not come back online", s.row("os", "w-1").failureReason());
        assertEquals("no report for 15m while Rebooting", s.row("os", "w-1").message());
    }

    @Test
    void aSilenceWhileNoReconcilerListenedDoesNotFailTheNode() {
        s.upgrade("os", SimFleet.spec("stable", ONE_BY_ONE)).pass();
        s.agent("w-1", NodePhase.Writing, null).pass();
        // the reconciler is down for 20 minutes while w-1 keeps writing; its reports go nowhere
        s.later(Duration.ofMinutes(20)).reconcilerRestarts().pass().expectPhase("os", UpgradePhase.RollingOut);
        assertEquals(NodePhase.Writing, s.row("os", "w-1").phase(), "not failed for the reconciler's own downtime");
        s.later(Duration.ofMinutes(14)).pass();
        assertEquals(NodePhase.Writing, s.row("os", "w-1").phase());
        // still silent a whole nodeTimeout after the restart: now it is the node's silence
        s.later(Duration.ofMinutes(2)).pass().expectPhase("os", UpgradePhase.Failed);
        assertEquals("did not come back online", s.row("os", "w-1").failureReason());
    }

    @Test
    void bootloaderFallbackIsNotRetriedWithoutANonce() {
        s.upgrade("os", SimFleet.spec("stable", ONE_BY_ONE)).pass();
        s.agent("w-1", NodePhase.Failed, "rolled back by bootloader").pass().expectPhase("os", UpgradePhase.Failed);
        s.fleet.upgrades.remove("os");
        s.upgrade("os-again", SimFleet.spec("v1.35.1", ONE_BY_ONE)).pass().expectInstructed("w-2");
        assertEquals(NodePhase.Blocked, s.row("os-again", "w-1").phase());
        assertEquals("the bootloader fell back from os v1.35.1 on this node before; set spec.retry.w-1 to try again",
                s.row("os-again", "w-1").message());
    }

    @Test
    void aNodeWhoseAgentAllowsASmallerZstdWindowThanTheImageIsBlocked() {
        s.fleet.catalog = new Catalog.Spec("os", Map.of("stable", "v1.35.1"), s.fleet.catalog.images().stream()
                .map(i -> !i.version().equals("v1.35.1") ? i : new Catalog.Image(i.version(), i.url(), i.sha256(),
                        i.size(), i.requires(), i.payload(), 2L << 30)).toList(), List.of(), null);
        Report.Status w1 = s.observed.get("w-1").report();
        s.observed.put("w-1", new Observation(new Report.Status(w1.agentVersion(), w1.components(), w1.slots(),
                w1.health(), null, w1.failedVersions(), w1.digests(), 128L << 20), s.now));
        s.upgrade("os", SimFleet.spec("stable", ONE_BY_ONE)).pass().expectInstructed("w-2");
        assertEquals(NodePhase.Blocked, s.row("os", "w-1").phase());
        assertEquals("os v1.35.1 needs a zstd window of 2 GiB; this node's agent allows 128 MiB (maxWindow in its "
                + "config): raise it or recompress the image with a smaller --long", s.row("os", "w-1").message());
    }

    @Test
    void upgradeRecoveryBlocksANodeWhoseAgentReportsNoRecoverySlot() {
        Report.Status w1 = s.observed.get("w-1").report();
        Report.Status w2 = s.observed.get("w-2").report();
        // w-1 reports its capabilities, without a recovery slot; w-2 has one; w-3 is an older agent that says nothing
        s.observed.put("w-1", new Observation(new Report.Status(w1.agentVersion(), w1.components(), w1.slots(),
                w1.health(), null, w1.failedVersions(), w1.digests(), null, new Report.Capabilities(false, true), null),
                s.now));
        s.observed.put("w-2", new Observation(new Report.Status(w2.agentVersion(), w2.components(), w2.slots(),
                w2.health(), null, w2.failedVersions(), w2.digests(), null, new Report.Capabilities(true, true), null),
                s.now));
        Upgrade.Spec base = SimFleet.spec("stable", ONE_BY_ONE);
        Upgrade.Spec recovery = new Upgrade.Spec(base.component(), base.version(), base.catalog(), base.selector(),
                base.strategy(), base.window(), new Upgrade.InstallOptions(true, true), base.force(),
                base.allowDowngrade(), base.paused(), base.promoted(), base.retry(), base.rollback());
        s.upgrade("os", recovery).pass().expectInstructed("w-2");
        assertTrue(s.last.instructions().get("w-2").spec().install().upgradeRecovery());
        String why = "install.upgradeRecovery asks for the recovery slot, but this node's agent reports none (set "
                + "slots.recovery in its agent config, or remove upgradeRecovery)";
        assertEquals(NodePhase.Blocked, s.row("os", "w-1").phase());
        assertEquals(why, s.row("os", "w-1").message());
        assertEquals(NodePhase.Blocked, s.row("os", "w-3").phase());
        assertEquals(why, s.row("os", "w-3").message());
    }

    @Test
    void controllersWaitWhileAnyControllerIsUnhealthyOrSilent() {
        Upgrade.Spec controllers = new Upgrade.Spec("os", "stable", new Upgrade.CatalogSource(SimFleet.CATALOG, null,
                null), new Upgrade.Selector(null, List.of(Role.CONTROLLER), null, null),
                new Strategy(Strategy.Order.CONTROLLERS_FIRST, 2, null, null, true, 0), null, null, null, null, null,
                null, null, null);
        s.report("cp-2", "v1.34.1", false, null).upgrade("os", controllers).pass().expectInstructed()
                .expectPhase("os", UpgradePhase.Pending);
        assertEquals("waiting: controller cp-2 is unhealthy (etcd degraded); quorum is kept",
                s.row("os", "cp-1").message());
        s.report("cp-2", "v1.34.1").pass().expectInstructed("cp-1");
        s.completes("cp-1").expectInstructed("cp-2");
        s.completes("cp-2").expectPhase("os", UpgradePhase.Succeeded);
    }

    @Test
    void pauseStopsNewStartsButLetsTheInFlightNodeFinish() {
        Strategy two = new Strategy(Strategy.Order.WORKERS_FIRST, 2, null, null, true, 0);
        s.upgrade("os", SimFleet.spec("stable", two)).pass().expectInstructed("w-1", "w-2");
        s.edit("os", sp -> Scenario.with(sp, true, null, null, null)).pass().expectPhase("os", UpgradePhase.Paused)
                .expectInstructed("w-1", "w-2");
        s.completes("w-1").expectInstructed("w-2");
        s.completes("w-2").expectInstructed().expectPhase("os", UpgradePhase.Paused);
        s.edit("os", sp -> Scenario.with(sp, false, null, null, null)).pass().expectInstructed("w-3");
    }

    @Test
    void deletingTheManifestCancelsAndInstructsNoOne() {
        s.upgrade("os", SimFleet.spec("stable", ONE_BY_ONE)).pass().expectInstructed("w-1");
        s.agent("w-1", NodePhase.Writing, null);
        s.fleet.upgrades.remove("os");
        s.pass().expectPhase("os", UpgradePhase.Cancelled).expectInstructed();
        assertEquals(NodePhase.Writing, s.row("os", "w-1").phase());
        s.agent("w-1", NodePhase.Failed, "cancelled by the reconciler").pass().expectPhase("os", UpgradePhase.Cancelled);
        assertEquals(NodePhase.Pending, s.row("os", "w-1").phase(), "a withdrawal the agent obeyed is no failure");
    }

    @Test
    void aBrokenManifestIsRejectedWithItsProblemAndKeepsItsRows() {
        s.upgrade("os", SimFleet.spec("stable", ONE_BY_ONE)).pass().expectInstructed("w-1");
        s.agent("w-1", NodePhase.Writing, null).pass();
        s.fleet.upgrades.remove("os");
        s.fleet.broken.put("os", List.of(new Problem("upgrades/os.yaml", "/spec/version",
                "must be a string, but YAML reads 1.10 as the number 1.1; quote it: \"1.10\" (line 5)")));
        s.pass().expectPhase("os", UpgradePhase.Rejected).expectInstructed();
        assertEquals("InvalidManifest", s.status.get("os").status().reason());
        assertEquals(NodePhase.Writing, s.row("os", "w-1").phase());
    }

    @Test
    void windowsHoldNewStarts() {
        Upgrade.Spec sp = SimFleet.spec("stable", ONE_BY_ONE);
        Upgrade.Spec windowed = new Upgrade.Spec(sp.component(), sp.version(), sp.catalog(), sp.selector(),
                sp.strategy(), new Upgrade.Window(List.of("sat", "sun"), "02:00", "4h", "UTC"), null, null, null, null,
                null, null, null);
        s.upgrade("os", windowed).pass().expectPhase("os", UpgradePhase.Waiting).expectInstructed();
        assertEquals("outside the maintenance window (next opens sat 2026-11-28 02:00 UTC)",
                s.status.get("os").status().message());
        s.later(Duration.ofDays(3).plusHours(16).plusMinutes(30)).heartbeat().pass().expectInstructed("w-1");
    }

    @Test
    void oneTaskPerNodeAcrossUpgrades() {
        s.fleet.budget(5);
        Strategy all = new Strategy(Strategy.Order.LISTED, 0, null, null, true, 0);
        s.upgrade("a-first", SimFleet.spec("stable", all)).upgrade("b-second", SimFleet.spec("v1.35.0", all)).pass()
                .expectInstructed("cp-1", "w-1", "w-2", "w-3");
        assertEquals(4, s.last.instructions().values().stream()
                .filter(i -> i.spec().upgrade().equals("a-first")).count());
        assertEquals("waiting: upgrade a-first is active on this node", s.row("b-second", "w-1").message());
    }

    @Test
    void fleetBudgetIsSharedAcrossUpgrades() {
        s.fleet.budget(2);
        Strategy wide = new Strategy(Strategy.Order.WORKERS_FIRST, 0, null, null, true, 0);
        Upgrade.Spec w1 = new Upgrade.Spec("os", "stable", new Upgrade.CatalogSource(SimFleet.CATALOG, null, null),
                new Upgrade.Selector(List.of("w-1", "w-2"), null, null, null), wide, null, null, null, null, null,
                null, null, null);
        Upgrade.Spec w3 = new Upgrade.Spec("os", "stable", new Upgrade.CatalogSource(SimFleet.CATALOG, null, null),
                new Upgrade.Selector(List.of("w-3"), null, null, null), wide, null, null, null, null, null, null,
                null, null);
        s.upgrade("a", w1).upgrade("b", w3).pass().expectInstructed("w-1", "w-2").expectPhase("b", UpgradePhase.Pending);
        assertEquals("waiting: the fleet's disruption budget (2) is in use", s.row("b", "w-3").message());
    }

    @Test
    void skipsOnlyAKnownEqualVersionAndProceedsOnUnknown() {
        s.report("w-1", "v1.35.1").report("w-2", null).report("w-3", "banana");
        Strategy wide = new Strategy(Strategy.Order.WORKERS_FIRST, 0, null, null, true, 0);
        s.fleet.budget(null);
        s.upgrade("os", SimFleet.spec("stable", wide)).pass().expectInstructed("w-2", "w-3");
        assertEquals(NodePhase.Skipped, s.row("os", "w-1").phase());
        assertEquals("already at v1.35.1", s.row("os", "w-1").message());
        assertNull(s.row("os", "w-2").from());
    }

    /** One report claiming the target must not end the node's rollout: its next true report plans it again. */
    @Test
    void aSkippedNodeThatReportsAnotherVersionLaterIsPlannedAgain() {
        s.report("w-1", "v1.35.1");
        Strategy wide = new Strategy(Strategy.Order.WORKERS_FIRST, 0, null, null, true, 0);
        s.fleet.budget(null);
        s.upgrade("os", SimFleet.spec("stable", wide)).pass();
        assertEquals(NodePhase.Skipped, s.row("os", "w-1").phase());
        s.report("w-1", "v1.34.1").pass();
        assertTrue(s.instructed().contains("w-1"), s.instructed().toString());
        assertEquals(NodePhase.Instructed, s.row("os", "w-1").phase());
    }

    @Test
    void downgradeIsRejectedUnlessAllowed() {
        s.report("w-3", "v1.36.0").upgrade("os", SimFleet.spec("stable", ONE_BY_ONE)).pass()
                .expectPhase("os", UpgradePhase.Rejected).expectInstructed();
        assertEquals("w-3: the node runs os v1.36.0; v1.35.1 would be a downgrade (set allowDowngrade: true to "
                + "allow it)", s.status.get("os").status().message());
    }

    @Test
    void unknownAndBlockedVersionsAreRejected() {
        s.upgrade("nope", SimFleet.spec("v9.9.9", ONE_BY_ONE)).upgrade("bad", SimFleet.spec("v1.34.3", ONE_BY_ONE))
                .pass().expectPhase("nope", UpgradePhase.Rejected).expectPhase("bad", UpgradePhase.Rejected)
                .expectInstructed();
        assertEquals("BlockedVersion", s.status.get("bad").status().reason());
        assertEquals("v1.34.3 is blocked by the catalog", s.status.get("bad").status().message());
    }

    @Test
    void aRejectionThatStopsAWriteCountsNoFailureAndTheFixResumes() {
        s.upgrade("os", SimFleet.spec("stable", ONE_BY_ONE)).pass().expectInstructed("w-1");
        s.agent("w-1", NodePhase.Writing, null).pass();
        Upgrade.Spec good = s.fleet.upgrades.get("os").spec();
        s.edit("os", sp -> new Upgrade.Spec(sp.component(), "v1.34.3", sp.catalog(), sp.selector(), sp.strategy(),
                null, null, null, null, null, null, null, null)).pass()
                .expectPhase("os", UpgradePhase.Rejected).expectInstructed();
        s.agent("w-1", NodePhase.Failed, "cancelled by the reconciler").pass();
        s.upgrade("os", good).pass().expectPhase("os", UpgradePhase.RollingOut).expectInstructed("w-1");
        assertEquals(2, s.last.instructions().get("w-1").spec().attempt());
    }

    @Test
    void aBrokenCatalogRejectsWithItsFirstProblem() {
        s.upgrade("os", new Upgrade.Spec("os", "stable", new Upgrade.CatalogSource("catalogs/gone.yaml", null, null),
                null, ONE_BY_ONE, null, null, null, null, null, null, null, null)).pass()
                .expectPhase("os", UpgradePhase.Rejected).expectInstructed();
        assertEquals("the catalog catalogs/gone.yaml does not exist", s.status.get("os").status().message());
    }

    @Test
    void rollbackSwitchesCompletedNodesBackOneAtATime() {
        s.upgrade("os", SimFleet.spec("stable", ONE_BY_ONE)).pass();
        s.completes("w-1").completes("w-2").expectInstructed("w-3");
        s.edit("os", sp -> Scenario.with(sp, null, null, null, true)).pass()
                .expectPhase("os", UpgradePhase.RollingBack);
        assertEquals(NodePhase.Pending, s.row("os", "w-3").phase());
        assertEquals("the instruction was withdrawn before the node started", s.row("os", "w-3").message());
        assertEquals(1, s.instructed().size());
        String first = s.instructed().get(0);
        assertEquals(Action.ROLLBACK, s.action(first));
        assertEquals("v1.34.1", s.last.instructions().get(first).spec().version());
        s.agent(first, NodePhase.RolledBack, null).pass();
        String second = s.instructed().get(0);
        s.agent(second, NodePhase.RolledBack, null).pass().expectPhase("os", UpgradePhase.RolledBack)
                .expectInstructed();
        assertEquals(NodePhase.RolledBack, s.row("os", "w-1").phase());
    }

    @Test
    void aSilentNodeWaitsWithWhenItWasLastHeardInEveryUpgradeUntilItReports() {
        Strategy wide = new Strategy(Strategy.Order.WORKERS_FIRST, 0, null, null, true, 0);
        s.fleet.budget(null);
        s.later(Duration.ofMinutes(3)).report("w-1", "v1.34.1").report("w-2", "v1.34.1");
        s.upgrade("a", SimFleet.spec("stable", wide)).upgrade("b", SimFleet.spec("stable", wide)).pass()
                .expectInstructed("w-1", "w-2");
        String silent = "waiting: the node has not reported since 2026-11-24T10:00:00Z";
        assertEquals(silent, s.row("a", "w-3").message());
        assertEquals(silent, s.row("b", "w-3").message());
        assertEquals("waiting: upgrade a is active on this node", s.row("b", "w-1").message());
        s.report("w-3", "v1.34.1").pass().expectInstructed("w-1", "w-2", "w-3");
        assertEquals(NodePhase.Instructed, s.row("a", "w-3").phase());
        assertEquals("waiting: upgrade a is active on this node", s.row("b", "w-3").message());
    }

    @Test
    void aNodeThatNeverReportedWaitsAndHoldsLaterGroups() {
        s.observed.remove("w-3");
        Strategy wide = new Strategy(Strategy.Order.WORKERS_FIRST, 0, null, null, true, 0);
        s.fleet.budget(null);
        s.upgrade("os", SimFleet.spec("stable", wide)).pass().expectInstructed("w-1", "w-2");
        assertEquals("waiting for the node's first report", s.row("os", "w-3").message());
        s.completes("w-1");
        s.agent("w-2", NodePhase.Completed, null).pass().expectInstructed().expectPhase("os", UpgradePhase.Waiting);
        s.report("w-3", "v1.34.1").pass().expectInstructed("w-3");
    }
}
