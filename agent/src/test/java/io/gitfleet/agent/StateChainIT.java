package io.gitfleet.agent;

import static io.gitfleet.schema.NodePhase.Completed;
import static io.gitfleet.schema.NodePhase.Downloading;
import static io.gitfleet.schema.NodePhase.Failed;
import static io.gitfleet.schema.NodePhase.Instructed;
import static io.gitfleet.schema.NodePhase.Rebooting;
import static io.gitfleet.schema.NodePhase.Staged;
import static io.gitfleet.schema.NodePhase.Verifying;
import static io.gitfleet.schema.NodePhase.Writing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.gitfleet.agent.boot.Slot;
import io.gitfleet.agent.state.State;
import io.gitfleet.agent.testing.FakeReconciler;
import io.gitfleet.agent.testing.MisbehavingImageServer;
import io.gitfleet.agent.testing.RootfsImage;
import io.gitfleet.agent.testing.ZstdCli;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every state of an install, kill the agent right after it saved that state, then: just restart it
 * (crash), restart after a boot (reboot), or lose the slot's unsynced bytes and boot (power cut). The restarted
 * agent must report the expected phases, end where expected, and never have touched the booted slot.
 */
class StateChainIT {
    static final Duration T = Duration.ofSeconds(30);
    static final long IMAGE_BYTES = 3 * 1024 * 1024 + 99;

    enum Fault { CRASH, REBOOT, POWER_CUT }

    /** States whose slot bytes are not yet synced when the state is entered. */
    static final EnumSet<State> UNSYNCED = EnumSet.of(State.INSTRUCTED, State.DOWNLOADING, State.WRITING,
            State.VERIFYING);

    static final List<NodePhase> HAPPY = List.of(Instructed, Downloading, Writing, Verifying, Staged, Rebooting,
            Completed);
    static final List<NodePhase> REWRITE = List.of(Instructed, Downloading, Writing, Downloading, Writing, Verifying,
            Staged, Rebooting, Completed);
    static final List<NodePhase> FELL_BACK = List.of(Instructed, Downloading, Writing, Verifying, Staged, Rebooting,
            Failed);

    @TempDir
    static Path shared;
    static Path raw;
    static byte[] zst;
    static String sha;

    @TempDir
    Path dir;

    @BeforeAll
    static void image() throws Exception {
        raw = RootfsImage.create(shared.resolve("v2.img"), IMAGE_BYTES, 11);
        Path z = ZstdCli.compress(raw, shared.resolve("v2.img.zst"), "-3");
        zst = Files.readAllBytes(z);
        sha = RootfsImage.sha256(z);
    }

    static Stream<Arguments> chain() {
        List<Arguments> rows = new ArrayList<>();
        for (Fault f : Fault.values()) {
            rows.add(Arguments.of(State.INSTRUCTED, f, HAPPY, null));
            rows.add(Arguments.of(State.DOWNLOADING, f, HAPPY, null));
            rows.add(Arguments.of(State.WRITING, f, HAPPY, null));
            rows.add(Arguments.of(State.VERIFYING, f, REWRITE, null));
            rows.add(Arguments.of(State.STAGED, f, HAPPY, null));
            rows.add(Arguments.of(State.REBOOTING, f, HAPPY, null));
        }
        // Up in the new slot but not yet confirmed: a crash resumes the checks; any boot falls back.
        rows.add(Arguments.of(State.CHECKING_HEALTH, Fault.CRASH, HAPPY, null));
        rows.add(Arguments.of(State.CHECKING_HEALTH, Fault.REBOOT, FELL_BACK, "rolled back by bootloader"));
        rows.add(Arguments.of(State.CHECKING_HEALTH, Fault.POWER_CUT, FELL_BACK, "rolled back by bootloader"));
        return rows.stream();
    }

    @ParameterizedTest(name = "{1} on entering {0}")
    @MethodSource("chain")
    void faultAtEveryState(State at, Fault fault, List<NodePhase> expected, String failure) throws Exception {
        try (FakeReconciler reconciler = new FakeReconciler("secret-token");
             MisbehavingImageServer images = new MisbehavingImageServer(zst);
             TestNode node = new TestNode(dir, reconciler, "")) {
            reconciler.instruct(Instruction.of("node-1", new Instruction.Spec("os-2", 1, null, Action.INSTALL, "os",
                    "v2.0.0", "0123456789abcdef0123456789abcdef01234567",
                    new Instruction.ImageRef(images.uri().toString(), sha, IMAGE_BYTES, Map.of()), null, false)));
            AtomicBoolean crashed = new AtomicBoolean();
            node.start(t -> {
                if (t.state() == at && crashed.compareAndSet(false, true)) {
                    throw new TestNode.SimulatedCrash(at.name());
                }
            });
            assertInstanceOf(TestNode.SimulatedCrash.class, node.awaitDeath(T));
            switch (fault) {
                case CRASH -> { }
                case REBOOT -> node.boot.boot();
                case POWER_CUT -> {
                    if (UNSYNCED.contains(at)) {
                        node.powerCut(at.ordinal());
                    } else {
                        node.boot.boot();
                    }
                }
            }
            node.start();
            NodePhase end = expected.get(expected.size() - 1);
            Report last = reconciler.awaitPhase(end, T);
            assertEquals(expected, reconciler.phases());
            assertEquals(failure, last.status().task().failureReason());
            node.assertBootedSlotUntouched(node.slotA, (byte) 0xAA);
            if (end == Completed) {
                assertEquals(Slot.B, node.boot.load().booted());
                assertEquals(Slot.B, node.boot.load().primary());
                node.assertSlotHolds(node.slotB, raw);
            } else {
                assertEquals(Slot.A, node.boot.load().booted());
                assertEquals(Map.of("os", List.of("v2.0.0")), last.status().failedVersions());
            }
            assertEquals(List.of(), reconciler.problems());
        }
    }

    @Test
    void aCrashLoopIsStoppedByTheLoopDetector() throws Exception {
        try (FakeReconciler reconciler = new FakeReconciler("secret-token");
             MisbehavingImageServer images = new MisbehavingImageServer(zst);
             TestNode node = new TestNode(dir, reconciler, "loop: {limit: 3, transferLimit: 3}")) {
            reconciler.instruct(Instruction.of("node-1", new Instruction.Spec("os-2", 1, null, Action.INSTALL, "os",
                    "v2.0.0", "0123456789abcdef0123456789abcdef01234567",
                    new Instruction.ImageRef(images.uri().toString(), sha, IMAGE_BYTES, Map.of()), null, false)));
            for (int i = 0; i < 3; i++) {
                node.start(t -> {
                    if (t.state() == State.WRITING) {
                        throw new TestNode.SimulatedCrash("WRITING");
                    }
                });
                assertInstanceOf(TestNode.SimulatedCrash.class, node.awaitDeath(T));
            }
            node.start();
            Report failed = reconciler.awaitPhase(Failed, T);
            assertEquals("loop detected: entered DOWNLOADING (Downloading) 4 times, the limit is 3",
                    failed.status().task().failureReason());
            assertEquals(Slot.A, node.boot.load().booted());
            assertEquals(null, node.boot.load().tryOnce());
            node.assertBootedSlotUntouched(node.slotA, (byte) 0xAA);
        }
    }
}
