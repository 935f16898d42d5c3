package io.gitfleet.webhooks;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Turns a burst of sync triggers into few syncs. The first trigger after a calm period syncs at once; triggers
 * that arrive while a sync runs, or less than {@code minInterval} after one started, are folded into a single
 * follow-up that starts {@code minInterval} after the previous start. So with a one-second interval a hundred
 * pushes in a second cause at most two syncs, and no trigger is lost: every trigger is followed by a sync that
 * starts after it. Syncs never overlap.
 */
public final class SyncCoalescer {

    /** Where the sync runs; the real one wraps a {@link ScheduledExecutorService}, tests step a fake one. */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(Runnable task, long delayNanos);

        static Scheduler of(ScheduledExecutorService executor) {
            return (task, delayNanos) -> executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private final Runnable sync;
    private final long minIntervalNanos;
    private final Scheduler scheduler;
    private final LongSupplier nanoTime;
    private final Consumer<RuntimeException> onFailure;

    private boolean pending;
    private boolean scheduled;
    private boolean running;
    private boolean started;
    private long lastStart;

    /**
     * @param sync      the sync; a failure is passed to {@code onFailure} and does not stop later syncs
     * @param nanoTime  usually {@code System::nanoTime}
     */
    public SyncCoalescer(Runnable sync, Duration minInterval, Scheduler scheduler, LongSupplier nanoTime,
                         Consumer<RuntimeException> onFailure) {
        this.sync = Objects.requireNonNull(sync, "sync");
        this.minIntervalNanos = minInterval.toNanos();
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    }

    /** Asks for a sync that starts after this call; cheap and safe from any thread, including an event loop. */
    public void trigger() {
        synchronized (this) {
            pending = true;
            if (running || scheduled) {
                return; // the running sync's completion, or the queued one, covers this trigger
            }
            scheduleNext();
        }
    }

    private void scheduleNext() {
        long delay = started ? Math.max(0, lastStart + minIntervalNanos - nanoTime.getAsLong()) : 0;
        scheduled = true;
        scheduler.schedule(this::runOnce, delay);
    }

    private void runOnce() {
        synchronized (this) {
            scheduled = false;
            if (!pending || running) {
                return;
            }
            pending = false; // triggers from now on need another sync: this one may already have fetched
            running = true;
            started = true;
            lastStart = nanoTime.getAsLong();
        }
        try {
            sync.run();
        } catch (RuntimeException e) {
            onFailure.accept(e);
        } finally {
            synchronized (this) {
                running = false;
                if (pending && !scheduled) {
                    scheduleNext();
                }
            }
        }
    }
}
