package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.agent.boot.Slot;
import io.gitfleet.agent.testing.MisbehavingImageServer;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Report.SlotState;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent against a fake reconciler and an image server on 127.0.0.1, one simulated node per test. */
class AgentLoopIT extends NodeFixture {
    static final Duration T = Duration.ofSeconds(30);
    static final long IMAGE_BYTES = 3 * 1024 * 1024 + 4321;
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @BeforeAll
    static void image() throws Exception {
        image(IMAGE_BYTES, 3);
    }

    static Instruction install(String upgrade, int attempt, String version, String url, String digest, String nonce) {
        return Instruction.of("node-1", new Instruction.Spec(upgrade, attempt, nonce, Action.INSTALL, "os", version,
                COMMIT, new Instruction.ImageRef(url, digest, IMAGE_BYTES, Map.of()), null, false));
    }

    Instruction v2() {
        return install("os-2", 1, "v2.0.0", images.uri().toString(), sha, null);
    }

    TestNode node(String extra) throws Exception {
        node = new TestNode(dir, reconciler, extra);
        return node;
    }

    @Test
    void installsRebootsIntoTheNewSlotAndCompletes() throws Exception {
        node("").start();
        Report idle = reconciler.await(r -> r.status().slots() != null, T);
        assertEquals("v1.0.0", idle.status().components().get("os"));
        assertEquals("v1.34.1", idle.status().components().get("kubernetes"));
        assertEquals(Map.of(), idle.status().digests(), "slot a was not written by this agent: no digest");
        reconciler.instruct(v2());
        Report done = reconciler.awaitPhase(NodePhase.Completed, T);
        assertEquals(List.of(NodePhase.Instructed, NodePhase.Downloading, NodePhase.Writing, NodePhase.Verifying,
                NodePhase.Staged, NodePhase.Rebooting, NodePhase.Completed), reconciler.phases());
        Report.Slots slots = done.status().slots();
        assertEquals("b", slots.booted());
        assertEquals("b", slots.active());
        assertNull(slots.next());
        assertEquals(new Report.Slot("v2.0.0", SlotState.GOOD), slots.b());
        assertEquals(new Report.Slot("v1.0.0", SlotState.GOOD), slots.a());
        assertEquals("v2.0.0", done.status().components().get("os"));
        assertEquals(Map.of("os", sha), done.status().digests(), "the digest of the image the node now runs");
        assertEquals("os-2", done.status().task().upgrade());
        assertEquals(IMAGE_BYTES, done.status().task().bytesDone());
        node.assertBootedSlotUntouched(node.slotA, (byte) 0xAA);
        node.assertSlotHolds(node.slotB, raw);
        // The same instruction keeps coming: the finished task is not started again.
        int before = images.seen().size();
        reconciler.await(r -> reconciler.reports().size() > 3 + reconciler.reports().indexOf(done), T);
        assertEquals(before, images.seen().size());
    }

    @Test
    void aNodeAtTheTargetIsSkippedWithoutReboot() throws Exception {
        node("").start();
        reconciler.instruct(install("os-1", 1, "v1.0.0", images.uri().toString(), sha, null));
        Report skipped = reconciler.awaitPhase(NodePhase.Skipped, T);
        assertEquals("already at v1.0.0", skipped.status().task().message());
        assertEquals(List.of(NodePhase.Instructed, NodePhase.Skipped), reconciler.phases());
        assertEquals(Slot.A, node.boot.load().booted());
        assertEquals(1, node.boot.load().boots(), "no reboot");
        assertEquals(List.of(), images.seen());
    }

    @Test
    void aFailedFirstBootFallsBackAndIsNotRetriedWithoutANonce() throws Exception {
        node("").start();
        reconciler.await(r -> true, T);
        node.boot.failNextTriedBoots(1);
        reconciler.instruct(v2());
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals("rolled back by bootloader", failed.status().task().failureReason());
        assertEquals(Map.of("os", List.of("v2.0.0")), failed.status().failedVersions());
        assertEquals("a", failed.status().slots().booted());
        assertEquals(SlotState.BAD, failed.status().slots().b().state());
        assertNull(failed.status().slots().next());

        // A new attempt without a nonce: refused, no download.
        int downloads = images.seen().size();
        reconciler.instruct(install("os-2", 2, "v2.0.0", images.uri().toString(), sha, null));
        Report refused = reconciler.await(r -> r.status().task() != null && r.status().task().attempt() == 2
                && r.status().task().phase() == NodePhase.Failed, T);
        assertTrue(refused.status().task().failureReason().contains("not retried without a new retry nonce"),
                refused.status().task().failureReason());
        assertEquals(downloads, images.seen().size());

        // The operator's retry (a new nonce) clears it; this time the boot works.
        reconciler.instruct(install("os-2", 3, "v2.0.0", images.uri().toString(), sha, "1"));
        Report done = reconciler.await(r -> r.status().task() != null && r.status().task().attempt() == 3
                && r.status().task().phase() == NodePhase.Completed, T);
        assertEquals(Map.of(), done.status().failedVersions());
        assertEquals("b", done.status().slots().booted());
    }

    @Test
    void aWithdrawnInstructionStopsBeforeTheBootSwitch() throws Exception {
        node("").start();
        reconciler.await(r -> true, T);
        images.close();
        images = new MisbehavingImageServer(zst).cutAt(zst.length / 2, 100);
        reconciler.instruct(v2());
        reconciler.awaitPhase(NodePhase.Writing, T);
        reconciler.instruct(null);
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals("cancelled by the reconciler", failed.status().task().failureReason());
        var boot = node.boot.load();
        assertEquals(Slot.A, boot.primary());
        assertNull(boot.tryOnce());
        assertEquals(SlotState.BAD, boot.b());
        node.assertBootedSlotUntouched(node.slotA, (byte) 0xAA);
    }

    @Test
    void aWrongDigestFailsWithoutSwitchingTheBootSlot() throws Exception {
        node("").start();
        reconciler.instruct(install("os-2", 1, "v2.0.0", images.uri().toString(), "f".repeat(64), null));
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals("sha256 mismatch: expected " + "f".repeat(64) + " got " + sha,
                failed.status().task().failureReason());
        assertEquals(List.of(NodePhase.Instructed, NodePhase.Downloading, NodePhase.Writing, NodePhase.Verifying,
                NodePhase.Failed), reconciler.phases());
        var boot = node.boot.load();
        assertEquals(Slot.A, boot.primary());
        assertNull(boot.tryOnce());
        assertEquals(1, boot.boots());
    }

    @Test
    void aFailedHealthCheckRebootsBackToTheGoodSlot() throws Exception {
        node("hooks: {health: [\"test ! -f " + dir.resolve("unhealthy") + " || { echo kubelet down; exit 3; }\"]}")
                .start();
        reconciler.await(r -> r.status().health() != null && r.status().health().healthy(), T);
        Files.writeString(dir.resolve("unhealthy"), "");
        reconciler.instruct(v2());
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertTrue(failed.status().task().failureReason().startsWith("health check failed: health hook"),
                failed.status().task().failureReason());
        assertTrue(failed.status().task().failureReason().endsWith("exited with 3: kubelet down"),
                failed.status().task().failureReason());
        reconciler.await(r -> r.status().slots() != null && "a".equals(r.status().slots().booted()), T);
        assertEquals(Slot.A, node.boot.load().booted());
        assertEquals(SlotState.BAD, node.boot.load().b());
    }

    @Test
    void rollbackSwitchesBackWithoutDownloading() throws Exception {
        node("").start();
        reconciler.instruct(v2());
        reconciler.awaitPhase(NodePhase.Completed, T);
        int downloads = images.seen().size();
        reconciler.instruct(Instruction.of("node-1", new Instruction.Spec("os-2", 2, null, Action.ROLLBACK, "os",
                "v2.0.0", COMMIT, null, null, false)));
        Report back = reconciler.awaitPhase(NodePhase.RolledBack, T);
        assertEquals("a", back.status().slots().booted());
        assertEquals("a", back.status().slots().active());
        assertEquals("v1.0.0", back.status().components().get("os"));
        assertEquals(downloads, images.seen().size());
    }

    @Test
    void anUnreachableReconcilerIsRetriedWithJitteredBackoff() throws Exception {
        reconciler.unavailable(6);
        node("").start();
        reconciler.await(r -> true, T);
        List<Duration> waits;
        synchronized (node.sleeps) {
            waits = List.copyOf(node.sleeps);
        }
        assertTrue(waits.size() >= 6, waits.toString());
        long[] ceilings = {10, 20, 40, 80, 160, 200};
        for (int i = 0; i < 6; i++) {
            assertTrue(waits.get(i).toMillis() <= ceilings[i], "wait " + i + " = " + waits.get(i));
        }
        assertTrue(waits.subList(0, 6).stream().distinct().count() > 1, "jittered");
    }

    @Test
    void theLongPollDeliversANewInstructionAtOnce() throws Exception {
        node("poll: {longPoll: 20s, progressInterval: 100ms, backoffMin: 10ms, backoffMax: 200ms}").start();
        reconciler.await(r -> true, T);
        reconciler.awaitHeld(T);
        assertEquals(20, reconciler.lastWaitAsked(), "the idle report asks to be held for the long poll");
        reconciler.instruct(install("os-1", 1, "v1.0.0", images.uri().toString(), sha, null));
        reconciler.awaitPhase(NodePhase.Skipped, T);
        // an agent that gave up on the held request and polled again would get its instruction on the new one
        assertEquals(1, reconciler.answeredWhileHeld(), "the instruction went out on the held request");

    }

    @Test
    void withVerifyGitAnInstructionThatCannotBeCheckedIsRefused() throws Exception {
        node("verifyGit: {url: " + dir.resolve("no-such-fleet.git").toUri() + ", branch: main}").start();
        reconciler.instruct(v2());
        Report refused = reconciler.awaitPhase(NodePhase.Failed, T);
        assertTrue(refused.status().task().failureReason().startsWith("cannot verify against "),
                refused.status().task().failureReason());
        assertEquals(List.of(), images.seen(), "nothing downloaded");
        assertEquals(List.of(NodePhase.Instructed, NodePhase.Failed), reconciler.phases());
    }

    @Test
    void aServiceRestartInTheMiddleOfATransferResumesTheTask() throws Exception {
        images.close();
        images = new MisbehavingImageServer(zst).stallAt(zst.length / 2, 3000);
        node("").start();
        reconciler.instruct(v2());
        reconciler.awaitPhase(NodePhase.Writing, T);
        node.stop();
        node.start();
        reconciler.awaitPhase(NodePhase.Completed, T);
        assertEquals(List.of(NodePhase.Instructed, NodePhase.Downloading, NodePhase.Writing, NodePhase.Downloading,
                NodePhase.Writing, NodePhase.Verifying, NodePhase.Staged, NodePhase.Rebooting, NodePhase.Completed),
                reconciler.phases());
        node.assertSlotHolds(node.slotB, raw);
    }

    @Test
    void slowHealthChecksKeepTheNodeReportingAndStillGateTheSlot() throws Exception {
        node("hooks: {health: [\"sleep 0.5\"]}").start();
        Report idle = reconciler.await(r -> r.status().health() != null, T);
        assertEquals(new Report.Health(true, "the health check passed"), idle.status().health());
        reconciler.instruct(v2());
        reconciler.awaitPhase(NodePhase.Completed, T);
        long duringChecks = reconciler.reports().stream().filter(r -> r.status().task() != null
                && r.status().task().phase() == NodePhase.Rebooting).count();
        assertTrue(duringChecks >= 3, "reports while the post-boot checks ran: " + duringChecks);
    }
}
