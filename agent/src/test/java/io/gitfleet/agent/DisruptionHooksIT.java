package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.agent.boot.Slot;
import io.gitfleet.agent.state.HookLedger;
import io.gitfleet.agent.state.State;
import io.gitfleet.agent.testing.MisbehavingImageServer;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Report.SlotState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hooks around a disruption on a simulated A/B node, with a stand-in kubectl (a shell script keeping the
 * node's cordon in a file): the drain's cordon is undone only when gitfleet made it, after success, failure or a
 * crash; an operator's cordon never is; a failing or hanging pre-reboot hook withdraws the try.
 */
class DisruptionHooksIT extends NodeFixture {
    static final Duration T = Duration.ofSeconds(30);
    static final long IMAGE_BYTES = 3 * 1024 * 1024 + 4321;

    Path events;
    Path cordoned;

    @BeforeAll
    static void image() throws Exception {
        image(IMAGE_BYTES, 5);
    }

    @BeforeEach
    void setUp() throws Exception {
        events = dir.resolve("events.log");
        cordoned = dir.resolve("node-cordoned");
        Path kubectl = dir.resolve("kubectl");
        Files.writeString(kubectl, String.join("\n", "#!/bin/sh",
                "echo \"kubectl $*\" >> " + events,
                "case \"$1\" in",
                "  is-cordoned) [ -f " + dir.resolve("api-down") + " ] && { echo 'The connection to the server "
                        + "was refused'; exit 2; }; [ -f " + cordoned + " ] && exit 0; exit 1;;",
                "  drain) echo \"node/$2 cordoned\"; touch " + cordoned + "; echo 'evicting pod web-1'",
                "    [ -f " + dir.resolve("drain-fails") + " ] && { echo 'error: cannot evict pod web-1: "
                        + "the disruption budget allows 0 more'; exit 1; }",
                "    echo \"node/$2 drained\";;",
                "  uncordon) [ -f " + dir.resolve("uncordon-fails") + " ] && { echo 'error: the server is "
                        + "currently unable to handle the request'; exit 1; }",
                "    rm -f " + cordoned + "; echo \"node/$2 uncordoned\";;",
                "esac", ""));
        Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The hooks section: the drain trio, one line per outcome, each appending to the events file. */
    String hooks(String preReboot, String timeout) {
        String k = dir.resolve("kubectl").toString();
        return String.join("\n", "hooks:",
                "  drain: '" + k + " drain \"$GITFLEET_NODE\" --ignore-daemonsets'",
                "  uncordon: '" + k + " uncordon \"$GITFLEET_NODE\"'",
                "  cordonCheck: '" + k + " is-cordoned \"$GITFLEET_NODE\"'",
                "  preReboot: ['" + preReboot + "']",
                "  postSuccess: ['echo \"post-success $GITFLEET_UPGRADE $GITFLEET_RESULT\" >> " + events + "']",
                "  onFailure: ['echo \"on-failure $GITFLEET_RESULT: $GITFLEET_REASON\" >> " + events + "']",
                "  onCancel: ['echo \"on-cancel $GITFLEET_RESULT\" >> " + events + "']",
                "  timeout: " + timeout);
    }

    String logPreReboot() {
        return "echo \"pre-reboot $GITFLEET_UPGRADE\" >> " + events;
    }

    Instruction v2() {
        return Instruction.of("node-1", new Instruction.Spec("os-2", 1, null, Action.INSTALL, "os", "v2.0.0",
                "0123456789abcdef0123456789abcdef01234567",
                new Instruction.ImageRef(images.uri().toString(), sha, IMAGE_BYTES, Map.of()), null, false));
    }

    /**
     * The first report in {@code phase} sent after the task's end hooks ran: the agent keeps reporting while they
     * run, so the phase alone does not say they are done; the hook record does.
     */
    Report settled(NodePhase phase) throws Exception {
        return reconciler.await(r -> r.status().task() != null && r.status().task().phase() == phase
                && endHooksRan(), T);
    }

    boolean endHooksRan() {
        try {
            HookLedger.Entry e = new HookLedger(node.stateDir).load();
            return e != null && e.ended() != null && e.ended().startsWith("os-2#1#");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    List<String> events() throws Exception {
        return Files.exists(events) ? Files.readAllLines(events) : List.of();
    }

    @Test
    void gitfleetsOwnCordonIsUndoneAfterSuccess() throws Exception {
        node = new TestNode(dir, reconciler, hooks(logPreReboot(), "10s"));
        node.start();
        reconciler.instruct(v2());
        Report done = settled(NodePhase.Completed);
        assertEquals(List.of("kubectl is-cordoned node-1", "kubectl drain node-1 --ignore-daemonsets",
                "pre-reboot os-2", "post-success os-2 succeeded", "kubectl uncordon node-1"), events());
        assertFalse(Files.exists(cordoned));
        // while the node was down for its reboot the report said whose cordon it was; once done, no cordon
        Report rebooting = reconciler.reports().stream().filter(r -> r.status().task() != null
                && r.status().task().phase() == NodePhase.Rebooting).findFirst().orElseThrow();
        assertEquals("os-2", rebooting.status().cordon().upgrade());
        assertEquals(1, rebooting.status().cordon().attempt());
        assertNull(done.status().cordon());
        assertEquals(Slot.B, node.boot.load().booted());
    }

    @Test
    void anOperatorsCordonIsNeverUndone() throws Exception {
        Files.writeString(cordoned, "cordoned by the operator for a disk swap\n");
        node = new TestNode(dir, reconciler, hooks(logPreReboot(), "10s"));
        node.start();
        reconciler.instruct(v2());
        settled(NodePhase.Completed);
        assertEquals(List.of("kubectl is-cordoned node-1", "kubectl drain node-1 --ignore-daemonsets",
                "pre-reboot os-2", "post-success os-2 succeeded"), events());
        assertTrue(Files.exists(cordoned), "still cordoned, as the operator left it");
        assertTrue(reconciler.reports().stream().allMatch(r -> r.status().cordon() == null),
                "never reported as gitfleet's cordon");
    }

    @Test
    void aFailedDrainWithdrawsTheTryAndStillUncordons() throws Exception {
        Files.writeString(dir.resolve("drain-fails"), "");
        node = new TestNode(dir, reconciler, hooks(logPreReboot(), "10s"));
        node.start();
        reconciler.instruct(v2());
        Report failed = settled(NodePhase.Failed);
        String reason = failed.status().task().failureReason();
        assertEquals("pre-reboot hook failed: drain hook '" + dir.resolve("kubectl") + " drain \"$GITFLEET_NODE\" "
                + "--ignore-daemonsets' exited with 1: node/node-1 cordoned\nevicting pod web-1\nerror: cannot evict "
                + "pod web-1: the disruption budget allows 0 more", reason);
        assertEquals(List.of("kubectl is-cordoned node-1", "kubectl drain node-1 --ignore-daemonsets",
                "on-failure failed: " + reason.substring(0, reason.indexOf('\n')), "evicting pod web-1",
                "error: cannot evict pod web-1: the disruption budget allows 0 more", "kubectl uncordon node-1"),
                events());
        assertFalse(Files.exists(cordoned), "the half-done drain's cordon was gitfleet's: undone");
        assertNull(failed.status().cordon());
        assertTryWithdrawn();
    }

    @Test
    void aCordonCheckThatCannotTellDrainsNothing() throws Exception {
        Files.writeString(dir.resolve("api-down"), "");
        node = new TestNode(dir, reconciler, hooks(logPreReboot(), "10s"));
        node.start();
        reconciler.instruct(v2());
        Report failed = settled(NodePhase.Failed);
        assertEquals("pre-reboot hook failed: cordon check '" + dir.resolve("kubectl") + " is-cordoned "
                + "\"$GITFLEET_NODE\"' exited with 2: The connection to the server was refused (0 means cordoned by "
                + "someone else, 1 not cordoned; anything else cannot tell)", failed.status().task().failureReason());
        assertEquals("kubectl is-cordoned node-1", events().get(0));
        assertFalse(events().stream().anyMatch(e -> e.startsWith("kubectl drain") || e.startsWith("kubectl uncordon")),
                events().toString());
        assertTryWithdrawn();
    }

    @Test
    void aFailingPreRebootHookWithdrawsTheTry() throws Exception {
        node = new TestNode(dir, reconciler, String.join("\n", "hooks:",
                "  preReboot: ['echo \"pre-reboot $GITFLEET_UPGRADE\" >> " + events + "', "
                        + "'echo checking quorum; exit 3']", "  timeout: 10s"));
        node.start();
        reconciler.instruct(v2());
        Report failed = settled(NodePhase.Failed);
        assertEquals("pre-reboot hook failed: pre-reboot hook 'echo checking quorum; exit 3' exited with 3: "
                + "checking quorum", failed.status().task().failureReason());
        assertEquals(List.of("pre-reboot os-2"), events());
        assertTryWithdrawn();
    }

    @Test
    void aHangingHookIsKilledAtItsTimeoutAndTheNodeFailsWithItsOutput() throws Exception {
        node = new TestNode(dir, reconciler, hooks("echo \"waiting for web-1 to leave\"; sleep 120", "1s"));
        node.start();
        reconciler.instruct(v2());
        Report failed = settled(NodePhase.Failed);
        assertEquals("pre-reboot hook failed: pre-reboot hook 'echo \"waiting for web-1 to leave\"; sleep 120' "
                + "timed out: waiting for web-1 to leave", failed.status().task().failureReason());
        assertEquals("kubectl uncordon node-1", events().get(events().size() - 1));
        assertTryWithdrawn();
    }

    @Test
    void theCordonSurvivesACrashAndIsUndoneAfterTheRestart() throws Exception {
        node = new TestNode(dir, reconciler, hooks(logPreReboot(), "10s"));
        reconciler.instruct(v2());
        AtomicBoolean crashed = new AtomicBoolean();
        node.start(t -> {
            if (t.state() == State.REBOOTING && crashed.compareAndSet(false, true)) {
                throw new TestNode.SimulatedCrash("REBOOTING");
            }
        });
        assertInstanceOf(TestNode.SimulatedCrash.class, node.awaitDeath(T));
        HookLedger.Entry entry = new HookLedger(node.stateDir).load();
        assertNotNull(entry.cordon(), "recorded in the state dir before the drain ran");
        assertEquals("os-2", entry.cordon().upgrade());
        assertTrue(Files.exists(cordoned));
        node.boot.boot();
        node.start();
        Report done = settled(NodePhase.Completed);
        assertEquals(List.of("kubectl is-cordoned node-1", "kubectl drain node-1 --ignore-daemonsets",
                "pre-reboot os-2", "post-success os-2 succeeded", "kubectl uncordon node-1"), events());
        assertFalse(Files.exists(cordoned));
        assertNull(done.status().cordon());
        assertNull(new HookLedger(node.stateDir).load().cordon());
    }

    @Test
    void aWithdrawnInstructionRunsTheCancelHooksOnly() throws Exception {
        images.close();
        images = new MisbehavingImageServer(zst).cutAt(zst.length / 2, 100);
        node = new TestNode(dir, reconciler, hooks(logPreReboot(), "10s"));
        node.start();
        reconciler.await(r -> true, T);
        reconciler.instruct(v2());
        reconciler.awaitPhase(NodePhase.Writing, T);
        reconciler.instruct(null);
        Report failed = settled(NodePhase.Failed);
        assertEquals(Report.CANCELLED, failed.status().task().failureReason());
        assertEquals(List.of("on-cancel cancelled"), events(), "nothing was drained, so nothing is uncordoned");
    }

    @Test
    void aFailedUncordonKeepsTheRecordAndIsRetriedAtTheNextStart() throws Exception {
        Files.writeString(dir.resolve("uncordon-fails"), "");
        node = new TestNode(dir, reconciler, hooks(logPreReboot(), "10s"));
        node.start();
        reconciler.instruct(v2());
        Report done = settled(NodePhase.Completed);
        assertEquals("os-2", done.status().cordon().upgrade(), "still gitfleet's cordon, and said so");
        assertTrue(done.status().task().message().endsWith("uncordon hook '" + dir.resolve("kubectl") + " uncordon "
                + "\"$GITFLEET_NODE\"' exited with 1: error: the server is currently unable to handle the request; "
                + "the node stays cordoned by gitfleet, the uncordon is tried again later"),
                done.status().task().message());
        assertTrue(Files.exists(cordoned));
        node.stop();
        Files.delete(dir.resolve("uncordon-fails"));
        int seen = reconciler.reports().size();
        node.start();
        Report after = reconciler.await(r -> reconciler.reports().indexOf(r) >= seen && r.status().cordon() == null,
                T);
        assertEquals(NodePhase.Completed, after.status().task().phase());
        assertFalse(Files.exists(cordoned));
        assertEquals(1, events().stream().filter(e -> e.startsWith("post-success")).count(), "not run again");
        assertEquals(2, events().stream().filter(e -> e.equals("kubectl uncordon node-1")).count());
    }

    @Test
    void endHooksRunOncePerTask() throws Exception {
        node = new TestNode(dir, reconciler, hooks(logPreReboot(), "10s"));
        node.start();
        reconciler.instruct(v2());
        settled(NodePhase.Completed);
        node.stop();
        node.start();
        int seen = reconciler.reports().size();
        reconciler.await(r -> reconciler.reports().size() > seen + 2, T);
        assertEquals(1, events().stream().filter(e -> e.startsWith("post-success")).count());
    }

    @Test
    void aLongEndHookKeepsTheNodeReportingWithTheCordonItStillHolds() throws Exception {
        node = new TestNode(dir, reconciler, hooks(logPreReboot(), "10s").replace(
                "postSuccess: ['echo", "postSuccess: ['sleep 1; echo"));
        node.start();
        reconciler.instruct(v2());
        Report done = settled(NodePhase.Completed);
        assertNull(done.status().cordon());
        long whileRunning = reconciler.reports().stream().filter(r -> r.status().task() != null
                && r.status().task().phase() == NodePhase.Completed && r.status().cordon() != null).count();
        assertTrue(whileRunning >= 3, "reports while the 1 s hook ran, still cordoned by gitfleet: " + whileRunning);
        assertEquals("kubectl uncordon node-1", events().get(events().size() - 1));
    }

    private void assertTryWithdrawn() throws Exception {
        var boot = node.boot.load();
        assertEquals(Slot.A, boot.booted());
        assertEquals(Slot.A, boot.primary());
        assertNull(boot.tryOnce(), "the try of the new slot was withdrawn");
        assertEquals(SlotState.BAD, boot.b());
        node.assertBootedSlotUntouched(node.slotA, (byte) 0xAA);
    }
}
