package io.gitfleet.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.Map;

/** {@code catalogs/NAME.yaml}: the images of one component, channels, blocked versions and policy. */
public record Catalog(String apiVersion, String kind, Metadata metadata, Spec spec) implements Document {
    public static final String KIND = "Catalog";

    /**
     * {@code versionScheme} says how the versions are ordered: {@code semver} (the default), {@code dotted},
     * {@code debian} or {@code list} (see {@code io.gitfleet.version.VersionScheme}).
     */
    public record Spec(String component, Map<String, String> channels, List<Image> images, List<String> blocked,
                       Policy policy, String versionScheme) {
        @JsonCreator
        public Spec {
            component = component == null ? "os" : component;
            versionScheme = versionScheme == null ? "semver" : versionScheme;
            channels = channels == null ? Map.of() : Map.copyOf(channels);
            images = images == null ? List.of() : List.copyOf(images);
            blocked = blocked == null ? List.of() : List.copyOf(blocked);
            policy = policy == null ? new Policy(null) : policy;
        }

        /** A semver catalog. */
        public Spec(String component, Map<String, String> channels, List<Image> images, List<String> blocked,
                    Policy policy) {
            this(component, channels, images, blocked, policy, null);
        }
    }

    /**
     * One image: {@code sha256} is of the file as served (compressed), {@code size} the expanded size the
     * slot must hold. {@code requires} constrains other components of the node; {@code payload} is free-form
     * and handed to the installer. {@code window} (optional) is the largest zstd window of its frames in bytes,
     * the memory decompressing it takes: a node whose agent allows less is not instructed.
     */
    public record Image(String version, String url, String sha256, long size, Map<String, String> requires,
                        Map<String, Object> payload, Long window) {
        public Image {
            requires = requires == null ? Map.of() : Map.copyOf(requires);
            payload = payload == null ? Map.of() : payload;
        }

        public Image(String version, String url, String sha256, long size, Map<String, String> requires,
                     Map<String, Object> payload) {
            this(version, url, sha256, size, requires, payload, null);
        }
    }

    public record Policy(Integer maxMinorStep) {
    }
}
