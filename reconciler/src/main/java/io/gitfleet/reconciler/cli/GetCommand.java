package io.gitfleet.reconciler.cli;

import io.gitfleet.reconciler.store.StatusView;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.UpgradeStatus;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gitfleet get upgrade NAME} and {@code get node NAME}: one status document, as a table or as itself. */
@Command(name = "get", description = "Show one status document.",
        subcommands = {GetCommand.Upgrade.class, GetCommand.Node.class})
final class GetCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new UsageException("name what to get, e.g. gitfleet get upgrade os-1-35");
    }

    @Command(name = "upgrade", description = "One upgrade's phase and its nodes, from the status branch.")
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
                PrintWriter out = spec.commandLine().getOut();
                if (source.output != OutputFormat.table) {
                    out.print(source.output == OutputFormat.json ? Documents.toJson(u) + "\n" : Documents.toYaml(u));
                    return 0;
                }
                UpgradeStatus.State s = u.status();
                Table head = new Table("NAME", "DESIRED", "RESOLVED", "PHASE", "PROGRESS", "COMMIT", "MESSAGE");
                head.row(u.name(), s.desiredVersion(), s.resolvedVersion(), s.phase(), Render.progress(s),
                        Render.shortId(s.approvedCommit()), s.message());
                out.print(head.render());
                out.println();
                Instant now = Instant.now();
                Table t = new Table("NODE", "ROLE", "PHASE", "FROM", "TO", "ATTEMPT", "AGE", "MESSAGE");
                for (UpgradeStatus.NodeRow r : s.nodes()) {
                    t.row(r.node(), r.role() == null ? null : r.role().wire(), r.phase(), r.from(), r.to(),
                            r.attempt(), Render.age(r.since(), now),
                            r.failureReason() != null ? r.failureReason() : r.message());
                }
                out.print(t.size() == 0 ? "no nodes\n" : t.render());
                return 0;
            }
        }
    }

    @Command(name = "node", description = "One node: what it runs, its slots and health, and every upgrade it is in.")
    static final class Node implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        StatusSource source;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (StatusSource.Opened opened = source.open()) {
                StatusView view = opened.read();
                NodeStatus n = view.nodes().get(name);
                List<String[]> rows = new ArrayList<>();
                for (UpgradeStatus u : view.upgrades().values()) {
                    for (UpgradeStatus.NodeRow r : u.status().nodes()) {
                        if (r.node().equals(name)) {
                            rows.add(new String[] {u.name(), String.valueOf(r.phase()), r.from(), r.to(),
                                Render.age(r.since(), Instant.now()),
                                r.failureReason() != null ? r.failureReason() : r.message()});
                        }
                    }
                }
                if (n == null && rows.isEmpty()) {
                    throw new UsageException("no node named " + name + " on " + opened.branch());
                }
                PrintWriter out = spec.commandLine().getOut();
                if (source.output != OutputFormat.table) {
                    if (n == null) {
                        throw new UsageException("node " + name + " has not reported yet: no status document");
                    }
                    out.print(source.output == OutputFormat.json ? Documents.toJson(n) + "\n" : Documents.toYaml(n));
                    return 0;
                }
                out.println("NODE        " + name);
                if (n != null) {
                    NodeStatus.State s = n.status();
                    out.println("LAST SEEN   " + (s.lastSeen() == null ? "-" : s.lastSeen() + " ("
                            + Render.age(s.lastSeen(), Instant.now()) + " ago)"));
                    new TreeMap<>(s.components()).forEach((c, v) -> out.println("COMPONENT   " + c + " " + v));
                    new TreeMap<>(s.versionUnknown()).forEach((c, why) -> out.println("COMPONENT   " + c
                            + " version unknown: " + why));
                    if (s.slots() != null) {
                        Report.Slots sl = s.slots();
                        out.println("SLOTS       booted " + sl.booted() + ", active " + sl.active()
                                + (sl.next() == null ? "" : ", next " + sl.next()));
                        slot(out, "a", sl.a());
                        slot(out, "b", sl.b());
                    }
                    if (s.health() != null) {
                        out.println("HEALTH      " + (s.health().healthy() ? "healthy" : "unhealthy")
                                + (s.health().message() == null ? "" : ": " + s.health().message()));
                    }
                    if (s.task() != null) {
                        Report.Task t = s.task();
                        out.println("TASK        " + t.upgrade() + " #" + t.attempt() + " " + t.action() + " "
                                + t.version() + ": " + t.phase()
                                + (t.failureReason() != null ? " (" + t.failureReason() + ")" : ""));
                    }
                    s.failedVersions().forEach((c, vs) -> out.println("FELL BACK   " + c + " " + vs
                            + " (not retried without a retry nonce)"));
                }
                out.println();
                Table t = new Table("UPGRADE", "PHASE", "FROM", "TO", "AGE", "MESSAGE");
                rows.forEach(r -> t.row((Object[]) r));
                out.print(t.size() == 0 ? "in no upgrade\n" : t.render());
                return 0;
            }
        }

        private static void slot(PrintWriter out, String name, Report.Slot slot) {
            if (slot != null) {
                out.println("  slot " + name + "    " + slot.version() + " (" + slot.state() + ")");
            }
        }
    }
}
