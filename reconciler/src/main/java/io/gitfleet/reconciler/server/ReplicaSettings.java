package io.gitfleet.reconciler.server;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * How this replica takes part in the lease on the status branch.
 *
 * <p>Where a standby forwards agents comes from here, never from the status branch: anyone who can push to that
 * branch can write a lease naming any URL, so the lease only says <em>who</em> holds it, and {@code peers} (the
 * operator's configuration) says where that replica is. A forwarded request carries {@code peerSecret}, never the
 * agent's own token: the standby checks the agent's token itself, and the token goes nowhere else.
 *
 * @param id         this replica's name in the lease; null: hostname + ":" + the port it listens on
 * @param url        the URL this replica writes into its lease, for people reading the status branch; null:
 *                   http://HOST:PORT as it listens. Never used to forward.
 * @param lease      how long a lease lasts without renewal; it is renewed every third of it
 * @param peers      the other replicas by name, each with the URL agents are forwarded to while it holds the lease
 * @param peerSecret what replicas present to each other on a forwarded round trip; null: no forwarding either way
 */
public record ReplicaSettings(String id, String url, Duration lease, Map<String, String> peers, String peerSecret) {
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(15);
    public static final ReplicaSettings DEFAULTS = new ReplicaSettings(null, null, DEFAULT_LEASE);

    public ReplicaSettings {
        lease = lease == null ? DEFAULT_LEASE : lease;
        if (lease.compareTo(Duration.ofMillis(300)) < 0) {
            throw new IllegalArgumentException("a lease must last at least 300ms");
        }
        peers = peers == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(peers));
        if (!peers.isEmpty() && (peerSecret == null || peerSecret.isBlank())) {
            throw new IllegalArgumentException("peers need a shared secret (--peer-secret-file) to forward agents "
                    + "without handing on their tokens");
        }
        if (peerSecret != null && peerSecret.strip().length() < 16) {
            throw new IllegalArgumentException("the peer secret must be at least 16 characters");
        }
        peerSecret = peerSecret == null ? null : peerSecret.strip();
    }

    /** A replica with no peers: it never forwards, and refuses forwarded requests. */
    public ReplicaSettings(String id, String url, Duration lease) {
        this(id, url, lease, Map.of(), null);
    }

    /** How often the lease is renewed (and a standby looks at it): a third of it. */
    public Duration renewEvery() {
        return lease.dividedBy(3);
    }
}
