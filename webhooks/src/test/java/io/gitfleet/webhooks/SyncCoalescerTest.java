package io.gitfleet.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SyncCoalescerTest {
    private static final long MS = 1_000_000L;

    /** Virtual time: tasks run when the test advances past their due time, in due order. */
    private static final class SteppedScheduler implements SyncCoalescer.Scheduler {
        private record Task(long due, long seq, Runnable run) { }

        private final PriorityQueue<Task> queue = new PriorityQueue<>(
                (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
        private long now;
        private long seq;

        @Override
        public void schedule(Runnable task, long delayNanos) {
            queue.add(new Task(now + delayNanos, seq++, task));
        }

        void advanceTo(long nanos) {
            while (!queue.isEmpty() && queue.peek().due <= nanos) {
                Task task = queue.poll();
                now = Math.max(now, task.due);
                task.run.run();
            }
            now = Math.max(now, nanos);
        }
    }

    private final SteppedScheduler scheduler = new SteppedScheduler();
    private final List<Long> starts = new ArrayList<>();
    private final SyncCoalescer coalescer = new SyncCoalescer(() -> starts.add(scheduler.now), Duration.ofSeconds(1),
            scheduler, () -> scheduler.now, e -> { });

    @Test
    void aLoneTriggerSyncsAtOnce() {
        coalescer.trigger();
        scheduler.advanceTo(0);
        assertEquals(List.of(0L), starts);
    }

    @Test
    void aHundredTriggersInASecondSyncTwice() {
        for (int i = 0; i < 100; i++) {
            scheduler.advanceTo(i * 10 * MS);
            coalescer.trigger();
        }
        scheduler.advanceTo(10_000 * MS);
        assertEquals(List.of(0L, 1000 * MS), starts);
    }

    @Test
    void aTriggerDuringASyncGetsOneFollowUpAfterIt() {
        List<Long> seen = new ArrayList<>();
        SyncCoalescer[] self = new SyncCoalescer[1];
        self[0] = new SyncCoalescer(() -> {
            seen.add(scheduler.now);
            if (seen.size() == 1) {
                for (int i = 0; i < 5; i++) {
                    self[0].trigger(); // pushes landing while the first sync runs
                }
            }
        }, Duration.ofSeconds(1), scheduler, () -> scheduler.now, e -> { });
        self[0].trigger();
        scheduler.advanceTo(60_000 * MS);
        assertEquals(List.of(0L, 1000 * MS), seen);
    }

    @Test
    void quietPeriodsEachGetTheirOwnSync() {
        coalescer.trigger();
        scheduler.advanceTo(5000 * MS);
        coalescer.trigger();
        scheduler.advanceTo(10_000 * MS);
        assertEquals(List.of(0L, 5000 * MS), starts);
    }

    @Test
    void aFailingSyncDoesNotStopLaterOnes() {
        List<RuntimeException> failures = new ArrayList<>();
        AtomicInteger runs = new AtomicInteger();
        SyncCoalescer failing = new SyncCoalescer(() -> {
            runs.incrementAndGet();
            throw new IllegalStateException("fetch failed");
        }, Duration.ofSeconds(1), scheduler, () -> scheduler.now, failures::add);
        failing.trigger();
        scheduler.advanceTo(2000 * MS);
        failing.trigger();
        scheduler.advanceTo(4000 * MS);
        assertEquals(2, runs.get());
        assertEquals(2, failures.size());
    }

    /** The same promise with real threads and a real clock: a hundred triggers from four threads within a second. */
    @Test
    void aHundredRealPushesInASecondCauseAtMostTwoSyncsAndNoneIsLost() throws Exception {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            List<Long> syncStarts = new CopyOnWriteArrayList<>();
            SyncCoalescer real = new SyncCoalescer(() -> {
                syncStarts.add(System.nanoTime());
                sleep(20); // a fetch takes a while
            }, Duration.ofSeconds(1), SyncCoalescer.Scheduler.of(executor), System::nanoTime, e -> { });
            long[] lastTrigger = new long[4];
            CountDownLatch done = new CountDownLatch(4);
            long firstOfAll = System.nanoTime();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                new Thread(() -> {
                    for (int i = 0; i < 25; i++) {
                        lastTrigger[thread] = System.nanoTime(); // before the call: a sync may start during it
                        real.trigger();
                        sleep(20); // 25 × 20 ms: all hundred triggers fall within about half a second
                    }
                    done.countDown();
                }).start();
            }
            assertTrue(done.await(5, TimeUnit.SECONDS));
            long lastOfAll = Math.max(Math.max(lastTrigger[0], lastTrigger[1]), Math.max(lastTrigger[2], lastTrigger[3]));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < deadline && (syncStarts.isEmpty() || syncStarts.get(syncStarts.size() - 1) < lastOfAll)) {
                sleep(10);
            }
            assertTrue(lastOfAll - firstOfAll < TimeUnit.SECONDS.toNanos(1), "the burst took longer than a second");
            assertEquals(2, syncStarts.size(), "one sync at once, one for the rest of the burst");
            assertTrue(syncStarts.get(1) > lastOfAll, "the last sync started after the last push");
        } finally {
            executor.shutdownNow();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
