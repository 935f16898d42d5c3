package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.pass.FailureKind;
import io.gitfleet.reconciler.pass.PassFailure;
import io.gitfleet.reconciler.pass.PassResult;
import io.gitfleet.schema.Backoff;
import io.gitfleet.webhooks.SyncCoalescer;
import io.gitfleet.webhooks.WebhookEvent;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile loop. It owns every trigger (a webhook or the poll timer: fetch, then plan; a changed agent report:
 * plan; a pull request to plan; the retry and flush timers) and runs one turn at a time on one thread, in this
 * order:
 *
 * <ol>
 *   <li>{@code look}: a replica without the lease only fetches (when asked) and shows what the holder wrote;</li>
 *   <li>{@code reports}: the agents' changed reports join the batched status;</li>
 *   <li>{@code pass}: {@code ReconcilePass} (sync → load → catalog → observe → plan → record → instruct);</li>
 *   <li>{@code show}: the read API and metrics take the pass's result;</li>
 *   <li>{@code next}: what the pass's failures ask for: RETRY runs the pass again after a backoff, WAIT waits for
 *       the next trigger or poll, STALL waits for a person (a new commit), and says so once;</li>
 *   <li>{@code plans}: every pull request asked for since the last turn, the latest request of each.</li>
 * </ol>
 *
 * Bursts coalesce (at most one turn queued behind the running one) and no request is lost: a pass asked for during
 * a turn runs in the next one, and a plan request is only ever replaced by a newer one for the same pull request
 * (counted and logged). The lease is kept by a thread of its own, so a long turn never costs this replica the
 * lease.
 */
public final class ReconcileLoop {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);
    private static final Duration SLOW_PASS = Duration.ofMillis(Long.getLong("gitfleet.slowPassMs", 500));

    /** What a turn works with; the server wires the real parts, tests fake them. */
    public interface Parts {
        boolean acting();

        /** A standby's turn: fetch the status branch when asked, and show it. */
        void look(boolean fetch);

        /** Queues the agents' changed reports as status changes. */
        void recordReports() throws IOException;

        PassResult pass(Instant now, boolean fetch);

        /** The read API and the metrics take a pass's result. */
        void show(PassResult result, Duration took);

        /** Commits the batched status when its interval has passed. */
        void flushDue() throws IOException;

        /** The loop's own thread is turning (every flush period, acting or not): for the health check. */
        default void turning() {
        }

        /** Plans one pull request (its own step list, {@link PullRequestPlans}). */
        PullRequestPlans.Outcome plan(WebhookEvent.PlanPullRequest pr, Instant now);

        /** Counts, for the metrics: {@code retry}, and plan requests {@code written|failed|superseded}. */
        default void count(String what) {
        }
    }

    private final Parts parts;
    private final Clock clock;
    private final SyncCoalescer.Scheduler scheduler;
    private final SyncCoalescer turns;
    private final Backoff retryBackoff;
    private final AtomicBoolean passWanted = new AtomicBoolean(true);
    private final AtomicBoolean fetchWanted = new AtomicBoolean(true);
    private final Map<Integer, WebhookEvent.PlanPullRequest> plansWanted = new LinkedHashMap<>();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong turnsRun = new AtomicLong();
    private volatile boolean retryScheduled;
    /** Fetches of the fleet repo start at most once a second: a burst of webhooks costs the forge one fetch. */
    static final Duration FETCH_INTERVAL = Duration.ofSeconds(1);
    private final LongSupplier nanoTime;
    private long lastFetch;
    private boolean fetchScheduled;
    private volatile boolean stopped;
    private String stalledOn;
    /** The time-driven pass already scheduled (a window opening, a soak's end), or null; on the loop's thread. */
    private Instant wakeAt;

    /**
     * @param scheduler   where turns and timers run: one thread (the real one wraps a single-thread executor)
     * @param retryBackoff the waits between retries of a pass that failed with RETRY
     */
    public ReconcileLoop(Parts parts, Clock clock, SyncCoalescer.Scheduler scheduler, LongSupplier nanoTime,
                         Backoff retryBackoff) {
        this.parts = parts;
        this.clock = clock;
        this.scheduler = scheduler;
        this.retryBackoff = retryBackoff;
        this.nanoTime = nanoTime;
        this.lastFetch = nanoTime.getAsLong() - FETCH_INTERVAL.toNanos();
        this.turns = new SyncCoalescer(this::turn, Duration.ofMillis(50), scheduler, nanoTime,
                e -> LOG.warn("reconcile turn failed", e));
    }

    /**
     * Whether this pass fetches: when a fetch is wanted and the last one started at least {@link #FETCH_INTERVAL}
     * ago. A fetch wanted sooner is left wanted, and a pass is asked for when it is due, so that the last trigger
     * of a burst is always followed by a fetch that started after it.
     */
    private boolean fetchDue() {
        if (!fetchWanted.get()) {
            return false;
        }
        long now = nanoTime.getAsLong();
        long wait = lastFetch + FETCH_INTERVAL.toNanos() - now;
        if (wait > 0) {
            if (!fetchScheduled) {
                fetchScheduled = true;
                scheduler.schedule(() -> {
                    fetchScheduled = false;
                    passWanted.set(true);
                    turns.trigger();
                }, wait);
            }
            return false;
        }
        lastFetch = now;
        return fetchWanted.getAndSet(false);
    }

    /** Starts the timers: the poll (fetch and plan), the status flush, and a standby's look at the branch. */
    public void start(Duration poll, Duration flushEvery, Duration standbyLook) {
        every(poll, this::sync);
        every(flushEvery, this::flushDue);
        every(standbyLook, () -> {
            if (!parts.acting()) {
                fetchWanted.set(true);
                turns.trigger();
            }
        });
        sync();
    }

    /** Stops the timers; a turn already queued still runs unless the executor is shut down. */
    public void stop() {
        stopped = true;
    }

    /** A webhook for the approved branch, the poll, a new lease: fetch the fleet repo, then plan. */
    public void sync() {
        fetchWanted.set(true);
        passWanted.set(true);
        turns.trigger();
    }

    /** An agent report changed something: plan from what the mirror holds. */
    public void report() {
        passWanted.set(true);
        turns.trigger();
    }

    /** Plans this pull request at the next turn; a newer request for the same pull request replaces it. */
    public void planPullRequest(WebhookEvent.PlanPullRequest pr) {
        WebhookEvent.PlanPullRequest replaced;
        synchronized (plansWanted) {
            replaced = plansWanted.put(pr.number(), pr); // keeps its place in the queue
        }
        if (replaced != null) {
            parts.count("superseded");
            LOG.atInfo().log(() -> "pull request " + pr.number() + ": the plan asked for at " + replaced.headSha()
                    + " is replaced by the newer request at " + pr.headSha());
        }
        turns.trigger();
    }

    /** How many times a pass was retried after a RETRY failure (for tests and metrics). */
    public long retries() {
        return retries.get();
    }

    /** How many turns ran (for tests). */
    public long turns() {
        return turnsRun.get();
    }

    /** Pull requests waiting to be planned (for tests and metrics). */
    public int plansWaiting() {
        synchronized (plansWanted) {
            return plansWanted.size();
        }
    }

    private void turn() {
        turnsRun.incrementAndGet();
        if (!parts.acting()) {
            parts.look(fetchWanted.getAndSet(false));
            return;
        }
        if (passWanted.getAndSet(false)) {
            boolean fetch = fetchDue();
            long start = System.nanoTime();
            long reportsTook = 0;
            PassResult result;
            try {
                parts.recordReports();
                reportsTook = System.nanoTime() - start;
                result = parts.pass(clock.instant(), fetch);
            } catch (IOException | RuntimeException e) {
                result = null;
                LOG.warn("reconcile pass failed", e);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (result != null) {
                parts.show(result, took);
                if (took.compareTo(SLOW_PASS) > 0) {
                    PassResult r = result;
                    long reportsMs = reportsTook / 1_000_000;
                    LOG.atInfo().log(() -> "slow pass: " + took.toMillis() + " ms (reports " + reportsMs + " ms, "
                            + String.join(", ", r.timings().entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue().toMillis() + " ms").toList()) + ")");
                }
            }
            next(result, fetch);
            wakeFor(result);
        }
        planPullRequests();
    }

    /** Acts on the pass's failures: RETRY again after a backoff, WAIT for the next trigger, STALL for a person. */
    private void next(PassResult result, boolean fetched) {
        List<PassFailure> failures = result == null ? List.of(new PassFailure("pass", FailureKind.RETRY,
                "InternalError", "the pass did not finish")) : result.failures();
        Optional<PassFailure> retry = failures.stream().filter(f -> f.kind() == FailureKind.RETRY).findFirst();
        Optional<PassFailure> stall = failures.stream().filter(f -> f.kind() == FailureKind.STALL).findFirst();
        if (retry.isPresent() && retryScheduled) {
            LOG.atDebug().log(() -> "pass: " + retry.get().reason() + " again; a retry is already due");
        } else if (retry.isPresent()) {
            Duration after = retryBackoff.next();
            retries.incrementAndGet();
            parts.count("retry");
            LOG.atWarn().log(() -> "pass: " + retry.get().step() + " failed (" + retry.get().reason() + ": "
                    + retry.get().message() + "); retrying in " + after.toMillis() + " ms");
            if (fetched) {
                fetchWanted.set(true);
            }
            retryScheduled = true;
            scheduler.schedule(() -> {
                retryScheduled = false;
                passWanted.set(true);
                turns.trigger();
            }, after.toNanos());
        } else {
            retryBackoff.reset();
        }
        String stalled = stall.map(f -> f.reason() + ": " + f.message()).orElse(null);
        if (stalled != null && !stalled.equals(stalledOn)) {
            LOG.atWarn().log(() -> "stalled, waiting for a person (a new commit on the approved branch): " + stalled);
        }
        stalledOn = stalled;
    }

    /**
     * Schedules a pass (from the mirror, no fetch) at the plan's {@code nextChange}: the earliest time at which time
     * alone may change a decision (a window opens, a soak or settle time ends, a blackout begins or ends). So a
     * window opening at 02:00 starts its nodes at 02:00, not at the next poll. Only the earliest such time is kept;
     * the pass it runs schedules the next one.
     */
    private void wakeFor(PassResult result) {
        Instant next = result == null || result.plan() == null ? null : result.plan().nextChange();
        if (next == null || wakeAt != null && !next.isBefore(wakeAt)) {
            return;
        }
        wakeAt = next;
        long delay = Math.max(0, Duration.between(clock.instant(), next).toNanos());
        LOG.atDebug().log(() -> "next time-driven pass at " + next);
        scheduler.schedule(() -> {
            if (stopped || !next.equals(wakeAt)) {
                return; // an earlier wake replaced this one, and its pass scheduled what comes after
            }
            wakeAt = null;
            passWanted.set(true);
            turns.trigger();
        }, delay);
    }

    /** When the next time-driven pass is scheduled, or null (for tests). */
    Instant wakeAt() {
        return wakeAt;
    }

    private void planPullRequests() {
        List<WebhookEvent.PlanPullRequest> batch;
        synchronized (plansWanted) {
            batch = new ArrayList<>(plansWanted.values());
            plansWanted.clear();
        }
        for (WebhookEvent.PlanPullRequest pr : batch) {
            if (!parts.acting()) {
                // the lease went while planning: keep the rest for when this replica holds it again
                keepForLater(pr);
                continue;
            }
            PullRequestPlans.Outcome outcome = parts.plan(pr, clock.instant());
            if (outcome == PullRequestPlans.Outcome.LATER) {
                keepForLater(pr);
            } else {
                parts.count(outcome == PullRequestPlans.Outcome.WRITTEN ? "written" : "failed");
            }
        }
    }

    private void keepForLater(WebhookEvent.PlanPullRequest pr) {
        synchronized (plansWanted) {
            plansWanted.putIfAbsent(pr.number(), pr);
        }
        LOG.atInfo().log(() -> "pull request " + pr.number() + ": not planned while this replica stands by; it is planned "
                + "once it holds the lease");
    }

    private void flushDue() {
        parts.turning();
        if (!parts.acting()) {
            return;
        }
        try {
            parts.flushDue();
        } catch (IOException | RuntimeException e) {
            LOG.warn("status flush failed; it is retried", e);
        }
    }

    /** A timer on the loop's own thread: the task runs between turns, never during one. */
    private void every(Duration period, Runnable task) {
        long nanos = period.toNanos();
        scheduler.schedule(new Runnable() {
            @Override
            public void run() {
                if (stopped) {
                    return;
                }
                try {
                    task.run();
                } finally {
                    scheduler.schedule(this, nanos);
                }
            }
        }, nanos);
    }

    boolean retryScheduled() {
        return retryScheduled;
    }
}
