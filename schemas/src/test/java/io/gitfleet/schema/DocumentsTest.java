package io.gitfleet.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What gitfleet writes is valid against its own schemas and reads back to the same record. */
class DocumentsTest {
    private static final Instant T = Instant.parse("2026-11-24T08:00:00Z");

    @Test
    void upgradeStatusRoundTripsThroughYaml() {
        UpgradeStatus.NodeRow row = new UpgradeStatus.NodeRow("worker-1", Role.WORKER, NodePhase.Writing,
                Action.INSTALL, "v1.34.1", "v1.35.1", 0, 1, true, 1, null, "b", "writing 40%", null, T,
                List.of(new UpgradeStatus.Transition(NodePhase.Instructed, T)));
        UpgradeStatus status = UpgradeStatus.of("os-1-35", new UpgradeStatus.State(UpgradePhase.RollingOut, null,
                null, "os", "stable", "v1.35.1", "a".repeat(40), T,
                new UpgradeStatus.Counts(9, 8, 0, 0, 1, 0, 0, 0), List.of(row)));
        String yaml = Documents.toYaml(status);
        assertTrue(yaml.startsWith("apiVersion: gitfleet.io/v1\nkind: UpgradeStatus\n"), yaml);
        UpgradeStatus back = DocumentReader.require("upgrades/os-1-35.yaml", yaml.getBytes(StandardCharsets.UTF_8),
                UpgradeStatus.class);
        assertEquals(status, back);
    }

    @Test
    void mapsAreWrittenByKeySoTheBytesDoNotDependOnTheJvmsMapOrder() {
        Map<String, String> ba = new java.util.LinkedHashMap<>();
        ba.put("os", "v1.35.1");
        ba.put("kubernetes", "v1.34.1");
        assertEquals("kubernetes: v1.34.1\nos: v1.35.1\n", Documents.toYaml(ba));
        assertEquals("{\"kubernetes\":\"v1.34.1\",\"os\":\"v1.35.1\"}", Documents.toJson(ba));
    }

    @Test
    void reportAndInstructionRoundTripThroughJson() {
        Report report = Report.of("worker-1", new Report.Status("0.1.0", Map.of("os", "v1.34.1"),
                new Report.Slots("a", "a", null, new Report.Slot("v1.34.1", Report.SlotState.GOOD),
                        new Report.Slot(null, Report.SlotState.UNKNOWN)),
                new Report.Health(true, null),
                new Report.Task("os-1-35", 1, Action.INSTALL, "v1.35.1", NodePhase.Writing, 10L, 100L, null, null),
                Map.of("os", List.of("v1.35.0"))));
        assertEquals(report, DocumentReader.require("report", Documents.toJsonBytes(report), Report.class));

        Instruction instruction = Instruction.of("worker-1", new Instruction.Spec("os-1-35", 1, null, Action.INSTALL,
                "os", "v1.35.1", "b".repeat(40), new Instruction.ImageRef("https://x/img.zst", "c".repeat(64), 42,
                Map.of("flakeRef", "github:o/r")), new Upgrade.InstallOptions(true, false), false));
        assertEquals(instruction, DocumentReader.require("instruction", Documents.toJsonBytes(instruction),
                Instruction.class));
    }

    @Test
    void versionLikeStringsAreQuotedSoTheyReadBackAsStrings() {
        NodeStatus status = NodeStatus.of("n1", new NodeStatus.State(Map.of("os", "1.10", "fw", "true"), null, null,
                null, null, T));
        String yaml = Documents.toYaml(status);
        assertTrue(yaml.contains("'1.10'") || yaml.contains("\"1.10\""), yaml);
        assertEquals(status, DocumentReader.require("n1", yaml.getBytes(StandardCharsets.UTF_8), NodeStatus.class));
    }

    @Test
    void aVersionTheNodeCouldNotReadTravelsWithItsReasonToTheStatusBranch() {
        Report report = Report.of("worker-1", new Report.Status("0.1.0", Map.of("os", "v1.35.1"), null,
                new Report.Health(true, null), null, Map.of(), Map.of(), null,
                Map.of("kubernetes", "'kubelet --version' exited with 1: cannot open /var/lib/kubelet/config.yaml")));
        assertEquals(report, DocumentReader.require("report", Documents.toJsonBytes(report), Report.class));
        NodeStatus status = NodeStatus.of("worker-1", new NodeStatus.State(report.status().components(), null, null,
                null, null, T, report.status().versionUnknown()));
        assertEquals(status, DocumentReader.require("nodes/ab/worker-1.yaml",
                Documents.toYaml(status).getBytes(StandardCharsets.UTF_8), NodeStatus.class));
    }

    @Test
    void aReportWithAnEmptyOrBadlyNamedUnknownVersionIsRefusedWithItsPointer() {
        for (String bad : List.of("{\"kubernetes\": \"\"}", "{\"Kubernetes\": \"probe failed\"}",
                "{\"kubernetes\": 3}")) {
            String json = "{\"apiVersion\": \"gitfleet.io/v1\", \"kind\": \"Report\", \"metadata\": "
                    + "{\"name\": \"worker-1\"}, \"status\": {\"versionUnknown\": " + bad + "}}";
            ReadResult<Report> read = DocumentReader.read("report", json.getBytes(StandardCharsets.UTF_8),
                    Report.class, null);
            assertTrue(!read.ok() && read.problems().get(0).pointer().startsWith("/status/versionUnknown"),
                    bad + " → " + read.problems());
        }
    }
}
