package io.gitfleet.demo.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Merges a broken OS catalog (the target image's sha256 is not a digest) in the middle of a rollout. The upgrade
 * must turn Rejected with the file, the JSON pointer and a sentence; nothing new starts; the nodes in flight end
 * settled on one slot (none half-switched); merging the fix resumes the rollout to Succeeded.
 */
class BadCatalogE2E {
    private static final String UPGRADE = "os-1-35";
    private static final String CATALOG = "catalogs/os.yaml";
    private static final int MAX_UNAVAILABLE = 2;

    @TempDir
    Path tmp;

    @Test
    void aBrokenCatalogRejectsTheUpgradeAndItsFixResumesIt() throws Exception {
        long started = System.nanoTime();
        try (FleetUnderTest f = FleetUnderTest.start(tmp, List.of("hooks: {preReboot: ['sleep 1']}"), 0)) {
            Map<String, Long> bootsBefore = new HashMap<>();
            for (String n : f.nodes) {
                bootsBefore.put(n, f.boots(n));
            }
            f.mergeFiles("upgrade", "Upgrade the OS to v1.35.1", Map.of("upgrades/" + UPGRADE + ".yaml",
                    FleetUnderTest.upgrade(UPGRADE, FleetUnderTest.TARGET, MAX_UNAVAILABLE, false)));
            f.await("one node completed and others are in flight", Duration.ofSeconds(90), () -> {
                UpgradeStatus s = f.upgradeStatus(UPGRADE);
                return s != null && s.status().nodes().stream().anyMatch(r -> r.phase() == NodePhase.Completed)
                        && s.status().nodes().stream().anyMatch(r -> r.phase().inFlight());
            });

            String good = Files.readString(f.repo.work.resolve(CATALOG), StandardCharsets.UTF_8);
            String bad = breakTargetDigest(good);
            f.mergeFiles("bad-catalog", "Catalog: new digest for v1.35.1", Map.of(CATALOG, bad));
            String[] rejectedAt = new String[1];
            f.await(UPGRADE + " is Rejected", Duration.ofSeconds(30), () -> {
                UpgradeStatus s = f.upgradeStatus(UPGRADE);
                if (s.status().phase() == UpgradePhase.Rejected) {
                    try {
                        rejectedAt[0] = f.git("rev-parse", "gitfleet/status").strip();
                    } catch (java.io.IOException e) {
                        return false;
                    }
                    return true;
                }
                return false;
            });
            UpgradeStatus rejected = f.upgradeStatusAt(rejectedAt[0], UPGRADE);
            String message = rejected.status().message();
            assertTrue(message.contains(CATALOG + " is not valid: /spec/images/3/sha256: 'not-a-digest' must be a "
                    + "sha256 digest"), "the rejection names the file, the pointer and why: " + message);
            // fleet.yaml of the same commit lists the problem too
            List<io.gitfleet.schema.Problem> problems = f.fleetStatusAt(rejectedAt[0]).status().problems();
            assertTrue(problems.stream().anyMatch(p -> p.file().equals(CATALOG)
                    && p.pointer().equals("/spec/images/3/sha256") && !p.message().isBlank()),
                    "fleet.yaml names the file, the pointer and why: " + problems);
            // started: in flight or done at the rejection, or instructed and already withdrawn (a write stopped
            // before its boot switch goes back to Pending)
            Map<String, Long> instructedAtRejection = new HashMap<>();
            for (String n : f.nodes) {
                instructedAtRejection.put(n, f.log(n).instructions(UPGRADE));
            }
            Set<String> startedBefore = rejected.status().nodes().stream()
                    .filter(r -> r.phase() != NodePhase.Pending || instructedAtRejection.get(r.node()) > 0)
                    .map(UpgradeStatus.NodeRow::node).collect(Collectors.toSet());

            // every node the rollout had touched settles; nobody else is instructed
            List<String> ended = List.of("SKIPPED", "COMPLETED", "FAILED", "ROLLED_BACK");
            f.await("no agent is busy", Duration.ofSeconds(60), () -> f.nodes.stream()
                    .map(n -> f.taskState(n, UPGRADE)).allMatch(st -> st == null || ended.contains(st)));
            f.awaitPasses("the broken catalog read again, twice", 2);
            List<String> settled = new ArrayList<>();
            Set<String> withdrawn = new java.util.TreeSet<>(); // instructed, then stopped before the boot switch
            for (String n : f.nodes) {
                assertEquals(instructedAtRejection.get(n), f.log(n).instructions(UPGRADE),
                        n + " was instructed after the rejection");
                if (!startedBefore.contains(n)) {
                    RolloutChecks.assertSettled(f, n, FleetUnderTest.INSTALLED);
                } else {
                    String version = f.agentState(n).get("slotVersions")
                            .get(f.bootloader(n).get("booted").asString().toLowerCase()).asString();
                    RolloutChecks.assertSettled(f, n, version);
                    settled.add(n + "@" + version);
                    if (version.equals(FleetUnderTest.INSTALLED)) {
                        withdrawn.add(n);
                    }
                }
            }
            assertEquals(UpgradePhase.Rejected, f.upgradeStatus(UPGRADE).status().phase());

            f.mergeFiles("fix-catalog", "Catalog: restore the digest of v1.35.1", Map.of(CATALOG, good));
            f.await(UPGRADE + " succeeds after the fix", Duration.ofMinutes(3), () ->
                    f.upgradeStatus(UPGRADE).status().phase() == UpgradePhase.Succeeded);
            RolloutChecks.succeeded(f, UPGRADE, FleetUnderTest.TARGET, withdrawn);
            int commits = RolloutChecks.statusHistoryWithinBudget(f, UPGRADE, MAX_UNAVAILABLE);
            RolloutChecks.agentTimelinesWithinBudget(f, UPGRADE, MAX_UNAVAILABLE);
            RolloutChecks.installedOnce(f, UPGRADE, FleetUnderTest.TARGET, bootsBefore, Map.of(), withdrawn);
            System.out.printf("BadCatalogE2E: rejected with %s started (settled %s, withdrawn %s), resumed after the "
                    + "fix, %d status commits checked, %.0f s%n", startedBefore, settled, withdrawn, commits,
                    (System.nanoTime() - started) / 1e9);
        }
    }

    /** The catalog with v1.35.1's sha256 replaced by something that is not a digest. */
    private static String breakTargetDigest(String catalog) {
        int entry = catalog.indexOf("- version: " + FleetUnderTest.TARGET);
        int sha = catalog.indexOf("sha256: ", entry);
        int end = catalog.indexOf('\n', sha);
        return catalog.substring(0, sha) + "sha256: not-a-digest" + catalog.substring(end);
    }
}
