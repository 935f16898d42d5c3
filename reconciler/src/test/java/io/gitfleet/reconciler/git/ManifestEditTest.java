package io.gitfleet.reconciler.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ManifestEditTest {
    static final String M = """
            kind: Upgrade
            metadata:
              name: os-1-35
            spec:
              version: stable          # the channel
              paused: false            # commit true to pause
            """;

    @Test
    void replacesAValueAndKeepsItsComment() {
        assertEquals(M.replace("paused: false            #", "paused: true            #"),
                ManifestEdit.setSpecField(M, "paused", "true"));
    }

    @Test
    void addsAMissingFieldAtTheEndOfSpec() {
        assertEquals(M + "  promoted: true\n", ManifestEdit.setSpecField(M, "promoted", "true"));
    }

    @Test
    void retryAddsBlockThenUpdatesTheNode() {
        String once = ManifestEdit.setRetry(M, "node-3", "n1");
        assertEquals(M.stripTrailing() + "\n  retry:\n    node-3: \"n1\"\n", once);
        String twice = ManifestEdit.setRetry(once, "node-3", "n2");
        assertEquals(once.replace("\"n1\"", "\"n2\""), twice);
        String flow = ManifestEdit.setRetry(M + "  retry: {node-1: \"a\"}\n", "node-3", "x");
        assertEquals(M + "  retry: {node-1: \"a\", node-3: \"x\"}\n", flow);
    }

    @Test
    void refusesAFlowStyleSpec() {
        assertThrows(ManifestEditException.class, () -> ManifestEdit.setSpecField("spec: {paused: false}\n",
                "paused", "true"));
    }
}
