package io.gitfleet.reconciler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.Report;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A version the node cannot read, and why, is news for the status branch; the same unknown again, in any wording, is
 * a heartbeat.
 */
class ReportBookTest {
    private static final Instant T = Instant.parse("2026-11-30T06:00:00Z");

    private static Report.Status report(Map<String, String> components, Map<String, String> unknown) {
        return new Report.Status("test", components, null, new Report.Health(true, null), null, Map.of(), Map.of(),
                null, unknown);
    }

    @Test
    void anUnknownVersionAndItsReasonAreRecordedAndOnlyChangesCount() {
        ReportBook book = new ReportBook();
        String why = "'kubelet --version' exited with 1: cannot open /var/lib/kubelet/config.yaml";
        assertTrue(book.record("worker-1", report(Map.of("os", "v1.35.1"), Map.of("kubernetes", why)), T));
        List<NodeStatus> changed = book.drainChanged();
        assertEquals(Map.of("kubernetes", why), changed.get(0).status().versionUnknown());
        assertFalse(book.record("worker-1", report(Map.of("os", "v1.35.1"), Map.of("kubernetes", why)),
                T.plusSeconds(30)), "the same reason again: a heartbeat");
        assertFalse(book.record("worker-1", report(Map.of("os", "v1.35.1"), Map.of("kubernetes",
                "'kubelet --version' exited with 1: E1130 06:00:45.101 cannot open /var/lib/kubelet/config.yaml")),
                T.plusSeconds(45)), "another wording of the same unknown (a tool's timestamp) is no news either");
        assertTrue(book.record("worker-1", report(Map.of("os", "v1.35.1", "kubernetes", "v1.35.0"), Map.of()),
                T.plusSeconds(60)), "read again: news");
        assertEquals(Map.of(), book.drainChanged().get(0).status().versionUnknown());
    }
}
