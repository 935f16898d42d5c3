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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the gates the planner asks for ({@code PlanResult.gatesDue}) off the pass, one run per upgrade at a time,
 * and keeps the latest results for the next passes to read: a slow command or query never holds up a pass.
 */
public final class GateRunner {
    private static final Logger LOG = Logger.getLogger(GateRunner.class.getName());

    private final Map<String, GateResults> latest = new ConcurrentHashMap<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();

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
            if (u == null || !running.add(name)) {
                continue;
            }
            List<Strategy.Gate> gates = u.spec().strategy().orElse(defaults).gates();
            runs.add(CompletableFuture.runAsync(() -> {
                try {
                    latest.put(name, new RunGatesCommand().setGates(gates).setClock(clock).call());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "the gates of " + name + " could not run", e);
                } finally {
                    running.remove(name);
                }
            }, GateRunner::daemon));
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new));
    }

    /** Gate runs never keep the process alive. */
    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "gates");
        t.setDaemon(true);
        t.start();
    }
}
