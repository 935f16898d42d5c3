package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.pass.InstructionSink;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.FleetStatus.Lease;
import io.gitfleet.schema.Instruction;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether this replica acts, by its own clock: from the moment its lease is on the status branch until the lease
 * runs out without a renewal. It stands between the passes and the instruction board: instructions reach agents
 * only while it acts, and losing the lease (another holder, or no renewal in time) withdraws them all at once.
 */
final class Replica implements InstructionSink {
    private static final Logger LOG = Logger.getLogger(Replica.class.getName());

    private final LeaseKeeper keeper;
    private final InstructionBoard board;
    private final StatusWriter writer;
    private final Vertx vertx;
    private final Clock clock;
    private final Runnable onAcquired;
    private Runnable onActing = () -> { };
    /** When our lease runs out; null while standing by. */
    private volatile Instant actsUntil;
    /** The lease as last read from the branch (ours or another replica's). */
    private volatile Lease seen;
    private long expiryTimer = -1;

    Replica(LeaseKeeper keeper, InstructionBoard board, StatusWriter writer, Vertx vertx, Clock clock,
            Runnable onAcquired) {
        this.keeper = keeper;
        this.board = board;
        this.writer = writer;
        this.vertx = vertx;
        this.clock = clock;
        this.onAcquired = onAcquired;
    }

    boolean acting() {
        Instant until = actsUntil;
        return until != null && clock.instant().isBefore(until);
    }

    String id() {
        return keeper.replica();
    }

    /**
     * The name of the replica holding a lease that has not run out, when it is not this one; else null. Only the
     * name: where that replica is comes from this replica's configuration, never from the branch.
     */
    /** The lease as last seen on its ref (ours or another replica's), or null. */
    Lease seen() {
        return seen;
    }

    String holder() {
        Lease l = seen;
        if (l == null || keeper.replica().equals(l.holder()) || LeaseRules.expired(l, clock.instant())) {
            return null;
        }
        return l.holder();
    }

    /**
     * One turn of the lease, on the lease's own thread (a long pass never delays it): acquire or renew, or learn
     * who holds it. A Git error changes nothing here: if it lasts, the lease runs out by the clock.
     */
    void tick() {
        LeaseRules.Decision d;
        try {
            d = keeper.call();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "lease: cannot reach the status branch; " + (acting() ? "acting until "
                    + actsUntil : "standing by"), e);
            return;
        }
        seen = d.lease();
        if (d.holds()) {
            boolean was = acting();
            Instant until = LeaseRules.expiresAt(d.lease());
            if (!was && !until.isAfter(clock.instant())) {
                // the write took longer than the lease itself: acting now would end at once; the next tick renews
                LOG.warning(() -> "lease: " + keeper.replica() + " got it, but only after it had run out at " + until
                        + "; a lease this short is too short for this Git server");
                return;
            }
            if (!was) {
                // before acting: what is forgotten here must not include a report taken once acting
                onAcquired.run();
            }
            synchronized (this) {
                actsUntil = until;
                scheduleExpiry(until);
            }
            if (!was) {
                // after acting() turned true: the pass this asks for must find the replica acting
                onActing.run();
                LOG.info(() -> "lease: " + keeper.replica() + switch (d.kind()) {
                    case ACQUIRE -> " acquired it";
                    case TAKE_OVER -> " took it over";
                    default -> " holds it again";
                } + "; acting until " + until);
            }
        } else if (actsUntil != null) {
            lose("lease: " + d.lease().holder() + " holds the lease now");
        }
    }

    /** Runs each time this replica starts acting, once {@link #acting()} says so (e.g. ask for a pass). */
    Replica onActing(Runnable task) {
        this.onActing = task;
        return this;
    }

    /** Stops acting at once: every instruction is withdrawn (waiting agents get 204), pending status dropped. */
    synchronized void lose(String why) {
        if (actsUntil == null) {
            return;
        }
        actsUntil = null;
        if (expiryTimer >= 0) {
            vertx.cancelTimer(expiryTimer);
            expiryTimer = -1;
        }
        board.deliver(new TreeMap<>());
        writer.discard();
        LOG.warning(() -> why + "; " + keeper.replica() + " stops acting and stands by");
    }

    @Override
    public synchronized void deliver(SortedMap<String, Instruction> instructions) {
        board.deliver(acting() ? instructions : new TreeMap<>());
    }

    /** A timer independent of the pass thread: a pass stuck in Git must not keep us acting past the lease. */
    private void scheduleExpiry(Instant until) {
        if (expiryTimer >= 0) {
            vertx.cancelTimer(expiryTimer);
        }
        long ms = Math.max(1, Duration.between(clock.instant(), until).toMillis() + 1);
        expiryTimer = vertx.setTimer(ms, id -> {
            if (!acting()) {
                lose("lease: not renewed before it ran out at " + until);
            }
        });
    }
}
