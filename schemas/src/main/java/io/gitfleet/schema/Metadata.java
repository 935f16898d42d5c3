package io.gitfleet.schema;

import java.util.Map;

/** The document's name (equal to its file name) and free-form annotations. */
public record Metadata(String name, Map<String, String> annotations) {
    public Metadata {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public static Metadata named(String name) {
        return new Metadata(name, Map.of());
    }
}
