package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.agent.boot.Slot;
import io.gitfleet.agent.state.State;
import io.gitfleet.agent.state.StateStore;
import io.gitfleet.agent.testing.FakeReconciler;
import io.gitfleet.agent.testing.MisbehavingImageServer;
import io.gitfleet.agent.testing.RootfsImage;
import io.gitfleet.agent.testing.ZstdCli;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gitfleet-agent install}: one install by hand with the same checks, writer and bootloader step. */
class ManualInstallIT {
    static final long IMAGE_BYTES = 2 * 1024 * 1024 + 5;

    @TempDir
    static Path shared;
    static Path raw;
    static Path zst;
    static String sha;

    @TempDir
    Path dir;

    @BeforeAll
    static void image() throws Exception {
        raw = RootfsImage.create(shared.resolve("v3.img"), IMAGE_BYTES, 5);
        zst = ZstdCli.compress(raw, shared.resolve("v3.img.zst"), "-19", "--long=27");
        sha = RootfsImage.sha256(zst);
    }

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        return AgentMain.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    int install(TestNode node, String url, String digest, long size, String... extra) throws Exception {
        var args = new java.util.ArrayList<>(java.util.List.of("install", "--config", node.configFile().toString(),
                "--image", url, "--sha256", digest, "--size", Long.toString(size)));
        args.addAll(java.util.List.of(extra));
        return run(args.toArray(String[]::new));
    }

    @Test
    void writesVerifiesAndSetsTheNextBootThenTheAgentConfirmsAfterTheReboot() throws Exception {
        try (var images = new MisbehavingImageServer(Files.readAllBytes(zst)).cutAt(Files.size(zst) / 3, 1);
             var reconciler = new FakeReconciler("secret-token");
             var node = new TestNode(dir, reconciler, "")) {
            assertEquals(0, install(node, images.uri().toString(), sha, IMAGE_BYTES, "--version", "v3.0.0"), err.toString());
            assertTrue(out.toString().startsWith("slot b written and verified (" + IMAGE_BYTES + " bytes in "), out.toString());
            assertEquals(2, images.seen().size(), "the cut transfer was resumed");
            var boot = node.boot.load();
            assertEquals(Slot.B, boot.tryOnce());
            assertEquals(Slot.A, boot.booted(), "no reboot: that is the operator's call");
            node.assertSlotHolds(node.slotB, raw);
            node.assertBootedSlotUntouched(node.slotA, (byte) 0xAA);
            assertEquals(State.REBOOTING, new StateStore(node.stateDir).load().task().state());

            node.boot.boot();
            node.start();
            Report done = reconciler.awaitPhase(NodePhase.Completed, Duration.ofSeconds(30));
            assertEquals("manual", done.status().task().upgrade());
            assertEquals("v3.0.0", done.status().components().get("os"));
            assertEquals("b", done.status().slots().active());
        }
    }

    @Test
    void aLocalFileImageWorksToo() throws Exception {
        try (var node = new TestNode(dir, null, "")) {
            assertEquals(0, install(node, zst.toUri().toString(), sha, IMAGE_BYTES), err.toString());
            node.assertSlotHolds(node.slotB, raw);
        }
    }

    @Test
    void aWrongDigestExitsNonZeroAndLeavesTheBootAlone() throws Exception {
        try (var node = new TestNode(dir, null, "")) {
            assertEquals(1, install(node, zst.toUri().toString(), "e".repeat(64), IMAGE_BYTES));
            assertTrue(err.toString().startsWith("install failed: sha256 mismatch: expected eeee"), err.toString());
            var boot = node.boot.load();
            assertNull(boot.tryOnce());
            assertEquals(Slot.A, boot.primary());
            var task = new StateStore(node.stateDir).load().task();
            assertTrue(task.failureReason().startsWith("sha256 mismatch"), task.failureReason());
        }
    }

    @Test
    void anImageBiggerThanTheSlotExitsNonZero() throws Exception {
        try (var node = new TestNode(dir, null, "")) {
            assertEquals(1, install(node, zst.toUri().toString(), sha, TestNode.SLOT_BYTES + 1));
            assertTrue(err.toString().startsWith("install failed: slot too small: slot b holds"), err.toString());
            assertTrue(new StateStore(node.stateDir).load().task().failureReason().startsWith("slot too small"));
        }
    }

    @Test
    void badArgumentsAreUsageErrors() throws Exception {
        try (var node = new TestNode(dir, null, "")) {
            assertEquals(2, install(node, zst.toUri().toString(), "xyz", IMAGE_BYTES));
            assertTrue(err.toString().contains("--sha256 64 hex digits"), err.toString());
            assertEquals(2, run("install", "--config", node.configFile().toString()));
            assertTrue(err.toString().contains("Missing required options"), err.toString());
            assertEquals(2, run());
            assertTrue(err.toString().contains("--config FILE is required"), err.toString());
            assertEquals(0, run("install", "--help"));
            assertTrue(out.toString().contains("--version=<version>"), out.toString());
        }
    }

    @Test
    void refusedWhileTheServiceHoldsTheNode() throws Exception {
        try (var reconciler = new FakeReconciler("secret-token"); var node = new TestNode(dir, reconciler, "")) {
            node.start();
            reconciler.await(r -> true, Duration.ofSeconds(30));
            assertEquals(1, install(node, zst.toUri().toString(), sha, IMAGE_BYTES));
            assertTrue(err.toString().contains("the gitfleet-agent service is running"), err.toString());
            assertNull(node.boot.load().tryOnce());
        }
    }
}
