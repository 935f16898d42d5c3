package io.gitfleet.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What an instruction asks of an agent. */
public enum Action {
    /** Write the target image (or run the installer command) and boot it once. */
    @JsonProperty("install") INSTALL,
    /** Switch back to the previous good slot, without any download. */
    @JsonProperty("rollback") ROLLBACK
}
