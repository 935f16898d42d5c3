package io.gitfleet.agent.health;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs operator hooks (pre-reboot drain, post-boot health checks) in order, each through {@code /bin/sh -c} so
 * that operators can write them as they would in a systemd unit. Stops at the first failure.
 */
public final class HookRunner {
    /** The outcome of a hook list: ok, or which hook failed and why. */
    public record Outcome(boolean ok, String message) {
        static final Outcome OK = new Outcome(true, "");
    }

    private final Duration timeout;
    private final Runnable heartbeat;
    private final Duration every;

    public HookRunner(Duration timeout, Runnable heartbeat, Duration every) {
        this.timeout = timeout;
        this.heartbeat = heartbeat;
        this.every = every;
    }

    public Outcome run(String kind, List<String> hooks, Map<String, String> env) throws InterruptedException {
        for (String hook : hooks) {
            ProcessResult result;
            try {
                result = new RunProcessCommand(List.of("/bin/sh", "-c", hook)).setTimeout(timeout)
                        .setEnvironment(env).setHeartbeat(heartbeat, every).call();
            } catch (IOException e) {
                return new Outcome(false, kind + " hook '" + hook + "' could not start: " + e.getMessage());
            }
            if (!result.ok()) {
                return new Outcome(false, result.describe(kind + " hook '" + hook + "'", 600));
            }
        }
        return Outcome.OK;
    }
}
