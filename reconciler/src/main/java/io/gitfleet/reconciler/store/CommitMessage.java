package io.gitfleet.reconciler.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.List;

/**
 * A status commit's message: a summary line (the one event, or "N transitions in M upgrades"), each event line,
 * then the {@code Fleet-Commit:} trailer naming the approved commit the status was computed from.
 */
public final class CommitMessage {
    public static final String TRAILER = "Fleet-Commit";
    /** Subjects of the lease's own commits: {@code lease: NAME acquired|renewed|took over …|released}. */
    public static final String LEASE_PREFIX = "lease: ";
    public static final String LEASE_RENEWED = " renewed";

    private CommitMessage() {
    }

    /** A commit that only renewed a lease: history views leave these out (one every third of the lease). */
    public static boolean isLeaseRenewal(String message) {
        String subject = message.lines().findFirst().orElse("");
        return subject.startsWith(LEASE_PREFIX) && subject.endsWith(LEASE_RENEWED);
    }

    /**
     * @param fallback the summary when there is no event (e.g. "3 node reports", "fleet: Stalled")
     */
    public static String of(List<String> events, String approvedCommit, String fallback) {
        events = events.stream().map(CommitMessage::oneLine).toList();
        fallback = oneLine(fallback);
        StringBuilder b = new StringBuilder();
        if (events.size() == 1) {
            b.append(events.get(0)).append('\n');
        } else if (events.isEmpty()) {
            b.append(fallback).append('\n');
        } else {
            b.append(summary(events)).append("\n\n");
            for (String e : events) {
                b.append(e).append('\n');
            }
        }
        if (approvedCommit != null) {
            b.append('\n').append(TRAILER).append(": ").append(approvedCommit).append('\n');
        }
        return b.toString();
    }

    private static final int SUBJECT = 140;
    /** An event line longer than this is cut: a node's failure reason is free text of the node's choosing. */
    static final int MAX_LINE = 300;

    /**
     * One event as one printable line. Event lines carry text that nodes report (failure reasons): a line break
     * there could forge a {@code Fleet-Commit:} trailer or fake events, and terminal escapes would reach whoever
     * runs {@code git log}. Line breaks and tabs become spaces; other control characters (C0, DEL, C1) and
     * bidirectional overrides are dropped.
     */
    public static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_LINE + 1));
        text.codePoints().forEach(c -> {
            if (c == '\n' || c == '\r' || c == '\t') {
                b.append(' ');
            } else if (!(c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e)
                    || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029)) {
                b.appendCodePoint(c);
            }
        });
        String line = b.toString().strip();
        return line.length() > MAX_LINE ? line.substring(0, MAX_LINE - 1) + "…" : line;
    }
    private static final Pattern PROGRESS = Pattern.compile(" \\((\\d+/\\d+)\\)");

    /**
     * What moved, short enough for {@code git log --oneline}: per upgrade, each node with the phase it reached and
     * the progress ({@code os-1-35: worker-3 Completed, worker-4 Instructed (5/9)}), or the upgrade's new phase.
     */
    static String summary(List<String> events) {
        Map<String, Map<String, String>> moves = new LinkedHashMap<>();
        Map<String, String> progress = new LinkedHashMap<>();
        for (String e : events) {
            int colon = e.indexOf(": ");
            String[] words = colon < 0 ? new String[0] : e.substring(colon + 2).split(" ");
            if (words.length == 0 || words[0].isEmpty()) {
                moves.computeIfAbsent(e, k -> new LinkedHashMap<>());
                continue;
            }
            String upgrade = e.substring(0, colon);
            Map<String, String> reached = moves.computeIfAbsent(upgrade, k -> new LinkedHashMap<>());
            if (Character.isUpperCase(words[0].charAt(0))) {
                // the upgrade's own phase: "RollingOut → Succeeded" or "Paused — why"
                reached.put("now", words.length > 2 && words[1].equals("→") ? words[2] : words[0]);
            } else if (words.length > 3 && words[2].equals("→")) {
                reached.put(words[0], words[3]);          // "worker-3 Rebooting → Completed (4/9)"
            } else if (words.length > 1 && Character.isUpperCase(words[1].charAt(0))) {
                reached.put(words[0], words[1]);          // "worker-3 Failed (4/9): why"
            } else {
                reached.put(e.substring(colon + 2), ""); // anything else, as it is
            }
            Matcher m = PROGRESS.matcher(e);
            if (m.find()) {
                progress.put(upgrade, m.group(1));
            }
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Map<String, String>> u : moves.entrySet()) {
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append(u.getKey());
            List<String> parts = new ArrayList<>();
            u.getValue().forEach((what, phase) -> parts.add(phase.isEmpty() ? what : what + " " + phase));
            if (!parts.isEmpty()) {
                b.append(": ").append(String.join(", ", parts));
            }
            if (progress.containsKey(u.getKey())) {
                b.append(" (").append(progress.get(u.getKey())).append(')');
            }
        }
        return b.length() > SUBJECT ? b.substring(0, SUBJECT - 1) + "…" : b.toString();
    }

    /** The trailer's value in a message, or null. */
    public static String approvedCommitOf(String message) {
        String[] lines = message.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (lines[i].startsWith(TRAILER + ": ")) {
                return lines[i].substring(TRAILER.length() + 2).trim();
            }
        }
        return null;
    }
}
