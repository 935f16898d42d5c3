package io.gitfleet.reconciler.cli;

import io.gitfleet.schema.Documents;
import io.gitfleet.schema.UpgradeStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gitfleet get upgrade NAME}: one upgrade's status, node by node. */
@Command(name = "get", description = "Show one status document.", subcommands = {GetCommand.Upgrade.class})
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
                opened.requireBranch();
                UpgradeStatus u = opened.store().read().upgrade(name).orElseThrow(() ->
                        new UsageException("no upgrade named " + name + " on " + opened.store().branch()));
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
                Table t = new Table("NODE", "ROLE", "PHASE", "FROM", "TO", "ATTEMPT", "SINCE", "MESSAGE");
                for (UpgradeStatus.NodeRow r : s.nodes()) {
                    t.row(r.node(), r.role() == null ? null : r.role().wire(), r.phase(), r.from(), r.to(),
                            r.attempt(), r.since(), r.failureReason() != null ? r.failureReason() : r.message());
                }
                out.print(t.size() == 0 ? "no nodes\n" : t.render());
                return 0;
            }
        }
    }
}
