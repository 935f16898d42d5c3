package io.gitfleet.reconciler.cli;

import io.gitfleet.schema.UpgradeStatus;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gitfleet describe upgrade NAME}: everything about one upgrade an operator looks at before acting: its
 * phase and why, its nodes, its recent events on the status branch, and the command to run next.
 */
@Command(name = "describe", description = "Describe one upgrade: phase, nodes, recent events, what to do next.",
        subcommands = {DescribeCommand.Upgrade.class})
final class DescribeCommand implements Runnable {
    @Override
    public void run() {
        throw new UsageException("name what to describe, e.g. gitfleet describe upgrade os-1-35");
    }

    @Command(name = "upgrade", description = "One upgrade: phase, nodes, recent events, what to do next.")
    static final class Upgrade implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        StatusSource source;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (StatusSource.Opened opened = source.open()) {
                UpgradeStatus u = opened.read().upgrade(name).orElseThrow(() ->
                        new UsageException("no upgrade named " + name + " on " + opened.branch()));
                UpgradeStatus.State s = u.status();
                Instant now = Instant.now();
                PrintWriter out = spec.commandLine().getOut();
                out.println("Name:        " + name);
                out.println("Component:   " + s.component());
                out.println("Version:     " + s.desiredVersion() + (s.resolvedVersion() == null
                        || s.resolvedVersion().equals(s.desiredVersion()) ? "" : " (" + s.resolvedVersion() + ")"));
                out.println("Phase:       " + s.phase() + (s.reason() == null ? "" : " (" + s.reason() + ")")
                        + (s.phaseSince() == null ? "" : ", for " + Render.age(s.phaseSince(), now)));
                if (s.message() != null) {
                    out.println("Message:     " + s.message());
                }
                out.println("Progress:    " + Render.progress(s) + countsLine(s.counts()));
                out.println("Commit:      " + (s.approvedCommit() == null ? "-" : s.approvedCommit()));
                out.println();
                Table t = new Table("NODE", "PHASE", "FROM", "TO", "ATTEMPT", "AGE", "MESSAGE");
                for (UpgradeStatus.NodeRow r : s.nodes()) {
                    t.row(r.node(), r.phase(), r.from(), r.to(), r.attempt(), Render.age(r.since(), now),
                            r.failureReason() != null ? r.failureReason() : r.message());
                }
                out.print(t.size() == 0 ? "no nodes\n" : t.render());
                out.println();
                out.println("Events (newest first):");
                List<Map<String, Object>> entries = HistoryCommand.entries(opened.repo(), opened.requireBranch(),
                        name, 10);
                for (Map<String, Object> e : entries) {
                    @SuppressWarnings("unchecked")
                    List<String> events = (List<String>) e.get("events");
                    events.forEach(line -> out.println("  " + e.get("time") + "  " + line));
                }
                out.println();
                out.println("Next:        " + NextStep.forUpgrade(u));
                return 0;
            }
        }

        private static String countsLine(UpgradeStatus.Counts c) {
            return c == null ? "" : " (" + c.completed() + " completed, " + c.skipped() + " skipped, "
                    + c.inProgress() + " in progress, " + c.pending() + " pending, " + c.blocked() + " blocked, "
                    + c.failed() + " failed)";
        }
    }
}
