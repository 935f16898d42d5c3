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
                        List<NodeRow> nodes, Instant startedAt) {
        public State {
            nodes = nodes == null ? List.of() : List.copyOf(nodes);
        }

        public State(UpgradePhase phase, String reason, String message, String component, String desiredVersion,
                     String resolvedVersion, String approvedCommit, Instant phaseSince, Counts counts,
                     List<NodeRow> nodes) {
            this(phase, reason, message, component, desiredVersion, resolvedVersion, approvedCommit, phaseSince,
                    counts, nodes, null);
        }
    }

    public record Counts(int total, int pending, int skipped, int blocked, int inProgress, int completed, int failed,
                         int rolledBack) {
    }

    /**
     * One node within one upgrade. {@code attempt} grows with every start (retry, new target, rollback);
     * the agent echoes it so that a report can only move the row it belongs to. {@code staging}: instructed to
     * stage only (no boot switch yet); {@code image}: the sha256 it was instructed to stage or install;
     * {@code activatedAt}: when its disruption began (the boot switch was allowed).
     */
    public record NodeRow(String node, Role role, NodePhase phase, Action action, String from, String to,
                          Integer order, Integer batch, Boolean canary, Integer attempt, String nonce, String slot,
                          String message, String failureReason, Instant since, List<Transition> transitions,
                          Boolean staging, String image, Instant activatedAt) {
        public NodeRow {
            transitions = transitions == null ? List.of() : List.copyOf(transitions);
            attempt = attempt == null ? 0 : attempt;
            canary = Boolean.TRUE.equals(canary) ? Boolean.TRUE : null;
            staging = Boolean.TRUE.equals(staging) ? Boolean.TRUE : null;
        }

        public NodeRow(String node, Role role, NodePhase phase, Action action, String from, String to,
                       Integer order, Integer batch, Boolean canary, Integer attempt, String nonce, String slot,
                       String message, String failureReason, Instant since, List<Transition> transitions) {
            this(node, role, phase, action, from, to, order, batch, canary, attempt, nonce, slot, message,
                    failureReason, since, transitions, null, null, null);
        }

        public boolean isStaging() {
            return Boolean.TRUE.equals(staging);
        }

        public boolean isCanary() {
            return Boolean.TRUE.equals(canary);
        }
    }

    public record Transition(NodePhase phase, Instant at) {
    }
}
