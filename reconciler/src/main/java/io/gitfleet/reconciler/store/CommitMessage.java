package io.gitfleet.reconciler.store;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A status commit's message: a summary line (the one event, or "N transitions in M upgrades"), each event line,
 * then the {@code Fleet-Commit:} trailer naming the approved commit the status was computed from.
 */
public final class CommitMessage {
    public static final String TRAILER = "Fleet-Commit";

    private CommitMessage() {
    }

    /**
     * @param fallback the summary when there is no event (e.g. "3 node reports", "fleet: Stalled")
     */
    public static String of(List<String> events, String fleetCommit, String fallback) {
        StringBuilder b = new StringBuilder();
        if (events.size() == 1) {
            b.append(events.get(0)).append('\n');
        } else if (events.isEmpty()) {
            b.append(fallback).append('\n');
        } else {
            Set<String> upgrades = new LinkedHashSet<>();
            for (String e : events) {
                int colon = e.indexOf(": ");
                if (colon > 0) {
                    upgrades.add(e.substring(0, colon));
                }
            }
            b.append(events.size()).append(" transitions in ").append(upgrades.size())
                    .append(upgrades.size() == 1 ? " upgrade" : " upgrades").append("\n\n");
            for (String e : events) {
                b.append(e).append('\n');
            }
        }
        if (fleetCommit != null) {
            b.append('\n').append(TRAILER).append(": ").append(fleetCommit).append('\n');
        }
        return b.toString();
    }

    /** The trailer's value in a message, or null. */
    public static String fleetCommitOf(String message) {
        String[] lines = message.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (lines[i].startsWith(TRAILER + ": ")) {
                return lines[i].substring(TRAILER.length() + 2).trim();
            }
        }
        return null;
    }
}
