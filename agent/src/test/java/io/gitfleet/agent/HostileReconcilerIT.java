package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.agent.testing.SignedFleetRepo;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hostile reconciler: a fake on 127.0.0.1 that sends a verifying agent instructions the signed approved branch
 * does not back. Each is refused with one sentence in the report, nothing is downloaded, and the slots and the
 * bootloader keep their bytes. The approved instruction, sent last, is installed: the checks are not a wall.
 */
class HostileReconcilerIT extends NodeFixture {
    static final Duration T = Duration.ofSeconds(60);
    static final long IMAGE_BYTES = 2 * 1024 * 1024 + 17;

    SignedFleetRepo fleet;

    @BeforeAll
    static void image() throws Exception {
        image(IMAGE_BYTES, 5);
    }

    String catalog() {
        String url = images.uri().toString();
        return """
                apiVersion: gitfleet.io/v1
                kind: Catalog
                metadata: {name: os}
                spec:
                  component: os
                  images:
                    - {version: v0.9.0, url: "%1$s", sha256: %2$s, size: %3$d}
                    - {version: v2.0.0, url: "%1$s", sha256: %2$s, size: %3$d}
                """.formatted(url, sha, IMAGE_BYTES);
    }

    static String upgrade(String name, String version, String selected) {
        return """
                apiVersion: gitfleet.io/v1
                kind: Upgrade
                metadata: {name: %s}
                spec:
                  version: %s
                  catalog: {ref: catalogs/os.yaml}
                  selector: {nodeNames: [%s]}
                """.formatted(name, version, selected);
    }

    static Instruction.Spec install(String upgrade, String version, String commit, String url, String digest) {
        return install(upgrade, 1, version, commit, url, digest);
    }

    static Instruction.Spec install(String upgrade, int attempt, String version, String commit, String url,
                                    String digest) {
        return new Instruction.Spec(upgrade, attempt, null, Action.INSTALL, "os", version, commit,
                new Instruction.ImageRef(url, digest, IMAGE_BYTES, Map.of()), null, false);
    }

    /** Sends one instruction and returns the failure reason the agent reported for it. */
    String refusal(Instruction.Spec spec) throws Exception {
        reconciler.instruct(Instruction.of("node-1", spec));
        Report r = reconciler.await(x -> x.status().task() != null && x.status().task().upgrade().equals(spec.upgrade())
                && x.status().task().attempt() == spec.attempt() && x.status().task().phase() == NodePhase.Failed, T);
        return r.status().task().failureReason();
    }

    @Test
    void everyInstructionTheApprovedBranchDoesNotBackIsRefusedAndNothingIsTouched() throws Exception {
        fleet = SignedFleetRepo.create(dir.resolve("repo"), "", "node-1", "node-2");
        fleet.write("catalogs/os.yaml", catalog());
        fleet.write("upgrades/os-2.yaml", upgrade("os-2", "v2.0.0", "node-1"));
        fleet.write("upgrades/os-old.yaml", upgrade("os-old", "v0.9.0", "node-1"));
        fleet.write("upgrades/os-node-2.yaml", upgrade("os-node-2", "v2.0.0", "node-2"));
        fleet.write("upgrades/os-cancelled.yaml", upgrade("os-cancelled", "v2.0.0", "node-1"));
        String older = fleet.approve("approve the upgrades");
        fleet.git("checkout", "-q", "-b", "proposal");
        fleet.write("upgrades/os-proposed.yaml", upgrade("os-proposed", "v2.0.0", "node-1"));
        String proposed = fleet.commit("propose, never merged", true, "proposal");
        fleet.git("checkout", "-q", "-");
        fleet.delete("upgrades/os-cancelled.yaml");
        String head = fleet.approve("cancel os-cancelled");

        Files.createDirectories(dir.resolve("node"));
        node = new TestNode(dir.resolve("node"), reconciler, "verifyGit: {url: " + fleet.url() + ", branch: main}");
        byte[] slotA = Files.readAllBytes(node.slotA);
        byte[] slotB = Files.readAllBytes(node.slotB);
        byte[] bootloader = Files.readAllBytes(node.boot.file());
        node.start();
        reconciler.await(r -> r.status().slots() != null, T);

        String url = images.uri().toString();
        String h = head.substring(0, 12);
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("an image not in the approved catalog", refusal(install("os-2", "v2.0.0", head,
                "https://evil.example/os.img.zst", "e".repeat(64))));
        refusals.put("the approved image with another sha256", refusal(install("os-2", 2, "v2.0.0", head, url,
                "0".repeat(64))));
        refusals.put("a downgrade", refusal(install("os-old", "v0.9.0", head, url, sha)));
        refusals.put("an older approved instruction replayed", refusal(install("os-cancelled", "v2.0.0", older,
                url, sha)));
        refusals.put("an instruction for another node", refusal(install("os-node-2", "v2.0.0", head, url, sha)));
        refusals.put("a commit not on the approved branch", refusal(install("os-proposed", "v2.0.0", proposed,
                url, sha)));

        assertEquals(Map.of(
                "an image not in the approved catalog", "disagrees with Git: the approved catalog at " + h + " has "
                        + url + " sha256 " + sha + " size " + IMAGE_BYTES + " for v2.0.0; the instruction "
                        + "https://evil.example/os.img.zst sha256 " + "e".repeat(64) + " size " + IMAGE_BYTES,
                "the approved image with another sha256", "disagrees with Git: the approved catalog at " + h + " has "
                        + url + " sha256 " + sha + " size " + IMAGE_BYTES + " for v2.0.0; the instruction "
                        + url + " sha256 " + "0".repeat(64) + " size " + IMAGE_BYTES,
                "a downgrade", "refusing a downgrade: os v0.9.0 is older than v1.0.0, the version this node runs, and"
                        + " the approved manifest does not set allowDowngrade",
                "an older approved instruction replayed", "not approved: upgrades/os-cancelled.yaml does not exist at "
                        + h,
                "an instruction for another node", "not approved: upgrades/os-node-2.yaml at " + h
                        + " does not select node node-1",
                "a commit not on the approved branch", "not approved: commit " + proposed + " is not on main of "
                        + fleet.url()), refusals);
        for (String reason : refusals.values()) {
            assertTrue(!reason.contains("\n") && reason.indexOf(". ") < 0, "one sentence: " + reason);
        }
        assertEquals(List.of(), images.seen(), "nothing was downloaded");
        assertArrayEquals(slotA, Files.readAllBytes(node.slotA), "slot a untouched");
        assertArrayEquals(slotB, Files.readAllBytes(node.slotB), "slot b untouched");
        assertArrayEquals(bootloader, Files.readAllBytes(node.boot.file()), "bootloader untouched");

        // whoever can push to the Git host but holds no signing key: an unsigned commit adding an upgrade
        fleet.write("upgrades/os-pushed.yaml", upgrade("os-pushed", "v2.0.0", "node-1"));
        String unsigned = fleet.commit("pushed without a signature", false, "main");
        assertEquals("not approved: commit " + unsigned + " is not on main of " + fleet.url() + " up to " + head
                + ", its newest approved commit", refusal(install("os-pushed", "v2.0.0", unsigned, url, sha)));
        assertArrayEquals(slotB, Files.readAllBytes(node.slotB), "slot b untouched");
        assertArrayEquals(bootloader, Files.readAllBytes(node.boot.file()), "bootloader untouched");

        // the approved instruction goes through: the refusals above come from the checks, not from a broken setup
        reconciler.instruct(Instruction.of("node-1", install("os-2", 3, "v2.0.0", head, url, sha)));
        Report done = reconciler.awaitPhase(NodePhase.Completed, T);
        assertEquals("v2.0.0", done.status().components().get("os"));
        node.assertSlotHolds(node.slotB, raw);
        assertEquals("{\"os\":\"v2.0.0\"}", Files.readString(node.stateDir.resolve("highest-versions.json")));
    }

    @Test
    void anApprovedBranchFrozenInThePastIsRefusedUntilASignedCommitRenewsIt() throws Exception {
        fleet = SignedFleetRepo.create(dir.resolve("repo"), "maxAge: 30d", "node-1");
        fleet.write("catalogs/os.yaml", catalog());
        fleet.write("upgrades/os-2.yaml", upgrade("os-2", "v2.0.0", "node-1"));
        Instant past = Instant.now().minus(45, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        fleet.dated(past);
        String frozen = fleet.approve("approve os-2, long ago");
        Files.createDirectories(dir.resolve("node"));
        node = new TestNode(dir.resolve("node"), reconciler, "verifyGit: {url: " + fleet.url() + ", branch: main}");
        node.start();
        String url = images.uri().toString();
        assertEquals("not approved: the newest approved commit " + frozen + " was committed at " + past
                        + ", more than 30d ago (approval.maxAge in fleet.yaml); nothing new starts until a signed commit"
                        + " renews the approval (an empty one will do)",
                refusal(install("os-2", "v2.0.0", frozen, url, sha)));

        fleet.dated(null);
        String renewed = fleet.approve("renew the approvals");
        reconciler.instruct(Instruction.of("node-1", install("os-2", 2, "v2.0.0", renewed, url, sha)));
        assertEquals("v2.0.0", reconciler.awaitPhase(NodePhase.Completed, T).status().components().get("os"));
    }
}
