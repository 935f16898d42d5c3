package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.agent.boot.Slot;
import io.gitfleet.agent.testing.RootfsImage;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Report.SlotState;
import io.gitfleet.schema.Upgrade;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The upgrade's {@code install} options on a simulated A/B node: the recovery slot, and staging without a switch. */
class InstallOptionsIT extends NodeFixture {
    static final Duration T = Duration.ofSeconds(30);
    static final long IMAGE_BYTES = 3 * 1024 * 1024 + 777;

    @BeforeAll
    static void image() throws Exception {
        image(IMAGE_BYTES, 9);
    }

    Instruction v2(boolean active, boolean recovery) {
        return Instruction.of("node-1", new Instruction.Spec("os-2", 1, null, Action.INSTALL, "os", "v2.0.0",
                "0123456789abcdef0123456789abcdef01234567",
                new Instruction.ImageRef(images.uri().toString(), sha, IMAGE_BYTES, Map.of()),
                new Upgrade.InstallOptions(active, recovery), false));
    }

    /** A node whose config names a recovery partition (a pre-sized file here). */
    Path withRecoverySlot() throws Exception {
        node = new TestNode(dir, reconciler, "");
        Path recovery = RootfsImage.partition(dir.resolve("recovery.img"), TestNode.SLOT_BYTES, (byte) 0xCC);
        String config = Files.readString(node.configFile());
        Files.writeString(node.configFile(), config.replace("slots: {a: " + node.slotA + ", b: " + node.slotB + "}",
                "slots: {a: " + node.slotA + ", b: " + node.slotB + ", recovery: " + recovery + "}"));
        return recovery;
    }

    @Test
    void upgradeRecoveryWritesTheRecoverySlotAndNeverBootsIt() throws Exception {
        Path recovery = withRecoverySlot();
        node.start();
        Report idle = reconciler.await(r -> r.status().slots() != null, T);
        assertEquals(new Report.Capabilities(true, true), idle.status().capabilities());
        reconciler.instruct(v2(true, true));
        Report done = reconciler.awaitPhase(NodePhase.Completed, T);
        node.assertSlotHolds(recovery, raw);
        node.assertSlotHolds(node.slotB, raw);
        node.assertBootedSlotUntouched(node.slotA, (byte) 0xAA);
        assertEquals(2, images.seen().stream().filter(s -> s.status() == 200).count(),
                "the image was fetched (and checked) once per slot");
        assertEquals(new Report.Slot("v2.0.0", SlotState.UNKNOWN), done.status().slots().recovery());
        assertEquals("b", done.status().slots().booted(), "the boot went to slot b, never to the recovery slot");
    }

    @Test
    void upgradeActiveFalseStagesWithoutSwitchingTheBoot() throws Exception {
        node = new TestNode(dir, reconciler, "");
        node.start();
        reconciler.instruct(v2(false, false));
        Report done = reconciler.awaitPhase(NodePhase.Completed, T);
        assertEquals(List.of(NodePhase.Instructed, NodePhase.Downloading, NodePhase.Writing, NodePhase.Verifying,
                NodePhase.Staged, NodePhase.Completed), reconciler.phases());
        assertEquals("slot b holds v2.0.0; the boot was not switched (install.upgradeActive: false)",
                done.status().task().message());
        node.assertSlotHolds(node.slotB, raw);
        var boot = node.boot.load();
        assertEquals(Slot.A, boot.booted());
        assertEquals(Slot.A, boot.primary());
        assertNull(boot.tryOnce());
        assertEquals(1, boot.boots(), "no reboot");
        assertEquals("v1.0.0", done.status().components().get("os"), "the node still runs what it ran");
        assertEquals("v2.0.0", done.status().slots().b().version());
    }

    @Test
    void aNodeWithoutARecoverySlotRefusesWithASentence() throws Exception {
        node = new TestNode(dir, reconciler, "");
        node.start();
        Report idle = reconciler.await(r -> r.status().slots() != null, T);
        assertFalse(idle.status().hasRecoverySlot());
        assertNull(idle.status().slots().recovery());
        reconciler.instruct(v2(true, true));
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals("install.upgradeRecovery asks for the recovery slot, but this node has none (slots.recovery is "
                + "not set in its agent config)", failed.status().task().failureReason());
        assertTrue(images.seen().isEmpty(), "nothing was downloaded");
        assertEquals(Slot.A, node.boot.load().primary());
    }
}
