package io.gitfleet.reconciler.store;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Batches status changes: mutations accumulate and are committed together at most once per interval (default
 * 5 s). Until then {@link #view()} shows them laid over the branch, so the next pass plans from them. A flush
 * replays the pending mutations, in order, on the branch as it is then: after another writer moved it, each is
 * recomputed rather than replayed stale.
 */
public final class StatusWriter {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    private final StatusStore store;
    private final Duration interval;
    private final Clock clock;
    private final List<StatusMutation> pending = new ArrayList<>();
    private final Map<String, byte[]> overlay = new TreeMap<>();
    private Instant lastFlush = Instant.MIN;
    private StatusGuard guard = StatusGuard.NONE;

    public StatusWriter(StatusStore store, Duration interval, Clock clock) {
        this.store = store;
        this.interval = interval;
        this.clock = clock;
    }

    /**
     * Every flush checks {@code guard} on the branch it commits on. A refusal ({@link NotLeaseHolderException})
     * drops the pending changes: they were computed by a replica that may no longer act.
     */
    public synchronized StatusWriter setGuard(StatusGuard guard) {
        this.guard = guard;
        return this;
    }

    public StatusStore store() {
        return store;
    }

    /** The branch with every pending change on top. */
    public synchronized StatusView view() throws IOException {
        return store.read().with(overlay);
    }

    /** Queues a mutation; applies it once to the current view so that the next {@link #view()} includes it. */
    public synchronized StatusUpdate submit(StatusMutation mutation) throws IOException {
        StatusView view = view();
        StatusUpdate update = mutation.apply(view);
        lay(overlay, StatusChanges.all(view, update));
        pending.add(mutation);
        return update;
    }

    /**
     * Queues a mutation and commits the queue at once: {@link #submit} then {@link #flush}, without first laying the
     * mutation over the pending view, which nothing would read before the commit (for a merge that starts 10,000
     * nodes, that was every row diffed and indexed once more). When the commit fails, the queue ends as
     * {@code submit} would have left it: the mutation queued and laid over the view (the next pass plans from it),
     * or, when it cannot be applied at all, not queued.
     */
    public synchronized WriteResult submitAndFlush(StatusMutation mutation) throws IOException {
        pending.add(mutation);
        try {
            return flush();
        } catch (NotLeaseHolderException e) {
            throw e;    // flush dropped the queue: a replica that lost the lease has nothing to lay over
        } catch (IOException | RuntimeException e) {
            try {
                StatusView view = view();
                lay(overlay, StatusChanges.all(view, mutation.apply(view)));
            } catch (IOException | RuntimeException again) {
                pending.remove(pending.size() - 1);
                if (again != e) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    public synchronized boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Commits the pending changes when the interval since the last commit has passed; otherwise nothing. */
    public synchronized WriteResult flushIfDue() throws IOException {
        Instant now = clock.instant();
        if (pending.isEmpty() || (lastFlush != Instant.MIN && now.isBefore(lastFlush.plus(interval)))) {
            return null;
        }
        return flush();
    }

    /** Commits the pending changes now, as one commit. */
    public synchronized WriteResult flush() throws IOException {
        if (pending.isEmpty()) {
            return new WriteResult(RefResult.NO_CHANGE, store.read().commit(), 0, java.util.Set.of());
        }
        List<StatusMutation> batch = List.copyOf(pending);
        StatusGuard check = guard;
        WriteResult result;
        try {
            result = store.update(view -> {
                check.check(view);
                return compose(batch, view);
            });
        } catch (NotLeaseHolderException e) {
            discard();
            throw e;
        }
        pending.clear();
        overlay.clear();
        lastFlush = clock.instant();
        return result;
    }

    /** Forgets the pending changes without committing them (a replica that lost the lease). */
    public synchronized void discard() {
        pending.clear();
        overlay.clear();
    }

    /** Lays {@code changes} over {@code pending}; a deleted folder (an upgrade's rows) takes its pending files. */
    static void lay(Map<String, byte[]> pending, Map<String, byte[]> changes) {
        changes.forEach((path, bytes) -> {
            if (bytes == null) {
                pending.keySet().removeIf(p -> p.startsWith(path + "/"));
            }
        });
        pending.putAll(changes);
    }

    /** Every mutation in order, each seeing the ones before it; events concatenated, the last trailer wins. */
    static StatusUpdate compose(List<StatusMutation> batch, StatusView base) throws IOException {
        if (batch.size() == 1) {
            return batch.get(0).apply(base);
        }
        StatusUpdate all = new StatusUpdate();
        Map<String, byte[]> seen = new TreeMap<>();
        for (StatusMutation m : batch) {
            StatusView now = base.with(seen);
            StatusUpdate u = m.apply(now);
            u.writes().forEach((path, doc) -> {
                if (doc == null) {
                    all.delete(path);
                } else {
                    all.put(doc);
                }
            });
            lay(seen, StatusChanges.all(now, u));
            all.events(u.events());
            if (u.approvedCommit() != null) {
                all.approvedCommit(u.approvedCommit());
            }
        }
        return all;
    }
}
