package io.gitfleet.schema;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter (a uniform wait in [0, min(cap, base·2^n)]), the one backoff of the
 * project: a fleet that lost its reconciler does not come back in lockstep, racing status writers do not collide
 * again, a download reconnects, a failed pass is retried. Not thread-safe: one per retrying loop.
 */
public final class Backoff {
    private final long baseMillis;
    private final long capMillis;
    private final RandomGenerator random;
    private int failures;

    public Backoff(Duration base, Duration cap, RandomGenerator random) {
        this.baseMillis = Math.max(1, base.toMillis());
        this.capMillis = Math.max(baseMillis, cap.toMillis());
        this.random = random;
    }

    /** The wait before the next attempt after one more failure. */
    public Duration next() {
        long ceiling = Math.min(capMillis, baseMillis << Math.min(failures, 30));
        failures++;
        return Duration.ofMillis(random.nextLong(ceiling + 1));
    }

    public long ceilingMillis() {
        return Math.min(capMillis, baseMillis << Math.min(failures, 30));
    }

    public void reset() {
        failures = 0;
    }

    public int failures() {
        return failures;
    }
}
