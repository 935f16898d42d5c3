package io.gitfleet.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A node's role; controllers keep quorum, so at most one is disrupted at a time. */
public enum Role {
    @JsonProperty("controller") CONTROLLER,
    @JsonProperty("worker") WORKER;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
