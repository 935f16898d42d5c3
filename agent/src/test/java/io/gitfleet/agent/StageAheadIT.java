package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gitfleet.agent.boot.Slot;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Report.SlotState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Staging ahead: a stage-only instruction writes and verifies the inactive slot and stops at Staged with nothing
 * armed; the same instruction without stage-only, for the same image, activates it; a withdrawal or an activation
 * naming another image drops the staged slot, so a stale image is never booted.
 */
class StageAheadIT extends NodeFixture {
    static final Duration T = Duration.ofSeconds(30);
    static final long IMAGE_BYTES = 2 * 1024 * 1024 + 777;
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @BeforeAll
    static void image() throws Exception {
        image(IMAGE_BYTES, 5);
    }

    @BeforeEach
    void setUp() throws Exception {
        node = new TestNode(dir, reconciler, "");
    }

    static Instruction install(int attempt, String digest, boolean stageOnly, String url) {
        return Instruction.of("node-1", new Instruction.Spec("os-2", attempt, null, Action.INSTALL, "os", "v2.0.0",
                COMMIT, new Instruction.ImageRef(url, digest, IMAGE_BYTES, Map.of()), null, false, stageOnly));
    }

    /** Waits until the agent has reported Staged a few times: it stays there, it does not go on by itself. */
    private Report stagedAndStaying() throws InterruptedException {
        Report staged = reconciler.awaitPhase(NodePhase.Staged, T);
        int at = reconciler.reports().indexOf(staged);
        return reconciler.await(r -> reconciler.reports().size() > at + 3, T);
    }

    @Test
    void stagesWithoutArmingThenActivatesTheSameImage() throws Exception {
        node.start();
        reconciler.await(r -> r.status().slots() != null, T);
        reconciler.instruct(install(1, sha, true, images.uri().toString()));
        Report waiting = stagedAndStaying();
        assertEquals(NodePhase.Staged, waiting.status().task().phase());
        var boot = node.boot.load();
        assertNull(boot.tryOnce(), "a staged-ahead slot is not armed");
        assertEquals(Slot.A, boot.booted());
        assertEquals(1, boot.boots(), "no reboot while staged ahead");
        node.assertSlotHolds(node.slotB, raw);
        int downloads = images.seen().size();

        reconciler.instruct(install(1, sha, false, images.uri().toString()));
        Report done = reconciler.awaitPhase(NodePhase.Completed, T);
        assertEquals(List.of(NodePhase.Instructed, NodePhase.Downloading, NodePhase.Writing, NodePhase.Verifying,
                NodePhase.Staged, NodePhase.Rebooting, NodePhase.Completed), reconciler.phases());
        assertEquals("b", done.status().slots().booted());
        assertEquals(new Report.Slot("v2.0.0", SlotState.GOOD), done.status().slots().b());
        assertEquals(downloads, images.seen().size(), "activation downloads nothing");
    }

    @Test
    void aWithdrawnStagedImageIsDroppedAndNeverBooted() throws Exception {
        node.start();
        reconciler.await(r -> r.status().slots() != null, T);
        reconciler.instruct(install(1, sha, true, images.uri().toString()));
        stagedAndStaying();
        reconciler.instruct(null);
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals(Report.CANCELLED, failed.status().task().failureReason());
        var boot = node.boot.load();
        assertNull(boot.tryOnce());
        assertEquals(Slot.A, boot.primary());
        assertEquals(SlotState.BAD, boot.b(), "the dropped slot is marked bad");
        node.assertBootedSlotUntouched(node.slotA, (byte) 0xAA);

        // a newer instruction re-stages from scratch
        reconciler.instruct(install(2, sha, true, images.uri().toString()));
        Report again = reconciler.await(r -> r.status().task() != null && r.status().task().attempt() == 2
                && r.status().task().phase() == NodePhase.Staged, T);
        assertEquals(NodePhase.Staged, again.status().task().phase());
    }

    @Test
    void anActivationNamingAnotherImageDropsTheStagedSlot() throws Exception {
        node.start();
        reconciler.await(r -> r.status().slots() != null, T);
        reconciler.instruct(install(1, sha, true, images.uri().toString()));
        stagedAndStaying();
        reconciler.instruct(install(1, "e".repeat(64), false, images.uri().toString()));
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals(Report.CANCELLED, failed.status().task().failureReason());
        var boot = node.boot.load();
        assertEquals(1, boot.boots(), "never booted");
        assertEquals(SlotState.BAD, boot.b());
        assertFalse(reconciler.phases().contains(NodePhase.Rebooting));
    }
}
