package io.gitfleet.schema;

import java.util.Map;

/** {@code nodes/NAME.yaml}: one machine of the inventory. A node not listed is refused by the agent API. */
public record Node(String apiVersion, String kind, Metadata metadata, Spec spec) implements Document {
    public static final String KIND = "Node";

    public record Spec(Role role, String datacenter, Map<String, String> labels, String tokenSha256) {
        public Spec {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    public Role role() {
        return spec.role();
    }
}
