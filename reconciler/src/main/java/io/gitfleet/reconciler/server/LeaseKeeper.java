package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.store.CommitMessage;
import io.gitfleet.reconciler.store.LeaseRef;
import io.gitfleet.reconciler.store.NotLeaseHolderException;
import io.gitfleet.reconciler.store.RefResult;
import io.gitfleet.reconciler.store.StatusGuard;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusUpdate;
import io.gitfleet.reconciler.store.StatusView;
import io.gitfleet.schema.Backoff;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.FleetStatus.Lease;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Keeps this replica's lease on {@code refs/gitfleet/lease} ({@link LeaseRef}): each {@link #call()} acquires,
 * takes over or renews it by compare-and-swap on that ref, or finds another holder. Renewals never touch the status
 * branch; a change of leader writes one commit there ({@code lease: NAME acquired | took over from OTHER}) naming
 * the new leader in {@code fleet.yaml}, before the new leader acts.
 *
 * <p>Also the guard of every other status write: it passes only while the branch, as the write's compare-and-swap
 * sees it, names this replica as the leader, and this replica's last renewal on the lease ref has not run out by
 * its clock. A replica that lost the lease therefore writes nothing: another replica takes the ref only after this
 * one's lease ran out, and names itself on the branch before it acts ({@code docs/replicas.md}, "Fencing").
 */
public final class LeaseKeeper implements StatusGuard {
    private static final String PREFIX = CommitMessage.LEASE_PREFIX;
    private static final int ATTEMPTS = 10;

    private final StatusStore store;
    private final LeaseRef ref;
    private final Clock clock;
    private String replica;
    private String url;
    private Duration duration = Duration.ofSeconds(15);
    /** Our lease as we last wrote it on the ref; null while another replica holds it or before the first call. */
    private volatile Lease held;

    public LeaseKeeper(StatusStore store, Clock clock) {
        this.store = store;
        this.ref = new LeaseRef(store.repository(), store.remote());
        this.clock = clock;
    }

    public LeaseKeeper setReplica(String replica) {
        this.replica = replica;
        return this;
    }

    public LeaseKeeper setUrl(String url) {
        this.url = url;
        return this;
    }

    public LeaseKeeper setDuration(Duration duration) {
        this.duration = duration;
        return this;
    }

    public String replica() {
        return replica;
    }

    public Duration duration() {
        return duration;
    }

    /**
     * Acquires, takes over or renews the lease, or stands by; returns the decision that is now on the lease ref.
     * A decision that holds the lease returns only once the status branch names this replica as the leader.
     */
    public LeaseRules.Decision call() throws IOException {
        Backoff backoff = new Backoff(Duration.ofMillis(10), duration.dividedBy(10), new java.util.Random());
        // a holder swaps from the commit it wrote last: if another replica moved the ref, the push fails and the
        // ref is fetched then; anyone else fetches first
        boolean holding = held != null;
        LeaseRef.Read current = holding ? ref.read() : ref.fetch();
        for (int attempt = 1; ; attempt++) {
            LeaseRules.Decision d = LeaseRules.decide(current.lease(), replica, url, clock.instant(), duration);
            if (!d.holds()) {
                held = null;
                return d;
            }
            String message = PREFIX + replica + switch (d.kind()) {
                case ACQUIRE -> " acquired";
                case TAKE_OVER -> " took over from " + current.lease().holder();
                default -> CommitMessage.LEASE_RENEWED;
            };
            if (ref.swap(current.commit(), d.lease(), message) == RefResult.COMMITTED) {
                if (!holding) {
                    // a renewal leaves the branch alone: it has named us since we took the lease. Until this
                    // succeeds we do not hold it: the next call tries again
                    lead(d.lease());
                }
                held = d.lease();
                return d;
            }
            if (attempt >= ATTEMPTS) {
                throw new IOException("lease: lost the race for " + LeaseRef.REF + " " + attempt + " times");
            }
            sleep(backoff.next());
            current = ref.read(); // the lost swap left the local ref at the remote's
        }
    }

    /**
     * Names this replica as the leader on the status branch, once per change of leader: a commit only when the
     * branch names another replica, or none. Its compare-and-swap orders it with every status write.
     */
    private void lead(Lease lease) throws IOException {
        store.update(view -> {
            Optional<FleetStatus> fleet = view.fleet();
            Lease onBranch = fleet.map(f -> f.status().lease()).orElse(null);
            if (onBranch != null && replica.equals(onBranch.holder())) {
                return new StatusUpdate();
            }
            String event = PREFIX + replica + (onBranch == null ? " acquired" : " took over from "
                    + onBranch.holder());
            Lease record = new Lease(replica, lease.url(), lease.acquiredAt(), lease.acquiredAt(), lease.duration());
            return new StatusUpdate().put(withLease(fleet.orElse(null), record)).events(List.of(event));
        });
    }

    /** Gives the lease up when we hold it, so that another replica takes over at once (a clean shutdown). */
    public void release() throws IOException {
        held = null;
        LeaseRef.Read current = ref.fetch();
        if (current.lease() != null && replica.equals(current.lease().holder())) {
            ref.swap(current.commit(), null, PREFIX + replica + " released");
        }
    }

    /** The lease on the ref as this replica last saw it, ours or not; null when none. */
    public Lease seen() throws IOException {
        return ref.read().lease();
    }

    @Override
    public void check(StatusView branch) throws IOException {
        Lease ours = held;
        Instant now = clock.instant();
        if (ours == null) {
            throw new NotLeaseHolderException(replica + " does not hold the lease (" + LeaseRef.REF + ")");
        }
        if (LeaseRules.expired(ours, now)) {
            throw new NotLeaseHolderException("the lease of " + replica + " ran out at " + LeaseRules.expiresAt(ours));
        }
        Lease leader = branch.fleet().map(f -> f.status().lease()).orElse(null);
        if (leader == null || !replica.equals(leader.holder())) {
            throw new NotLeaseHolderException(store.branch() + " names " + (leader == null ? "no leader"
                    : leader.holder()) + " as the leader, not " + replica);
        }
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while retrying the lease");
        }
    }

    /** The fleet status with {@code lease} in it; everything else as it was (a fresh one when none exists yet). */
    static FleetStatus withLease(FleetStatus fleet, Lease lease) {
        FleetStatus.State s = fleet == null ? null : fleet.status();
        return FleetStatus.of(s == null ? new FleetStatus.State(null, null, null, null, null, lease)
                : new FleetStatus.State(s.approvedBranch(), s.approvedCommit(), s.observedCommit(), s.conditions(),
                s.problems(), lease));
    }
}
