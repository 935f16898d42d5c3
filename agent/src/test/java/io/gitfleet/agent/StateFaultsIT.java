package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.agent.state.StateStore;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's state dir gone wrong: a corrupt {@code state.json} must not make the node forget which versions
 * failed to boot on it, and a state dir that cannot be written must be reported, not crash-looped on. Also: an
 * image URL from the reconciler that is not http(s) is refused without touching (or describing) the file.
 */
class StateFaultsIT extends NodeFixture {
    static final Duration T = Duration.ofSeconds(30);
    static final long IMAGE_BYTES = 2 * 1024 * 1024 + 5;

    @BeforeAll
    static void image() throws Exception {
        image(IMAGE_BYTES, 11);
    }

    static Instruction install(String url, String digest, long size) {
        return Instruction.of("node-1", new Instruction.Spec("os-2", 1, null, Action.INSTALL, "os", "v2.0.0",
                "0123456789abcdef0123456789abcdef01234567", new Instruction.ImageRef(url, digest, size, Map.of()),
                null, false));
    }

    @Test
    void aCorruptStateFileDoesNotForgetAVersionThatFailedToBoot() throws Exception {
        node = new TestNode(dir, reconciler, "");
        StateStore store = new StateStore(node.stateDir);
        store.save(store.load().withFailedVersion("os", "v2.0.0"));
        store.save(store.load().withSlotVersion("b", "v1.0.0"));
        Files.writeString(store.file(), "{\"format\": 1, \"task\": {\"sta"); // torn by a broken disk
        node.start();
        reconciler.await(r -> r.status().slots() != null, T);
        reconciler.instruct(install(images.uri().toString(), sha, IMAGE_BYTES));
        Report refused = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals("os v2.0.0 was rolled back by the bootloader on this node before; it is not retried without a "
                + "new retry nonce", refused.status().task().failureReason());
        assertEquals(0, images.seen().size(), "nothing was downloaded");
        try (Stream<Path> files = Files.list(node.stateDir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("state.json.unreadable-")),
                    "the unreadable file is kept as evidence");
        }
    }

    @Test
    void aStateDirThatCannotBeWrittenIsReportedAndTheNodeGoesOnOnceItCan() throws Exception {
        node = new TestNode(dir, reconciler, "");
        node.start();
        reconciler.await(r -> r.status().slots() != null, T);
        // the next save cannot create its temporary file, as on a full or read-only file system
        Path blocker = node.stateDir.resolve("state.json.tmp");
        Files.createDirectories(blocker);
        reconciler.instruct(install(images.uri().toString(), sha, IMAGE_BYTES));
        Report sick = reconciler.await(r -> !r.status().health().healthy(), T);
        assertTrue(sick.status().health().message().startsWith("cannot save the agent state to "
                + node.stateDir.resolve("state.json") + ": "), sick.status().health().message());
        assertNull(sick.status().task(), "the instruction was not taken: it could not be saved");
        assertFalse(node.isDead(), "the agent keeps running and reporting");

        Files.delete(blocker);
        Report done = reconciler.awaitPhase(NodePhase.Completed, T);
        assertTrue(done.status().health().healthy(), done.status().health().message());
        node.assertSlotHolds(node.slotB, raw);
    }

    @Test
    void aFileImageUrlFromTheReconcilerIsRefusedWithoutReadingTheFile() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "x".repeat(12345));
        node = new TestNode(Files.createDirectories(dir.resolve("node")), reconciler, "");
        node.start();
        reconciler.await(r -> r.status().slots() != null, T);
        reconciler.instruct(install(secret.toUri().toString(), "ab".repeat(32), 4096));
        Report refused = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals("refusing the image URL from the reconciler: only http and https images are downloaded, not "
                + "file:", refused.status().task().failureReason());
        assertFalse(refused.status().task().failureReason().contains("12345"));
        node.assertBootedSlotUntouched(node.slotA, (byte) 0xAA);
        node.assertBootedSlotUntouched(node.slotB, (byte) 0xBB);
    }
}
