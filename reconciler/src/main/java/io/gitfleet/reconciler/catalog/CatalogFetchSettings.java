package io.gitfleet.reconciler.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The rules every {@code url} catalog fetch follows, redirects included.
 *
 * @param allowedHosts host names a catalog may come from (compared case-insensitively)
 * @param maxBytes     the largest body accepted, counted while it streams in
 * @param timeout      connecting, and then the whole answer, must each fit in this
 * @param anyHost      whether any host is allowed (then {@code allowedHosts} is empty)
 */
public record CatalogFetchSettings(List<String> allowedHosts, long maxBytes, Duration timeout, boolean anyHost) {
    /** Settings for code and tests: an empty host list allows any host. */
    public CatalogFetchSettings(List<String> allowedHosts, long maxBytes, Duration timeout) {
        this(allowedHosts, maxBytes, timeout, allowedHosts == null || allowedHosts.isEmpty());
    }

    public static final long DEFAULT_MAX_BYTES = 4L << 20;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final CatalogFetchSettings DEFAULTS = new CatalogFetchSettings(List.of(), DEFAULT_MAX_BYTES,
            DEFAULT_TIMEOUT);

    public CatalogFetchSettings {
        allowedHosts = allowedHosts == null ? List.of() : allowedHosts.stream()
                .map(h -> h.strip().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).distinct().toList();
        maxBytes = maxBytes <= 0 ? DEFAULT_MAX_BYTES : maxBytes;
        timeout = timeout == null || timeout.isZero() || timeout.isNegative() ? DEFAULT_TIMEOUT : timeout;
    }

    boolean allows(String host) {
        return anyHost || allowedHosts.contains(host.toLowerCase(Locale.ROOT));
    }

    /** {@code 4 MiB}, {@code 64 KiB} or {@code 1000 bytes}: the cap as the refusal sentence says it. */
    static String size(long bytes) {
        if (bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes % 1024 == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms / 1000.0 + " s";
    }
}
