package io.gitfleet.schema;

/** Every gitfleet document: {@code apiVersion}, {@code kind}, {@code metadata.name}, and one body. */
public interface Document {
    String API_VERSION = "gitfleet.io/v1";

    String apiVersion();

    String kind();

    Metadata metadata();

    default String name() {
        return metadata() == null ? null : metadata().name();
    }
}
