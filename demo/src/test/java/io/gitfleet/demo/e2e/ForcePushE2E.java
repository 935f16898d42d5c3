package io.gitfleet.demo.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.demo.DemoRepo;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Force-pushes the approved branch to a rewritten history in the middle of a rollout. The running reconciler must
 * stall new starts (Stalled/HistoryRewritten naming both commits) while it keeps tracking the nodes in flight;
 * after the operator's acknowledgement ({@code gitfleet reconcile --once --accept-history}, a separate process)
 * the running reconciler picks the accepted head up from the status branch and the rollout completes.
 */
class ForcePushE2E {
    private static final String UPGRADE = "os-1-35";
    private static final int MAX_UNAVAILABLE = 1;

    @TempDir
    Path tmp;

    @Test
    void aForcePushStallsNewStartsUntilAcknowledged() throws Exception {
        long started = System.nanoTime();
        try (FleetUnderTest f = FleetUnderTest.start(tmp, List.of("hooks: {preReboot: ['sleep 2']}"), 0)) {
            Map<String, Long> bootsBefore = new HashMap<>();
            for (String n : f.nodes) {
                bootsBefore.put(n, f.boots(n));
            }
            String merged = f.mergeFiles("upgrade", "Upgrade the OS to v1.35.1", Map.of("upgrades/" + UPGRADE
                    + ".yaml", FleetUnderTest.upgrade(UPGRADE, FleetUnderTest.TARGET, MAX_UNAVAILABLE, false)));
            f.await("one node completed and the next is in flight", Duration.ofSeconds(90), () -> {
                UpgradeStatus s = f.upgradeStatus(UPGRADE);
                return s != null && s.status().nodes().stream().anyMatch(r -> r.phase() == NodePhase.Completed)
                        && s.status().nodes().stream().anyMatch(r -> r.phase().inFlight());
            });

            // the rewrite: main's head amended (same tree, another commit) and force-pushed
            DemoRepo.git(f.repo.work, "checkout", "-q", "main");
            DemoRepo.git(f.repo.work, "commit", "-q", "--amend", "-m", "Upgrade the OS (history rewritten)");
            DemoRepo.git(f.repo.work, "push", "-q", "-f", "origin", "main");
            String rewritten = DemoRepo.git(f.repo.work, "rev-parse", "HEAD").strip();
            f.webhook(rewritten);

            String[] stalledAt = new String[1];
            f.await("the status branch says Stalled/HistoryRewritten", Duration.ofSeconds(30), () -> {
                FleetStatus fleet = f.fleetStatusAt("gitfleet/status");
                if (fleet != null && stalled(fleet) != null) {
                    stalledAt[0] = gitOrNull(f, "rev-parse", "gitfleet/status");
                    return true;
                }
                return false;
            });
            FleetStatus.Condition stall = stalled(f.fleetStatusAt(stalledAt[0]));
            assertTrue(stall.message().contains(merged.substring(0, 7)) && stall.message().contains(
                    rewritten.substring(0, 7)), "the condition names both commits: " + stall.message());
            assertEquals(merged, f.fleetStatusAt(stalledAt[0]).status().approvedCommit());
            UpgradeStatus atStall = f.upgradeStatusAt(stalledAt[0], UPGRADE);
            Set<String> started1 = atStall.status().nodes().stream().filter(r -> r.phase() != NodePhase.Pending)
                    .map(UpgradeStatus.NodeRow::node).collect(Collectors.toSet());
            List<String> inFlight = atStall.status().nodes().stream().filter(r -> r.phase().inFlight())
                    .map(UpgradeStatus.NodeRow::node).toList();
            System.out.println("stalled at " + stalledAt[0] + ": " + stall.message() + "; in flight " + inFlight);

            // held: in-flight nodes finish and are recorded, nobody new is instructed
            f.await("the nodes in flight at the stall are Completed on the status branch", Duration.ofSeconds(60),
                    () -> {
                        UpgradeStatus s = f.upgradeStatus(UPGRADE);
                        return s.status().nodes().stream().filter(r -> inFlight.contains(r.node()))
                                .allMatch(r -> r.phase() == NodePhase.Completed);
                    });
            f.awaitPasses("nothing to hold back but new starts", 3);
            UpgradeStatus held = f.upgradeStatus(UPGRADE);
            assertTrue(held.status().nodes().stream().noneMatch(r -> r.phase().inFlight()), "nothing new in flight: "
                    + held.status().nodes());
            assertNotNull(stalled(f.fleetStatusAt("gitfleet/status")), "still stalled before the acknowledgement");
            for (String n : f.nodes) {
                if (!started1.contains(n)) {
                    assertEquals(0, f.log(n).instructions(UPGRADE), n + " was instructed after the force-push");
                }
            }
            int pendingWhileHeld = (int) held.status().nodes().stream().filter(r -> r.phase() == NodePhase.Pending)
                    .count();
            assertTrue(pendingWhileHeld > 0, "some nodes were held back");

            // the operator's acknowledgement, from another process, while the server runs: in the server's data dir,
            // where its trust anchor lives (the status branch's record is never trusted, docs/approval.md)
            Instant ack = Instant.now();
            FleetUnderTest.Cli cli = f.gitfleet("reconcile", "--once", "--repo", f.repo.bare.toString(),
                    "--data-dir", f.root.resolve("reconciler").toString(), "--accept-history", rewritten);
            assertEquals(0, cli.exit(), cli.output());
            f.await("the running reconciler resumes after the acknowledgement", Duration.ofSeconds(60), () -> {
                FleetStatus fleet = f.fleetStatusAt("gitfleet/status");
                return rewritten.equals(fleet.status().approvedCommit()) && stalled(fleet) == null;
            });
            f.await(UPGRADE + " succeeds", Duration.ofMinutes(3), () -> {
                UpgradeStatus s = f.upgradeStatus(UPGRADE);
                return s.status().phase() == UpgradePhase.Succeeded;
            });
            RolloutChecks.succeeded(f, UPGRADE, FleetUnderTest.TARGET);
            int commits = RolloutChecks.statusHistoryWithinBudget(f, UPGRADE, MAX_UNAVAILABLE);
            RolloutChecks.agentTimelinesWithinBudget(f, UPGRADE, MAX_UNAVAILABLE);
            RolloutChecks.installedOnce(f, UPGRADE, FleetUnderTest.TARGET, bootsBefore, Map.of());
            for (String n : f.nodes) {
                if (!started1.contains(n)) {
                    assertFalse(f.log(n).instructedAt(UPGRADE).get(0).isBefore(ack), n + " started before the ack");
                }
            }
            System.out.printf("ForcePushE2E: stalled with %s in flight, %d held back, resumed after the "
                    + "acknowledgement, %d status commits checked, %.0f s%n", inFlight, pendingWhileHeld, commits,
                    (System.nanoTime() - started) / 1e9);
        }
    }

    private static FleetStatus.Condition stalled(FleetStatus fleet) {
        return fleet.status().conditions().stream().filter(c -> c.type() == FleetStatus.ConditionType.Stalled
                && "HistoryRewritten".equals(c.reason())).findFirst().orElse(null);
    }

    private static String gitOrNull(FleetUnderTest f, String... args) {
        try {
            return f.git(args).strip();
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
