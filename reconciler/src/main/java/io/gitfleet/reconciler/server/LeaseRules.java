package io.gitfleet.reconciler.server;

import io.gitfleet.schema.Durations;
import io.gitfleet.schema.FleetStatus.Lease;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Who acts, decided from the lease on the status branch and this replica's clock: take it when absent or expired,
 * renew it when ours, stand by while another replica's lease is fresh. Pure: the store's compare-and-swap makes
 * the decision stick, or makes it be taken again on the branch as it has become.
 */
public final class LeaseRules {
    private LeaseRules() {
    }

    public enum Kind {
        /** No lease on the branch: take it. */
        ACQUIRE,
        /** Another replica's lease expired: take it over. */
        TAKE_OVER,
        /** Our lease: extend it. */
        RENEW,
        /** Another replica's lease is fresh: serve reads and forward agents to it. */
        STANDBY;

        public boolean holds() {
            return this != STANDBY;
        }
    }

    /** @param lease the lease to write (ours), or, for STANDBY, the one on the branch */
    public record Decision(Kind kind, Lease lease) {
        public boolean holds() {
            return kind.holds();
        }
    }

    public static Decision decide(Lease current, String me, String url, Instant now, Duration duration) {
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        String length = Durations.format(duration);
        if (current == null) {
            return new Decision(Kind.ACQUIRE, new Lease(me, url, at, at, length));
        }
        if (me.equals(current.holder())) {
            Instant acquired = current.acquiredAt() != null && !expired(current, now) ? current.acquiredAt() : at;
            return new Decision(Kind.RENEW, new Lease(me, url, acquired, at, length));
        }
        if (expired(current, now)) {
            return new Decision(Kind.TAKE_OVER, new Lease(me, url, at, at, length));
        }
        return new Decision(Kind.STANDBY, current);
    }

    /** When the lease runs out: {@code renewedAt + duration}. A lease that does not say when it was renewed is over. */
    public static Instant expiresAt(Lease lease) {
        if (lease.renewedAt() == null) {
            return Instant.MIN;
        }
        Duration d;
        try {
            d = Durations.parse(lease.duration());
        } catch (IllegalArgumentException e) {
            return Instant.MIN;
        }
        return lease.renewedAt().plus(d);
    }

    public static boolean expired(Lease lease, Instant now) {
        return !now.isBefore(expiresAt(lease));
    }
}
