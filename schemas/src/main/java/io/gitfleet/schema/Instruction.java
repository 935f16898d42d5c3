package io.gitfleet.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Map;

/** What the reconciler tells one agent: at most one at a time, always naming the approved commit it came from. */
public record Instruction(String apiVersion, String kind, Metadata metadata, Spec spec) implements Document {
    public static final String KIND = "Instruction";

    public static Instruction of(String node, Spec spec) {
        return new Instruction(API_VERSION, KIND, Metadata.named(node), spec);
    }

    /**
     * {@code versionScheme}: how the catalog orders this component's versions, so that the agent's "already at
     * this version" agrees with the reconciler's; absent means semver.
     */
    public record Spec(String upgrade, int attempt, String nonce, Action action, String component, String version,
                       String approvedCommit, ImageRef image, Upgrade.InstallOptions install, Boolean force,
                       String versionScheme) {
        @JsonCreator
        public Spec {
        }

        /** A semver instruction. */
        public Spec(String upgrade, int attempt, String nonce, Action action, String component, String version,
                    String approvedCommit, ImageRef image, Upgrade.InstallOptions install, Boolean force) {
            this(upgrade, attempt, nonce, action, component, version, approvedCommit, image, install, force, null);
        }
    }

    /** The image to write: {@code sha256} of the file as served, {@code size} once expanded. */
    public record ImageRef(String url, String sha256, long size, Map<String, Object> payload) {
    }
}
