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
     * {@code stageOnly}: download, write and verify the inactive slot, then stop before the boot switch; the same
     * instruction (upgrade and attempt) without it, naming the same image digest, activates it.
     */
    public record Spec(String upgrade, int attempt, String nonce, Action action, String component, String version,
                       String approvedCommit, ImageRef image, Upgrade.InstallOptions install, Boolean force,
                       String versionScheme, Boolean stageOnly) {
        @JsonCreator
        public Spec {
            stageOnly = Boolean.TRUE.equals(stageOnly) ? Boolean.TRUE : null;
        }

        /** An instruction in another version scheme than semver. */
        public Spec(String upgrade, int attempt, String nonce, Action action, String component, String version,
                    String approvedCommit, ImageRef image, Upgrade.InstallOptions install, Boolean force,
                    String versionScheme) {
            this(upgrade, attempt, nonce, action, component, version, approvedCommit, image, install, force,
                    versionScheme, null);
        }

        /** A semver instruction that stages only (or not). */
        public Spec(String upgrade, int attempt, String nonce, Action action, String component, String version,
                    String approvedCommit, ImageRef image, Upgrade.InstallOptions install, Boolean force,
                    Boolean stageOnly) {
            this(upgrade, attempt, nonce, action, component, version, approvedCommit, image, install, force, null,
                    stageOnly);
        }

        /** A semver instruction. */
        public Spec(String upgrade, int attempt, String nonce, Action action, String component, String version,
                    String approvedCommit, ImageRef image, Upgrade.InstallOptions install, Boolean force) {
            this(upgrade, attempt, nonce, action, component, version, approvedCommit, image, install, force, null,
                    null);
        }

        public boolean isStageOnly() {
            return Boolean.TRUE.equals(stageOnly);
        }
    }

    /** The image to write: {@code sha256} of the file as served, {@code size} once expanded. */
    public record ImageRef(String url, String sha256, long size, Map<String, Object> payload) {
    }
}
