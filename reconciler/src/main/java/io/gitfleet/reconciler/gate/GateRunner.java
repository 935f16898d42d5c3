package io.gitfleet.reconciler.gate;

import io.gitfleet.reconciler.plan.GateResults;
import io.gitfleet.schema.Fleet;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the gates the planner asks for ({@code PlanResult.gatesDue}) off the pass, one run per upgrade at a time,
 * and keeps the latest results for the next passes to read: a slow command or query never holds up a pass.
 */
public final class GateRunner {
    private static final Logger LOG = LoggerFactory.getLogger(GateRunner.class);
    /**
     * Gates that did not pass are run again at most this often: every landed run asks for a pass, and that pass asks
     * for the gates again, which would otherwise run a failing command back to back.
     */
    public static final java.time.Duration AGAIN_AFTER_FAILURE = java.time.Duration.ofSeconds(30);

    private final Map<String, GateResults> latest = new ConcurrentHashMap<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private volatile Runnable onResult = () -> { };

    /**
     * Called (on the gate's thread) when a run has landed new results: the server asks for a pass then, so a
     * promotion waits for its gates, not for the next poll.
     */
    public GateRunner onResult(Runnable onResult) {
        this.onResult = onResult;
        return this;
    }

    /** The latest results by upgrade, as values for the planner. */
    public Map<String, GateResults> latest() {
        return Map.copyOf(latest);
    }

    /**
     * Starts a run for each due upgrade that has none running; results land in {@link #latest()} when done, stamped
     * with the pass time {@code now} they were asked for (the planner compares it with the soak's end).
     *
     * @return completes when the runs started here have finished (a pass does not wait; tests do)
     */
    public CompletableFuture<Void> request(Set<String> due, LoadedFleet fleet, java.time.Instant now) {
        Clock clock = Clock.fixed(now, java.time.ZoneOffset.UTC);
        Strategy defaults = fleet.fleet().map(Fleet::spec).map(s -> s.defaults().strategy()).orElse(null);
        List<CompletableFuture<Void>> runs = new java.util.ArrayList<>();
        for (String name : due) {
            Upgrade u = fleet.upgrades().get(name);
            GateResults last = latest.get(name);
            if (u == null || last != null && last.firstFailure() != null
                    && now.isBefore(last.at().plus(AGAIN_AFTER_FAILURE)) || !running.add(name)) {
                continue;
            }
            List<Strategy.Gate> gates = u.spec().strategy().orElse(defaults).gates();
            runs.add(CompletableFuture.runAsync(() -> {
                try {
                    GateResults result = new RunGatesCommand().setGates(gates).setClock(clock).call();
                    logChange(name, latest.put(name, result), result);
                    onResult.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.warn("the gates of {} could not run", name, e);
                } finally {
                    running.remove(name);
                }
            }, GateRunner::daemon));
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new));
    }

    /** One line when an upgrade's gates start or stop passing, not one per run. */
    private static void logChange(String upgrade, GateResults before, GateResults now) {
        GateResults.Result failed = now.firstFailure();
        GateResults.Result failedBefore = before == null ? null : before.firstFailure();
        if (failed == null && (before == null || failedBefore != null)) {
            LOG.atInfo().log(() -> upgrade + ": gates passed (" + now.results().size() + ")");
        } else if (failed != null && (failedBefore == null || !failed.equals(failedBefore))) {
            LOG.atInfo().log(() -> upgrade + ": gate " + failed.gate() + " did not pass: " + failed.reason());
        }
    }

    /** Gate runs never keep the process alive. */
    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "gates");
        t.setDaemon(true);
        t.start();
    }
}
