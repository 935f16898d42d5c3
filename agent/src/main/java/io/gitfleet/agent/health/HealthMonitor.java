package io.gitfleet.agent.health;

import io.gitfleet.schema.Report;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The node's health for reports: the health hooks, run at most once per interval while idle. */
public final class HealthMonitor {
    private final HookRunner runner;
    private final List<String> hooks;
    private final Clock clock;
    private final Duration interval;
    private Report.Health last;
    private long lastRun = Long.MIN_VALUE;
    private boolean running;

    public HealthMonitor(HookRunner runner, List<String> hooks, Clock clock, Duration interval) {
        this.runner = runner;
        this.hooks = hooks;
        this.clock = clock;
        this.interval = interval;
    }

    /** Runs the checks now (after boot, before marking a slot good) and remembers the outcome. */
    public HookRunner.Outcome check(Map<String, String> env) throws InterruptedException {
        HookRunner.Outcome outcome;
        running = true;
        try {
            outcome = runner.run("health", hooks, env);
        } finally {
            running = false;
        }
        last = new Report.Health(outcome.ok(), outcome.ok() ? healthyMessage() : outcome.message());
        lastRun = clock.millis();
        return outcome;
    }

    /**
     * The cached health, refreshed when older than the interval and {@code mayRun}: a report sent in the middle
     * of a transfer must not wait for the hooks.
     */
    public Report.Health current(boolean mayRun) throws InterruptedException {
        if (!mayRun || running) {
            // running: a report sent by the hooks' own heartbeat carries the previous result.
            return last;
        }
        if (last == null || clock.millis() - lastRun >= interval.toMillis()) {
            check(Map.of());
        }
        return last;
    }

    private String healthyMessage() {
        if (hooks.isEmpty()) {
            return "no health checks configured";
        }
        return hooks.size() == 1 ? "the health check passed" : "all " + hooks.size() + " health checks passed";
    }
}
