package io.gitfleet.reconciler.catalog;

/** What a catalog server answered, when it answered usefully. */
public sealed interface FetchResult {
    /** A new body (not yet read as a catalog), with the ETag to send next time, or null. */
    record Fetched(byte[] body, String etag) implements FetchResult {
    }

    /** 304: the copy whose ETag was sent is still current. */
    record NotModified() implements FetchResult {
    }
}
