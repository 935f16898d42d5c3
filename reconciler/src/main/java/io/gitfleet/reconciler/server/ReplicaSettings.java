package io.gitfleet.reconciler.server;

import java.time.Duration;

/**
 * How this replica takes part in the lease on the status branch.
 *
 * @param id        this replica's name in the lease; null: hostname + ":" + the port it listens on
 * @param url       where other replicas (forwarding agents) reach this one; null: http://HOST:PORT as it listens
 * @param lease     how long a lease lasts without renewal; it is renewed every third of it
 */
public record ReplicaSettings(String id, String url, Duration lease) {
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(15);
    public static final ReplicaSettings DEFAULTS = new ReplicaSettings(null, null, DEFAULT_LEASE);

    public ReplicaSettings {
        lease = lease == null ? DEFAULT_LEASE : lease;
        if (lease.compareTo(Duration.ofMillis(300)) < 0) {
            throw new IllegalArgumentException("a lease must last at least 300ms");
        }
    }

    /** How often the lease is renewed (and a standby looks at it): a third of it. */
    public Duration renewEvery() {
        return lease.dividedBy(3);
    }
}
