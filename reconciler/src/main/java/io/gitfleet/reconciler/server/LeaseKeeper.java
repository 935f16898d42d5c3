package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.store.CommitMessage;
import io.gitfleet.reconciler.store.NotLeaseHolderException;
import io.gitfleet.reconciler.store.StatusGuard;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusUpdate;
import io.gitfleet.reconciler.store.StatusView;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.FleetStatus.Lease;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Keeps this replica's lease on the status branch's {@code fleet.yaml}: each {@link #call()} acquires, takes over
 * or renews it by one status update (compare-and-swap on the remote, committed at once, never batched), or finds
 * another holder. A lost race re-reads the branch and decides again. Also the guard of every other status write:
 * it passes only while the branch says we hold a lease that has not run out.
 */
public final class LeaseKeeper implements StatusGuard {
    private static final String PREFIX = CommitMessage.LEASE_PREFIX;
    private static final String RENEWED = CommitMessage.LEASE_RENEWED;

    private final StatusStore store;
    private final Clock clock;
    private String replica;
    private String url;
    private Duration duration = Duration.ofSeconds(15);

    public LeaseKeeper(StatusStore store, Clock clock) {
        this.store = store;
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

    /** Acquires, takes over or renews the lease, or stands by; returns the decision that is now on the branch. */
    public LeaseRules.Decision call() throws IOException {
        LeaseRules.Decision[] last = new LeaseRules.Decision[1];
        store.update(view -> {
            Optional<FleetStatus> fleet = view.fleet();
            LeaseRules.Decision d = LeaseRules.decide(fleet.map(f -> f.status().lease()).orElse(null), replica, url,
                    clock.instant(), duration);
            last[0] = d;
            if (!d.holds()) {
                return new StatusUpdate();
            }
            return new StatusUpdate().put(withLease(fleet.orElse(null), d.lease())).events(List.of(switch (d.kind()) {
                case ACQUIRE -> PREFIX + replica + " acquired";
                case TAKE_OVER -> PREFIX + replica + " took over from " + fleet.get().status().lease().holder()
                        + " (expired at " + LeaseRules.expiresAt(fleet.get().status().lease()) + ")";
                default -> PREFIX + replica + RENEWED;
            }));
        });
        return last[0];
    }

    /** Gives the lease up when we hold it, so that another replica takes over at once (a clean shutdown). */
    public void release() throws IOException {
        store.update(view -> {
            Optional<FleetStatus> fleet = view.fleet();
            Lease lease = fleet.map(f -> f.status().lease()).orElse(null);
            return lease != null && replica.equals(lease.holder())
                    ? new StatusUpdate().put(withLease(fleet.get(), null)).events(List.of(PREFIX + replica + " released"))
                    : new StatusUpdate();
        });
    }

    @Override
    public void check(StatusView branch) throws IOException {
        Lease lease = branch.fleet().map(f -> f.status().lease()).orElse(null);
        Instant now = clock.instant();
        if (lease == null || !replica.equals(lease.holder())) {
            throw new NotLeaseHolderException(replica + " does not hold the lease on " + store.branch()
                    + (lease == null ? "" : "; " + lease.holder() + " does"));
        }
        if (LeaseRules.expired(lease, now)) {
            throw new NotLeaseHolderException("the lease of " + replica + " ran out at "
                    + LeaseRules.expiresAt(lease));
        }
    }

    /** The fleet status with {@code lease} in it; everything else as it was (a fresh one when none exists yet). */
    static FleetStatus withLease(FleetStatus fleet, Lease lease) {
        FleetStatus.State s = fleet == null ? null : fleet.status();
        return FleetStatus.of(s == null ? new FleetStatus.State(null, null, null, null, null, lease)
                : new FleetStatus.State(s.approvedBranch(), s.lastAppliedCommit(), s.observedCommit(), s.conditions(),
                s.problems(), lease));
    }
}
