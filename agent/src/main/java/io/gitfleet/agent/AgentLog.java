package io.gitfleet.agent;

import java.time.Instant;

/** One line per event on stderr; journald adds the rest. */
final class AgentLog {
    private AgentLog() {
    }

    static void info(String message) {
        System.err.println(Instant.now() + " " + message);
    }
}
