package io.gitfleet.reconciler.server;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * What one client may hold of the server before it has proved anything: how many connections may be open at once,
 * how long a new connection may take to send its first request's headers, how long a body may take to arrive, and
 * how long a connection may stay silent. The idle timeout must exceed the longest long poll ({@link
 * AgentApi#MAX_WAIT}), which sends nothing while it waits.
 *
 * @param maxConnections connections open at once; more are closed as they arrive
 * @param headerTimeout  a new connection that has not sent a whole request head by then is closed
 * @param bodyTimeout    a request whose body has not fully arrived by then is answered 408 and closed
 * @param idleTimeout    a connection that sends and receives nothing this long is closed
 */
public record HttpLimits(int maxConnections, Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout) {
    /** File descriptors kept for everything else the process opens (Git packs, the mirror, catalogs, logs). */
    static final int RESERVED_FDS = 256;

    public static final HttpLimits DEFAULTS = new HttpLimits(defaultMaxConnections(), Duration.ofSeconds(10),
            Duration.ofSeconds(30), AgentApi.MAX_WAIT.plusSeconds(30));

    public HttpLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive");
        }
        if (idleTimeout.compareTo(AgentApi.MAX_WAIT) <= 0) {
            throw new IllegalArgumentException("the idle timeout must be longer than the longest long poll ("
                    + AgentApi.MAX_WAIT.toSeconds() + "s)");
        }
    }

    public HttpLimits withMaxConnections(int max) {
        return new HttpLimits(max, headerTimeout, bodyTimeout, idleTimeout);
    }

    public HttpLimits withHeaderTimeout(Duration d) {
        return new HttpLimits(maxConnections, d, bodyTimeout, idleTimeout);
    }

    public HttpLimits withBodyTimeout(Duration d) {
        return new HttpLimits(maxConnections, headerTimeout, d, idleTimeout);
    }

    /**
     * {@code -Dgitfleet.maxConnections=N}, else the process's file-descriptor limit less {@link #RESERVED_FDS}, so
     * that clients can never take the descriptors the reconciler needs for Git (at least 64).
     */
    static int defaultMaxConnections() {
        Integer set = Integer.getInteger("gitfleet.maxConnections");
        if (set != null) {
            return set;
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u) {
            long fds = u.getMaxFileDescriptorCount();
            return (int) Math.max(64, Math.min(100_000, fds - RESERVED_FDS));
        }
        return 10_000;
    }
}
