package io.gitfleet.demo;

import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.reconciler.server.ServerState;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.UpgradeStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rollout as the terminal shows it: a kubectl-like line per node with phase and a progress bar, redrawn in
 * place on a terminal; elsewhere (a log, CI) one line per change.
 */
final class LiveView {
    private final PrintWriter out;
    private final boolean tty;
    private final long started = System.nanoTime();
    private final Map<String, String> lastLine = new HashMap<>();
    private int drawn;

    LiveView(PrintWriter out, boolean tty) {
        this.out = out;
        this.tty = tty;
    }

    void say(String text) {
        if (tty && drawn > 0) {
            drawn = 0;
        }
        out.println(text);
        out.flush();
    }

    void show(ServerState state, String upgrade) {
        UpgradeStatus status = state.upgrades().get(upgrade);
        if (status == null) {
            return;
        }
        Map<String, Observation> reports = state.reports();
        List<String> lines = new ArrayList<>();
        UpgradeStatus.State s = status.status();
        UpgradeStatus.Counts c = s.counts();
        lines.add(String.format("%s  %-18s %s %d/%d done%s", upgrade, s.phase(), bar(c.completed() + c.skipped(),
                c.total(), 20), c.completed() + c.skipped(), c.total(),
                c.failed() > 0 ? ", " + c.failed() + " failed" : ""));
        lines.add(String.format("  %-9s %-11s %-12s %-24s %-20s %s", "NODE", "ROLE", "PHASE", "PROGRESS", "VERSION",
                "MESSAGE"));
        for (UpgradeStatus.NodeRow r : s.nodes()) {
            Observation o = reports.get(r.node());
            Report.Task task = o == null ? null : o.report().task();
            boolean live = task != null && upgrade.equals(task.upgrade()) && task.attempt() == r.attempt()
                    && r.phase().inFlight();
            NodePhase phase = live && task.phase() != null && task.phase().inFlight() ? task.phase() : r.phase();
            String progress = r.phase() == NodePhase.Completed ? bar(1, 1, 20)
                    : live && task.bytesTotal() != null && task.bytesTotal() > 0
                    ? bar(task.bytesDone() == null ? 0 : task.bytesDone(), task.bytesTotal(), 20) : "";
            String version = r.from() == null ? "" : r.phase() == NodePhase.Completed ? r.to()
                    : r.from() + (r.to() != null && !r.to().equals(r.from()) ? " → " + r.to() : "");
            String message = r.failureReason() != null ? r.failureReason()
                    : r.message() != null ? r.message() : r.isCanary() ? "canary" : "";
            lines.add(String.format("  %-9s %-11s %-12s %-24s %-20s %s", r.node(), r.role() == null ? ""
                    : r.role().wire(), phase, progress, version, message));
        }
        if (tty) {
            StringBuilder b = new StringBuilder();
            if (drawn > 0) {
                b.append("\033[").append(drawn).append('A');
            }
            for (String line : lines) {
                b.append("\r\033[2K").append(line).append('\n');
            }
            out.print(b);
            drawn = lines.size();
        } else {
            for (String line : lines.subList(2, lines.size())) {
                String node = line.strip().split("\\s+")[0];
                String key = line.replaceAll("\\[[#.]*\\]", "");
                if (!key.equals(lastLine.put(node, key))) {
                    out.printf("  %5.1fs %s%n", (System.nanoTime() - started) / 1e9, line.strip());
                }
            }
        }
        out.flush();
    }

    static String bar(long done, long total, int width) {
        int filled = total <= 0 ? 0 : (int) Math.min(width, done * width / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }
}
