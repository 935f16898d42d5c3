package io.gitfleet.agent;

import io.gitfleet.log.LogLine;

/** The agent's events, one line each, through the one logging backend (journald-friendly under systemd). */
public final class AgentLog {
    private AgentLog() {
    }

    public static void info(String message) {
        LogLine.write(LogLine.Level.INFO, "agent", message, null);
    }
}
