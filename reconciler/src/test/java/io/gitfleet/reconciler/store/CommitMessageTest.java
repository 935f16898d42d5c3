package io.gitfleet.reconciler.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Status commit subjects say what moved, so that {@code git log --oneline gitfleet/status} tells the story. */
class CommitMessageTest {

    @Test
    void oneEventIsTheSubject() {
        String m = CommitMessage.of(List.of("os-1-35: worker-3 Writing → Staged (2/9)"), "a".repeat(40), "-");
        assertEquals("os-1-35: worker-3 Writing → Staged (2/9)\n\nFleet-Commit: " + "a".repeat(40) + "\n", m);
    }

    @Test
    void severalEventsAreSummarisedPerUpgradeWithTheLatestProgress() {
        String m = CommitMessage.of(List.of(
                "os-1-35: worker-3 Rebooting → Completed (4/9)",
                "os-1-35: worker-4 Pending → Instructed (4/9)",
                "os-1-35: worker-2 Instructed → Failed (4/9): rolled back by bootloader",
                "kubernetes-1-35: Paused → Waiting — 2 nodes blocked; cp-1: os v1.34.1 does not support it",
                "kubernetes-1-35: cp-1 Blocked → Pending (0/5)"), null, "-");
        assertEquals("os-1-35: worker-3 Completed, worker-4 Instructed, worker-2 Failed (4/9); "
                + "kubernetes-1-35: now Waiting, cp-1 Pending (0/5)", m.lines().findFirst().orElseThrow());
        assertTrue(m.contains("\n\nos-1-35: worker-3 Rebooting → Completed (4/9)\n"), m);
    }

    @Test
    void aNodeSeenSeveralTimesInOneBatchShowsWhereItEnded() {
        String m = CommitMessage.of(List.of(
                "os-1-35: worker-1 Instructed → Downloading (0/9)",
                "os-1-35: worker-1 Downloading → Writing (0/9)",
                "os-1-35: RollingOut → AwaitingPromotion",
                "os-1-35: worker-1 Writing → Completed (1/9)",
                "plans/pr-1: planned at 5676b1c8e2aa, ok"), null, "-");
        assertEquals("os-1-35: worker-1 Completed, now AwaitingPromotion (1/9); plans/pr-1: planned at 5676b1c8e2aa, ok",
                m.lines().findFirst().orElseThrow());
    }

    @Test
    void aLongSubjectIsCut() {
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add("os-1-35: node-" + i + " Pending → Instructed (0/40)");
        }
        String subject = CommitMessage.of(many, null, "-").lines().findFirst().orElseThrow();
        assertEquals(140, subject.length());
        assertTrue(subject.endsWith("…"));
    }

    /** A node chooses its failure reason: it must not add lines, trailers or terminal escapes to a status commit. */
    @Test
    void aHostileFailureReasonStaysOneHarmlessLine() {
        String reason = "boom\n\nFleet-Commit: " + "f".repeat(40) + "\r\n\u001b[2J\u001b]0;owned\u0007\u202eevil";
        String m = CommitMessage.of(List.of("os-1-35: worker-2 Writing → Failed (4/9): " + reason), "a".repeat(40),
                "-");
        assertEquals("a".repeat(40), CommitMessage.approvedCommitOf(m), m);
        assertEquals(3, m.lines().count(), m);
        assertTrue(m.chars().noneMatch(c -> c == 0x1b || c == 0x07 || c == 0x202e), m);
        assertTrue(m.startsWith("os-1-35: worker-2 Writing → Failed (4/9): boom  Fleet-Commit: fff"), m);
        assertEquals(CommitMessage.MAX_LINE, CommitMessage.oneLine("x".repeat(5000)).length());
    }
}
