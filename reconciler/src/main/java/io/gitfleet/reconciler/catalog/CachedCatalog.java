package io.gitfleet.reconciler.catalog;

import java.time.Instant;

/**
 * The last good body of a {@code url} catalog, its ETag (or null) and when the server last gave or confirmed it.
 */
public record CachedCatalog(byte[] body, String etag, Instant fetchedAt) {
}
