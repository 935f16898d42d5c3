package io.gitfleet.demo.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The invariants every E2E checks after a rollout, each from two independent sources: the status branch's whole
 * history (what the reconciler recorded) and the agents' own logs and files (what the nodes did).
 */
final class RolloutChecks {
    private RolloutChecks() {
    }

    /** Every status commit of {@code upgrade}: at most {@code maxUnavailable} nodes, one controller, in flight. */
    static int statusHistoryWithinBudget(FleetUnderTest f, String upgrade, int maxUnavailable) throws IOException {
        List<String> commits = f.statusCommits(StatusReads.upgradePaths(upgrade));
        assertFalse(commits.isEmpty(), upgrade + " is on the status branch");
        for (String c : commits) {
            List<UpgradeStatus.NodeRow> inFlight = f.upgradeStatusAt(c, upgrade).status().nodes().stream()
                    .filter(r -> r.phase().inFlight()).toList();
            assertTrue(inFlight.size() <= maxUnavailable, "maxUnavailable " + maxUnavailable + " exceeded at status "
                    + "commit " + c + ": " + inFlight.stream().map(UpgradeStatus.NodeRow::node).toList());
            assertTrue(inFlight.stream().filter(r -> r.role() == Role.CONTROLLER).count() <= 1,
                    "two controllers disrupted at status commit " + c);
        }
        return commits.size();
    }

    /** The agents' own timelines: never more than {@code maxUnavailable} nodes between instruction and end. */
    static int agentTimelinesWithinBudget(FleetUnderTest f, String upgrade, int maxUnavailable) throws IOException {
        List<AgentLog.Interval> all = new ArrayList<>();
        for (String n : f.nodes) {
            all.addAll(f.log(n).intervals(upgrade));
        }
        int overlap = AgentLog.maxOverlap(all);
        assertTrue(overlap <= maxUnavailable, "the agents' logs show " + overlap + " nodes busy with " + upgrade
                + " at once (maxUnavailable " + maxUnavailable + "): " + all);
        return overlap;
    }

    /** The upgrade Succeeded with every node Completed on its first attempt. */
    static void succeeded(FleetUnderTest f, String upgrade, String version) {
        succeeded(f, upgrade, version, Set.of());
    }

    /**
     * The upgrade Succeeded with every node Completed on its first attempt, or on its second for the nodes in
     * {@code withdrawn}, whose first attempt the reconciler withdrew before their boot switch.
     */
    static void succeeded(FleetUnderTest f, String upgrade, String version, Set<String> withdrawn) {
        UpgradeStatus.State s = f.upgradeStatus(upgrade).status();
        assertEquals(UpgradePhase.Succeeded, s.phase(), s.message());
        assertEquals(f.nodes.size(), s.nodes().size());
        for (UpgradeStatus.NodeRow r : s.nodes()) {
            assertEquals(NodePhase.Completed, r.phase(), r.node() + ": " + r.message());
            assertEquals(version, r.to(), r.node());
            assertEquals(withdrawn.contains(r.node()) ? 2 : 1, r.attempt(), r.node() + " was instructed once"
                    + (withdrawn.contains(r.node()) ? " more after its withdrawn attempt" : ""));
        }
    }

    /**
     * Each node took one instruction for {@code upgrade}, verified one image (a transfer cut by a crash starts over,
     * so {@code writesAllowed} may exceed one for a node whose agent was killed), booted once more than before, and
     * runs {@code version} from a confirmed slot with nothing pending in its bootloader.
     */
    static void installedOnce(FleetUnderTest f, String upgrade, String version, Map<String, Long> bootsBefore,
                              Map<String, Integer> writesAllowed) throws IOException {
        installedOnce(f, upgrade, version, bootsBefore, writesAllowed, Set.of());
    }

    /**
     * As above, where each node in {@code withdrawn} took a second instruction and may have started a second write:
     * its first was withdrawn before the boot switch, so it still staged, completed and booted only once.
     */
    static void installedOnce(FleetUnderTest f, String upgrade, String version, Map<String, Long> bootsBefore,
                              Map<String, Integer> writesAllowed, Set<String> withdrawn) throws IOException {
        for (String n : f.nodes) {
            AgentLog log = f.log(n);
            int again = withdrawn.contains(n) ? 1 : 0;
            assertEquals(1 + again, log.instructions(upgrade), n + " took " + (1 + again) + " instruction(s) for "
                    + upgrade);
            long writes = log.entered(upgrade, "WRITING");
            int allowed = writesAllowed.getOrDefault(n, 1) + again;
            assertTrue(writes >= 1 && writes <= allowed, n + " started " + writes + " slot writes (allowed " + allowed
                    + ")");
            assertEquals(1, log.entered(upgrade, "STAGED"), n + " staged one image");
            assertEquals(1, log.entered(upgrade, "COMPLETED"), n + " completed once");
            assertEquals(bootsBefore.get(n) + 1, f.boots(n), n + " booted once for " + upgrade);
            assertSettled(f, n, version);
        }
    }

    /** Not half-switched: the booted slot is the primary one, no try is pending, and it holds {@code version}. */
    static void assertSettled(FleetUnderTest f, String n, String version) throws IOException {
        JsonNode boot = f.bootloader(n);
        String booted = boot.get("booted").asString();
        assertEquals(booted, boot.get("primary").asString(), n + " runs its primary slot: " + boot);
        assertTrue(boot.get("tryOnce") == null || boot.get("tryOnce").isNull(), n + " has no pending try: " + boot);
        JsonNode state = f.agentState(n);
        JsonNode slotVersions = state.get("slotVersions");
        assertEquals(version, slotVersions.get(booted.toLowerCase()).asString(), n + " booted slot: " + state);
        JsonNode task = state.get("task");
        if (task != null && !task.isNull()) {
            String st = task.get("state").asString();
            assertTrue(List.of("SKIPPED", "COMPLETED", "FAILED", "ROLLED_BACK").contains(st),
                    n + "'s task has ended: " + st);
        }
    }
}
