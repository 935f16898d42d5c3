package io.gitfleet.reconciler.cli;

import io.gitfleet.reconciler.store.StatusView;
import io.gitfleet.schema.Document;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.UpgradeStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gitfleet status}: the fleet's conditions and one line per upgrade, read from the status branch. */
@Command(name = "status", description = "The fleet's conditions and upgrades, from the status branch.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    StatusSource source;

    @Option(names = {"-w", "--watch"}, description = "show it again each time the status branch moves")
    boolean watch;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return source.show(watch, this::show, spec.commandLine().getOut());
    }

    private int show(StatusSource.Opened opened) throws Exception {
        StatusView view = opened.read();
        FleetStatus fleet = view.fleet().orElse(null);
        // the table needs each upgrade's counts only: its own file, not one file per node
        Map<String, UpgradeStatus> upgrades = source.output == OutputFormat.table ? view.upgradeSummaries()
                : view.upgrades();
        PrintWriter out = spec.commandLine().getOut();
        if (source.output != OutputFormat.table) {
            List<Document> docs = new ArrayList<>();
            if (fleet != null) {
                docs.add(fleet);
            }
            docs.addAll(upgrades.values());
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("fleet", fleet);
            all.put("items", upgrades.values());
            out.print(Render.documents(source.output, docs, all));
            return 0;
        }
        if (fleet != null) {
            FleetStatus.State s = fleet.status();
            out.println("FLEET   " + s.approvedBranch() + " @ " + Render.shortId(s.observedCommit())
                    + ", acting on " + Render.shortId(s.approvedCommit()));
            for (FleetStatus.Condition c : s.conditions()) {
                out.println("        " + c.type() + " (" + c.reason() + ")"
                        + (c.message() == null ? "" : ": " + c.message()));
            }
            s.problems().forEach(p -> out.println("        problem: " + p));
            out.println();
        }
        Table t = new Table("NAME", "DESIRED", "RESOLVED", "PHASE", "PROGRESS", "MESSAGE");
        for (UpgradeStatus u : upgrades.values()) {
            UpgradeStatus.State s = u.status();
            t.row(u.name(), s.desiredVersion(), s.resolvedVersion(), s.phase(), Render.progress(s), s.message());
        }
        out.print(t.size() == 0 ? "no upgrades\n" : t.render());
        return 0;
    }
}
