package io.gitfleet.schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code nodes/SHARD/NAME.yaml} on the status branch: what the node last reported, and when. */
public record NodeStatus(String apiVersion, String kind, Metadata metadata, State status) implements Document {
    public static final String KIND = "NodeStatus";

    public static NodeStatus of(String name, State state) {
        return new NodeStatus(API_VERSION, KIND, Metadata.named(name), state);
    }

    /** {@code versionUnknown}: the components whose version the node could not read, and why (as reported). */
    public record State(Map<String, String> components, Report.Slots slots, Report.Health health, Report.Task task,
                        Map<String, List<String>> failedVersions, Instant lastSeen, Map<String, String> versionUnknown) {
        @com.fasterxml.jackson.annotation.JsonCreator
        public State {
            components = components == null ? Map.of() : Map.copyOf(components);
            failedVersions = failedVersions == null ? Map.of() : Map.copyOf(failedVersions);
            versionUnknown = versionUnknown == null ? Map.of() : Map.copyOf(versionUnknown);
        }

        public State(Map<String, String> components, Report.Slots slots, Report.Health health, Report.Task task,
                     Map<String, List<String>> failedVersions, Instant lastSeen) {
            this(components, slots, health, task, failedVersions, lastSeen, null);
        }
    }
}
