package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.pass.FailureKind;
import io.gitfleet.reconciler.pass.PassFailure;
import io.gitfleet.reconciler.pass.PassResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether the server can act, for {@code /healthz} and {@code /readyz}: its reconcile loop must still be turning
 * (it looks at the lease every third of it, on the pass thread), and the last pass must have got through Git (a
 * fetch, a status push that keeps failing is a server that cannot act, whatever its HTTP side says). A pass that
 * stalls on purpose (an unsigned commit, a rewritten history) is healthy: it waits for a person, by design.
 */
public final class Health {
    /** Always healthy: for routers without a reconcile loop (tests, tools). */
    public static final Health ALWAYS = new Health(Clock.systemUTC(), null, () -> false);

    private final Clock clock;
    private final Duration stuckAfter;
    private final java.util.function.BooleanSupplier acting;
    private volatile Instant lastTick;
    private volatile String passProblem;

    /**
     * @param stuckAfter the loop is stuck when it has not ticked for this long (null: never)
     * @param acting     whether this replica acts: a standby runs no passes, so the last one's outcome is stale
     */
    public Health(Clock clock, Duration stuckAfter, java.util.function.BooleanSupplier acting) {
        this.clock = clock;
        this.acting = acting;
        this.stuckAfter = stuckAfter;
        this.lastTick = clock.instant();
    }

    /** The loop is turning. */
    public void tick() {
        lastTick = clock.instant();
    }

    /** Remembers whether the last pass got through, and why not. */
    public void passed(PassResult result) {
        passProblem = result.failures().stream().filter(f -> f.kind() != FailureKind.STALL).findFirst()
                .map(Health::describe).orElse(null);
    }

    private static String describe(PassFailure f) {
        return "the last reconcile pass failed at " + f.step() + ": " + f.reason() + ": " + f.message();
    }

    /** Why the server cannot act now, or empty when it can. */
    public Optional<String> problem() {
        Instant tick = lastTick;
        if (stuckAfter != null && clock.instant().isAfter(tick.plus(stuckAfter))) {
            return Optional.of("the reconcile loop has not turned since " + tick + " (more than "
                    + stuckAfter.toSeconds() + "s)");
        }
        return acting.getAsBoolean() ? Optional.ofNullable(passProblem) : Optional.empty();
    }
}
