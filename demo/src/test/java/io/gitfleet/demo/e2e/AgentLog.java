package io.gitfleet.demo.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One node's own account of what it did, read from its {@code agent.log} (every process the node ran appends to
 * it): the instructions it took, every state its tasks entered ({@code os-1-35#1 (WRITING) → Writing}), and the
 * restarts. This is the agent's timeline, independent of what the reconciler recorded.
 */
record AgentLog(String node, List<Line> lines) {
    private static final Pattern INSTRUCTED = Pattern.compile("instructed: (\\S+) attempt (\\d+), .*");
    private static final Pattern ENTERED = Pattern.compile("(\\S+)#(\\d+) \\(([A-Z_]+)\\) → .*");
    private static final List<String> TERMINAL = List.of("SKIPPED", "COMPLETED", "FAILED", "ROLLED_BACK");

    record Line(Instant at, String text) {
    }

    /** From taking an instruction to its task's terminal state; {@code end} is null while unfinished. */
    record Interval(String node, String upgrade, Instant start, Instant end, String endState) {
    }

    static AgentLog read(String node, Path file) throws IOException {
        List<Line> lines = new ArrayList<>();
        if (Files.exists(file)) {
            for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int space = l.indexOf(' ');
                if (space < 0) {
                    continue;
                }
                try {
                    lines.add(new Line(Instant.parse(l.substring(0, space)), l.substring(space + 1)));
                } catch (DateTimeParseException notOurs) {
                    // a JVM message without a timestamp (e.g. a crash report): not an event
                }
            }
        }
        return new AgentLog(node, lines);
    }

    /** How many instructions for {@code upgrade} this node took (one line per new task). */
    long instructions(String upgrade) {
        return lines.stream().filter(l -> matches(INSTRUCTED, l, upgrade)).count();
    }

    /** How many times a task of {@code upgrade} entered {@code state} (e.g. WRITING: one per transfer started). */
    long entered(String upgrade, String state) {
        return lines.stream().map(l -> ENTERED.matcher(l.text())).filter(Matcher::matches)
                .filter(m -> m.group(1).equals(upgrade) && m.group(3).equals(state)).count();
    }

    /** Times the task of {@code upgrade} entered {@code state}. */
    List<Instant> enteredAt(String upgrade, String state) {
        List<Instant> out = new ArrayList<>();
        for (Line l : lines) {
            Matcher m = ENTERED.matcher(l.text());
            if (m.matches() && m.group(1).equals(upgrade) && m.group(3).equals(state)) {
                out.add(l.at());
            }
        }
        return out;
    }

    /** The state the task of {@code upgrade} last entered, or null before any. */
    String lastState(String upgrade) {
        String last = null;
        for (Line l : lines) {
            Matcher m = ENTERED.matcher(l.text());
            if (m.matches() && m.group(1).equals(upgrade)) {
                last = m.group(3);
            }
        }
        return last;
    }

    List<Instant> instructedAt(String upgrade) {
        return lines.stream().filter(l -> matches(INSTRUCTED, l, upgrade)).map(Line::at).toList();
    }

    /** The node's busy intervals for {@code upgrade}: from each instruction taken to that task's terminal state. */
    List<Interval> intervals(String upgrade) {
        List<Interval> out = new ArrayList<>();
        Instant start = null;
        for (Line l : lines) {
            if (matches(INSTRUCTED, l, upgrade)) {
                if (start != null) {
                    out.add(new Interval(node, upgrade, start, null, null));
                }
                start = l.at();
                continue;
            }
            Matcher m = ENTERED.matcher(l.text());
            if (start != null && m.matches() && m.group(1).equals(upgrade) && TERMINAL.contains(m.group(3))) {
                out.add(new Interval(node, upgrade, start, l.at(), m.group(3)));
                start = null;
            }
        }
        if (start != null) {
            out.add(new Interval(node, upgrade, start, null, null));
        }
        return out;
    }

    /** The most intervals open at one instant (an interval ending at the instant another starts counts once). */
    static int maxOverlap(List<Interval> intervals) {
        record Edge(Instant at, int delta) {
        }
        List<Edge> edges = new ArrayList<>();
        for (Interval i : intervals) {
            edges.add(new Edge(i.start(), 1));
            edges.add(new Edge(i.end() == null ? Instant.MAX : i.end(), -1));
        }
        edges.sort(Comparator.comparing(Edge::at).thenComparingInt(Edge::delta));
        int open = 0;
        int max = 0;
        for (Edge e : edges) {
            open += e.delta();
            max = Math.max(max, open);
        }
        return max;
    }

    private static boolean matches(Pattern p, Line l, String upgrade) {
        Matcher m = p.matcher(l.text());
        return m.matches() && m.group(1).equals(upgrade);
    }
}
