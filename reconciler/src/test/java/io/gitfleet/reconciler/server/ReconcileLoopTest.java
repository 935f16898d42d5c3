package io.gitfleet.reconciler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.pass.FailureKind;
import io.gitfleet.reconciler.pass.PassFailure;
import io.gitfleet.reconciler.pass.PassResult;
import io.gitfleet.schema.Backoff;
import io.gitfleet.webhooks.SyncCoalescer;
import io.gitfleet.webhooks.WebhookEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The loop on a stepped scheduler and a fake pass: what it does after each kind of failure, and that no plan
 * request is lost. No thread, no sleep: time moves only when the test says so.
 */
class ReconcileLoopTest {
    /** Runs tasks in time order as the test advances its clock. */
    private static final class SteppedScheduler implements SyncCoalescer.Scheduler {
        private record Due(long at, long seq, Runnable task) {
        }

        long now;
        private long seq;
        private final PriorityQueue<Due> queue = new PriorityQueue<>((a, b) -> a.at != b.at
                ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));

        @Override
        public void schedule(Runnable task, long delayNanos) {
            queue.add(new Due(now + delayNanos, seq++, task));
        }

        void advance(Duration d) {
            long until = now + d.toNanos();
            while (!queue.isEmpty() && queue.peek().at <= until) {
                Due next = queue.poll();
                now = Math.max(now, next.at);
                next.task.run();
            }
            now = until;
        }
    }

    /** Always the top of the range: the backoff's waits are then exactly its ceilings. */
    private static final RandomGenerator CEILING = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    private final SteppedScheduler scheduler = new SteppedScheduler();
    private final Deque<List<PassFailure>> outcomes = new ArrayDeque<>();
    private final List<Long> passesAt = new ArrayList<>();
    private final List<Integer> planned = new ArrayList<>();
    private final List<String> counted = new ArrayList<>();
    private Runnable duringPass = () -> { };

    private final ReconcileLoop loop = new ReconcileLoop(new ReconcileLoop.Parts() {
        @Override
        public boolean acting() {
            return true;
        }

        @Override
        public void look(boolean fetch) {
        }

        @Override
        public void recordReports() {
        }

        @Override
        public PassResult pass(Instant now, boolean fetch) {
            passesAt.add(scheduler.now / 1_000_000);
            duringPass.run();
            List<PassFailure> failures = outcomes.isEmpty() ? List.of() : outcomes.poll();
            return new PassResult(null, null, null, new TreeMap<>(), null, failures, failures.isEmpty(), Map.of(), 1);
        }

        @Override
        public void show(PassResult result, Duration took) {
        }

        @Override
        public void flushDue() {
        }

        @Override
        public PullRequestPlans.Outcome plan(WebhookEvent.PlanPullRequest pr, Instant now) {
            planned.add(pr.number());
            return PullRequestPlans.Outcome.WRITTEN;
        }

        @Override
        public void count(String what) {
            counted.add(what);
        }
    }, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), scheduler, () -> scheduler.now,
            new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), CEILING));

    private static List<PassFailure> failed(FailureKind kind, String reason) {
        return List.of(new PassFailure("record", kind, reason, "it failed"));
    }

    private void startQuiet() {
        loop.start(Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofHours(1));
    }

    @Test
    void aRetryFailureIsRetriedWithBackoffUntilThePassSucceeds() {
        outcomes.add(failed(FailureKind.RETRY, "GitError"));
        outcomes.add(failed(FailureKind.RETRY, "StatusRaceLost"));
        startQuiet();
        scheduler.advance(Duration.ZERO);
        assertEquals(List.of(0L), passesAt, "the first pass runs at once and fails");
        assertEquals(1, loop.retries());
        scheduler.advance(Duration.ofMillis(999));
        assertEquals(1, passesAt.size(), "no retry before the backoff's first wait (1 s)");
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(List.of(0L, 1000L), passesAt);
        scheduler.advance(Duration.ofMillis(1999));
        assertEquals(2, passesAt.size(), "the second wait is twice as long");
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(List.of(0L, 1000L, 3000L), passesAt, "retried after 1 s, then 2 s");
        assertEquals(2, loop.retries());
        assertEquals(List.of("retry", "retry"), counted);
        assertFalse(loop.retryScheduled(), "the pass succeeded: nothing more is retried");
        scheduler.advance(Duration.ofMinutes(10));
        assertEquals(3, passesAt.size(), "a loop with nothing to do runs no pass");

        outcomes.add(failed(FailureKind.RETRY, "GitError"));
        loop.report();
        scheduler.advance(Duration.ZERO);
        scheduler.advance(Duration.ofSeconds(1));
        assertEquals(5, passesAt.size(), "after a success the backoff starts again from its first wait");
    }

    @Test
    void aStallWaitsForAPersonAndAWaitForTheNextTrigger() {
        outcomes.add(failed(FailureKind.STALL, "HistoryRewritten"));
        outcomes.add(failed(FailureKind.WAIT, "FetchFailed"));
        startQuiet();
        scheduler.advance(Duration.ZERO);
        scheduler.advance(Duration.ofMinutes(30));
        assertEquals(1, passesAt.size(), "a stalled pass is not retried");
        assertEquals(0, loop.retries());
        loop.sync();
        scheduler.advance(Duration.ZERO);
        scheduler.advance(Duration.ofMinutes(29));
        assertEquals(2, passesAt.size(), "a waiting pass is not retried either");
        scheduler.advance(Duration.ofMinutes(1));
        assertEquals(3, passesAt.size(), "the poll runs the next pass");
    }

    @Test
    void planRequestsThatArriveDuringAPassAreAllPlannedAfterIt() {
        duringPass = () -> {
            if (passesAt.size() == 1) {
                for (int n = 1; n <= 50; n++) {
                    loop.planPullRequest(pr(n, "a"));
                }
                loop.planPullRequest(pr(7, "b"));
            }
        };
        startQuiet();
        scheduler.advance(Duration.ZERO);
        List<Integer> expected = new ArrayList<>();
        for (int n = 1; n <= 50; n++) {
            expected.add(n);
        }
        assertEquals(expected, planned, "each pull request planned once, after the pass, none dropped");
        assertEquals(1, counted.stream().filter("superseded"::equals).count(), "the older request of #7 is counted");
        assertEquals(50, counted.stream().filter("written"::equals).count());
        assertEquals(0, loop.plansWaiting());
        assertTrue(passesAt.size() == 1, "planning does not need another pass");
    }

    /**
     * A loop whose clock is the scheduler's: each pass returns the next {@code nextChange} from {@code wakes}
     * (null: nothing time-driven), and records when it ran (ms) and whether it fetched.
     */
    private final class WakingLoop {
        final Instant t0 = Instant.parse("2026-11-28T01:00:00Z");
        final Deque<java.util.Optional<Instant>> wakes = new ArrayDeque<>();
        final List<Long> at = new ArrayList<>();
        final List<Boolean> fetched = new ArrayList<>();
        final ReconcileLoop loop;

        WakingLoop() {
            Clock clock = new Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return t0.plusNanos(scheduler.now);
                }
            };
            loop = new ReconcileLoop(new ReconcileLoop.Parts() {
                @Override
                public boolean acting() {
                    return true;
                }

                @Override
                public void look(boolean fetch) {
                }

                @Override
                public void recordReports() {
                }

                @Override
                public PassResult pass(Instant now, boolean fetch) {
                    assertEquals(t0.plusNanos(scheduler.now), now, "the pass gets the clock's time");
                    at.add(scheduler.now / 1_000_000);
                    fetched.add(fetch);
                    Instant next = wakes.isEmpty() ? null : wakes.poll().orElse(null);
                    io.gitfleet.reconciler.plan.PlanResult plan = new io.gitfleet.reconciler.plan.PlanResult(
                            new TreeMap<>(), new TreeMap<>(), List.of(), null, next);
                    return new PassResult(null, null, plan, new TreeMap<>(), null, List.of(), true, Map.of(), 1);
                }

                @Override
                public void show(PassResult result, Duration took) {
                }

                @Override
                public void flushDue() {
                }

                @Override
                public PullRequestPlans.Outcome plan(WebhookEvent.PlanPullRequest pr, Instant now) {
                    return PullRequestPlans.Outcome.WRITTEN;
                }
            }, clock, scheduler, () -> scheduler.now, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60),
                    CEILING));
        }
    }

    /** A window that opens in 10 minutes gets a pass at that minute, without a fetch, not at the hourly poll. */
    @Test
    void thePlansNextChangeSchedulesAPassAtThatTime() {
        WakingLoop w = new WakingLoop();
        w.wakes.add(java.util.Optional.of(w.t0.plus(Duration.ofMinutes(10))));
        w.wakes.add(java.util.Optional.of(w.t0.plus(Duration.ofMinutes(10)).plusSeconds(90)));
        w.loop.start(Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofHours(1));
        scheduler.advance(Duration.ZERO);
        assertEquals(List.of(0L), w.at);
        assertEquals(w.t0.plus(Duration.ofMinutes(10)), w.loop.wakeAt());
        scheduler.advance(Duration.ofMinutes(10).minusMillis(1));
        assertEquals(1, w.at.size(), "nothing before the window opens");
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(List.of(0L, 600_000L), w.at, "a pass the moment the window opens");
        assertEquals(List.of(true, false), w.fetched, "time changed, not the repo: no fetch");
        scheduler.advance(Duration.ofSeconds(90));
        assertEquals(List.of(0L, 600_000L, 690_000L), w.at, "and the pass it ran scheduled the next change");
        assertEquals(null, w.loop.wakeAt(), "the last pass saw nothing time-driven ahead");
        scheduler.advance(Duration.ofMinutes(40));
        assertEquals(3, w.at.size(), "nothing more until the poll");
        scheduler.advance(Duration.ofMinutes(10));
        assertEquals(4, w.at.size(), "the poll still runs");
        assertEquals(true, w.fetched.get(3));
    }

    /** Only the earliest change is kept: a later pass that finds an earlier one replaces the wake, no pass is doubled. */
    @Test
    void anEarlierNextChangeReplacesALaterOneAndNoWakeRunsTwice() {
        WakingLoop w = new WakingLoop();
        w.wakes.add(java.util.Optional.of(w.t0.plus(Duration.ofMinutes(50))));  // pass at 0: a soak ends at 0:50
        w.wakes.add(java.util.Optional.of(w.t0.plus(Duration.ofMinutes(5))));   // pass at 1m: a settle ends at 0:05
        w.wakes.add(java.util.Optional.of(w.t0.plus(Duration.ofMinutes(50))));  // pass at 5m: the soak again
        w.wakes.add(java.util.Optional.empty());                                // pass at 50m
        w.loop.start(Duration.ofHours(2), Duration.ofSeconds(1), Duration.ofHours(2));
        scheduler.advance(Duration.ZERO);
        scheduler.advance(Duration.ofMinutes(1));
        w.loop.report();
        scheduler.advance(Duration.ZERO);
        assertEquals(w.t0.plus(Duration.ofMinutes(5)), w.loop.wakeAt(), "the earlier change wins");
        scheduler.advance(Duration.ofMinutes(118)); // until just before the 2-hour poll
        assertEquals(List.of(0L, 60_000L, 300_000L, 3_000_000L), w.at,
                "passes at 0, the report, 0:05 and 0:50: the replaced wake for 0:50 did not add a second pass");
        assertEquals(List.of(true, false, false, false), w.fetched);
    }

    private static WebhookEvent.PlanPullRequest pr(int n, String head) {
        return new WebhookEvent.PlanPullRequest(io.gitfleet.webhooks.Forge.GENERIC, "acme/fleet", n, head, null, "main",
                "delivery-" + n + head);
    }
}
