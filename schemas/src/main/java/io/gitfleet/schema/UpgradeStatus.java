package io.gitfleet.schema;

import java.time.Instant;
import java.util.List;

/** {@code upgrades/NAME.yaml} on the status branch: the phase of an upgrade and one row per node. */
public record UpgradeStatus(String apiVersion, String kind, Metadata metadata, State status) implements Document {
    public static final String KIND = "UpgradeStatus";

    public static UpgradeStatus of(String name, State state) {
        return new UpgradeStatus(API_VERSION, KIND, Metadata.named(name), state);
    }

    public record State(UpgradePhase phase, String reason, String message, String component, String desiredVersion,
                        String resolvedVersion, String approvedCommit, Instant phaseSince, Counts counts,
                        List<NodeRow> nodes) {
        public State {
            nodes = nodes == null ? List.of() : List.copyOf(nodes);
        }
    }

    public record Counts(int total, int pending, int skipped, int blocked, int inProgress, int completed, int failed,
                         int rolledBack) {
    }

    /**
     * One node within one upgrade. {@code attempt} grows with every start (retry, new target, rollback);
     * the agent echoes it so that a report can only move the row it belongs to.
     */
    public record NodeRow(String node, Role role, NodePhase phase, Action action, String from, String to,
                          Integer order, Integer batch, Boolean canary, Integer attempt, String nonce, String slot,
                          String message, String failureReason, Instant since, List<Transition> transitions) {
        public NodeRow {
            transitions = transitions == null ? List.of() : List.copyOf(transitions);
            attempt = attempt == null ? 0 : attempt;
            canary = Boolean.TRUE.equals(canary) ? Boolean.TRUE : null;
        }

        public boolean isCanary() {
            return Boolean.TRUE.equals(canary);
        }
    }

    public record Transition(NodePhase phase, Instant at) {
    }
}
