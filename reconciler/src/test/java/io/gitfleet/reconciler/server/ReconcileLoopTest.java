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

    private static WebhookEvent.PlanPullRequest pr(int n, String head) {
        return new WebhookEvent.PlanPullRequest(io.gitfleet.webhooks.Forge.GENERIC, "acme/fleet", n, head, null, "main",
                "delivery-" + n + head);
    }
}
