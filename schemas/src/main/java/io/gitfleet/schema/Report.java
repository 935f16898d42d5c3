package io.gitfleet.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What an agent sends on every round trip: its components, slots, health and current task. */
public record Report(String apiVersion, String kind, Metadata metadata, Status status) implements Document {
    public static final String KIND = "Report";

    /**
     * The failure reason of a task the agent stopped because its instruction was withdrawn, before any boot switch:
     * the node is as it was, so the reconciler does not count it as a failure.
     */
    public static final String CANCELLED = "cancelled by the reconciler";

    public static Report of(String node, Status status) {
        return new Report(API_VERSION, KIND, Metadata.named(node), status);
    }

    /**
     * {@code components}: the version of each component the node runs; {@code digests}: for the components whose
     * image the agent installed, the sha256 of that image (as in the catalog), so that a re-spun image under the
     * same version is told apart; {@code maxWindow}: the largest zstd window in bytes the agent accepts (its
     * memory cap for an image); {@code versionUnknown}: for each component whose version the agent could not read
     * from the machine (a probe that failed or printed nothing), why. Such a component is absent from
     * {@code components}: its version is unknown, which means proceed, never skip. {@code capabilities}: what the
     * node's agent can do beyond a plain install, so that the reconciler blocks a node instead of instructing it to
     * do what it cannot; {@code cordon}: present while gitfleet's own drain hook holds the node cordoned (an
     * operator's cordon is never reported, nor undone).
     */
    public record Status(String agentVersion, Map<String, String> components, Slots slots, Health health, Task task,
                         Map<String, List<String>> failedVersions, Map<String, String> digests, Long maxWindow,
                         Map<String, String> versionUnknown, Capabilities capabilities, Cordon cordon) {
        @JsonCreator
        public Status {
            components = components == null ? Map.of() : Map.copyOf(components);
            failedVersions = failedVersions == null ? Map.of() : Map.copyOf(failedVersions);
            digests = digests == null ? Map.of() : Map.copyOf(digests);
            versionUnknown = versionUnknown == null ? Map.of() : Map.copyOf(versionUnknown);
        }

        /** A status whose versions were all read (or none probed). */
        public Status(String agentVersion, Map<String, String> components, Slots slots, Health health, Task task,
                      Map<String, List<String>> failedVersions, Map<String, String> digests, Long maxWindow,
                      Capabilities capabilities, Cordon cordon) {
            this(agentVersion, components, slots, health, task, failedVersions, digests, maxWindow, null,
                    capabilities, cordon);
        }

        /** A status that reports no capabilities and holds no cordon. */
        public Status(String agentVersion, Map<String, String> components, Slots slots, Health health, Task task,
                      Map<String, List<String>> failedVersions, Map<String, String> digests, Long maxWindow,
                      Map<String, String> versionUnknown) {
            this(agentVersion, components, slots, health, task, failedVersions, digests, maxWindow, versionUnknown,
                    null, null);
        }

        /** A status whose versions were all read, with no capabilities and no cordon. */
        public Status(String agentVersion, Map<String, String> components, Slots slots, Health health, Task task,
                      Map<String, List<String>> failedVersions, Map<String, String> digests, Long maxWindow) {
            this(agentVersion, components, slots, health, task, failedVersions, digests, maxWindow, null, null, null);
        }

        /** Whether the agent said it has a recovery slot ({@code install.upgradeRecovery} can be honoured). */
        public boolean hasRecoverySlot() {
            return capabilities != null && Boolean.TRUE.equals(capabilities.recoverySlot());
        }

        /** A status without digests or a window cap (the node cannot tell what image it runs). */
        public Status(String agentVersion, Map<String, String> components, Slots slots, Health health, Task task,
                      Map<String, List<String>> failedVersions) {
            this(agentVersion, components, slots, health, task, failedVersions, null, null, null, null, null);
        }

        /** Whether the bootloader fell back from this version of this component on this node before. */
        public boolean fellBackFrom(String component, String version) {
            List<String> versions = failedVersions.get(component);
            return versions != null && versions.contains(version);
        }
    }

    public enum SlotState {
        @JsonProperty("good") GOOD,
        @JsonProperty("bad") BAD,
        @JsonProperty("unknown") UNKNOWN
    }

    public record Slot(String version, SlotState state) {
        /**
         * The same as the record's own, written out: every report is compared with the node's last one, and the
         * generated method showed up in the report path's profile, unlike a plain comparison.
         */
        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof Slot s && state == s.state && Objects.equals(version, s.version);
        }

        @Override
        public int hashCode() {
            return Objects.hash(version, state);
        }
    }

    /**
     * {@code booted}: running now; {@code active}: the default boot; {@code next}: tried once on the next boot;
     * {@code recovery}: the recovery slot, when the node has one (never booted by gitfleet).
     */
    public record Slots(String booted, String active, String next, Slot a, Slot b, Slot recovery) {
        @JsonCreator
        public Slots {
        }

        public Slots(String booted, String active, String next, Slot a, Slot b) {
            this(booted, active, next, a, b, null);
        }
    }

    /**
     * {@code recoverySlot}: the agent config names a recovery slot, so {@code upgradeRecovery: true} can be done;
     * {@code rollback}: the installer can undo an install ({@code spec.rollback: true}).
     */
    public record Capabilities(Boolean recoverySlot, Boolean rollback) {
    }

    /** Gitfleet's drain hook cordoned the node for this upgrade and attempt, at {@code since} (RFC 3339). */
    public record Cordon(String upgrade, int attempt, String since) {
    }

    public record Health(boolean healthy, String message) {
    }

    /** The agent's current (or last) task, echoing the instruction's upgrade and attempt. */
    public record Task(String upgrade, int attempt, Action action, String version, NodePhase phase, Long bytesDone,
                       Long bytesTotal, String message, String failureReason) {
    }
}
