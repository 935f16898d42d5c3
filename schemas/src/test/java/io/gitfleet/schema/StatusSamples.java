package io.gitfleet.schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Status documents as a rollout writes them, with the messages agents and the reconciler really produce. */
final class StatusSamples {
    private static final Instant T = Instant.parse("2026-11-30T12:00:00Z");
    private static final List<UpgradeStatus.Transition> TRANSITIONS = List.of(
            new UpgradeStatus.Transition(NodePhase.Instructed, T), new UpgradeStatus.Transition(NodePhase.Failed, T));

    private StatusSamples() {
    }

    static List<UpgradeNodeStatus> rows() {
        return List.of(
                UpgradeNodeStatus.of(new UpgradeStatus.NodeRow("worker-0000", Role.WORKER, NodePhase.Instructed,
                        Action.INSTALL, "v1.34.1", "v1.35.1", 0, 1, true, 1, null, "b", null, null, T,
                        List.of(new UpgradeStatus.Transition(NodePhase.Instructed, T)), true, "a".repeat(64), T)),
                UpgradeNodeStatus.of(new UpgradeStatus.NodeRow("worker-0001", Role.WORKER, NodePhase.Failed,
                        Action.INSTALL, "v1.34.1", "v1.35.1", 1, 1, false, 2, null, "b",
                        "image digest mismatch: expected sha256:9f86d0… got 'e3b0c4…'", "DigestMismatch", T,
                        TRANSITIONS)),
                UpgradeNodeStatus.of(new UpgradeStatus.NodeRow("cp-1", Role.CONTROLLER, NodePhase.Writing,
                        Action.INSTALL, "1.10", "1.11", 7, 3, null, 1, "retry-2026-11-30", "a",
                        "writing 40%: 1.2 GiB of 3 GiB # slot a", null, T, List.of())),
                UpgradeNodeStatus.of(new UpgradeStatus.NodeRow("worker-0003", Role.WORKER, NodePhase.RolledBack,
                        Action.ROLLBACK, "v1.35.1", "v1.34.1", 12, 4, null, 3, null, null,
                        "health check \"kubelet\" failed: exit 1 - rolled back to slot a; see journal",
                        "HealthCheckFailed", T, TRANSITIONS)),
                UpgradeNodeStatus.of(new UpgradeStatus.NodeRow("worker-0004", Role.WORKER, NodePhase.Pending,
                        Action.INSTALL, "v1.34.1", "v1.35.1", 13, 5, null, 0, null, null,
                        "waiting: maxUnavailable 1 reached (worker-0001, cp-1)", null, T, List.of())));
    }

    static UpgradeStatus upgrade() {
        return UpgradeStatus.of("os-1-35", new UpgradeStatus.State(UpgradePhase.RollingOut, "CanaryPassed",
                "batch 3 of 40: 2 in flight, 1 failed (budget 2)", "os", "stable", "v1.35.1", "c".repeat(40), T,
                new UpgradeStatus.Counts(10_000, 9_000, 0, 1, 2, 996, 1, 0), List.of(), T));
    }

    static List<NodeStatus> nodes() {
        return List.of(
                NodeStatus.of("worker-0001", new NodeStatus.State(Map.of("os", "v1.35.1", "kubernetes", "1.10"),
                        new Report.Slots("b", "b", null, new Report.Slot("v1.35.1", Report.SlotState.GOOD),
                                new Report.Slot("v1.34.1", Report.SlotState.BAD)),
                        new Report.Health(false, "kubelet: not ready: PLEG is not healthy"),
                        new Report.Task("os-1-35", 2, Action.INSTALL, "v1.35.1", NodePhase.Verifying, 1_288_490_188L,
                                3_221_225_472L, "verifying: sha256 of 3 GiB", null),
                        Map.of("os", List.of("v1.35.0", "v1.34.9")), T,
                        Map.of("firmware", "'fwupdmgr get-devices' exited with 1: no devices"))),
                NodeStatus.of("cp-1", new NodeStatus.State(Map.of("os", "v1.34.1"), null,
                        new Report.Health(true, null), null, null, T)));
    }

    static FleetStatus fleet() {
        return FleetStatus.of(new FleetStatus.State("main", "d".repeat(40), "e".repeat(40), List.of(
                new FleetStatus.Condition(FleetStatus.ConditionType.Ready, "Applied", "pass 412: 3 upgrades, 0 problems",
                        T),
                new FleetStatus.Condition(FleetStatus.ConditionType.Waiting, "CatalogUnreachable",
                        "catalogs/os.yaml: GET https://images.example.com/os/index.json: 503 (retry in 30s)", T)),
                List.of(new Problem("upgrades/fw.yaml", "/spec/version", "is 1.10, a number: write '1.10'")),
                new FleetStatus.Lease("gitfleet-0", "http://10.0.0.5:8080", T, T, "30s")));
    }
}
