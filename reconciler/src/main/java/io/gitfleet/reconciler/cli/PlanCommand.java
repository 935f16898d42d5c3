package io.gitfleet.reconciler.cli;

import io.gitfleet.reconciler.plan.DryRun;
import io.gitfleet.reconciler.plan.FleetSnapshot;
import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.FleetLoader;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Plan;
import io.gitfleet.schema.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gitfleet plan DIR}: which nodes would move, in what order, to what, and what would be refused. */
@Command(name = "plan", description = "Dry-run plan of a fleet directory against what the nodes run.")
public final class PlanCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "the fleet repo's directory")
    Path dir;

    @Option(names = "--observed", paramLabel = "FILE",
            description = "what nodes run, as YAML: node-1: {os: v1.34.1}; nodes left out run the lowest catalog version")
    Path observedFile;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, yaml or json")
    OutputFormat output;

    @Option(names = "--now", paramLabel = "INSTANT", description = "plan as of this time (ISO-8601), for windows")
    String now;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Instant at = now();
        LoadedFleet fleet = FleetLoader.load(FleetDirectory.read(dir));
        Map<String, Observation> observed = ObservedVersions.of(fleet, observedFile, at);
        Plan.State plan = DryRun.plan(FleetSnapshot.of(null, fleet), observed, Map.of(), at);
        PrintWriter out = spec.commandLine().getOut();
        switch (output) {
            case yaml -> out.print(Documents.toYaml(Plan.of("plan", plan)));
            case json -> out.println(Documents.toJson(Plan.of("plan", plan)));
            default -> {
                for (Problem p : plan.problems()) {
                    spec.commandLine().getErr().println(p);
                }
                out.print(render(plan));
            }
        }
        return plan.ok() ? 0 : 1;
    }

    /** The plan as {@code gitfleet plan} prints it; public for the demo, which shows a pull request's plan so. */
    public static String render(Plan.State plan) {
        Table summary = new Table("UPGRADE", "PHASE", "TARGET", "MOVE", "SKIP", "BLOCKED", "MESSAGE");
        java.util.Map<String, int[]> counts = new java.util.LinkedHashMap<>();
        java.util.Map<String, Plan.Row> first = new java.util.LinkedHashMap<>();
        for (Plan.Row r : plan.rows()) {
            first.putIfAbsent(r.upgrade(), r);
            int[] c = counts.computeIfAbsent(r.upgrade(), k -> new int[3]);
            c[0] += r.batch() != null ? 1 : 0;
            c[1] += "Skipped".equals(r.phase()) ? 1 : 0;
            c[2] += "Blocked".equals(r.phase()) ? 1 : 0;
        }
        first.forEach((name, r) -> {
            int[] c = counts.get(name);
            boolean rejected = r.upgradePhase() == io.gitfleet.schema.UpgradePhase.Rejected;
            summary.row(name, r.upgradePhase(), r.to(), c[0], c[1], c[2], rejected ? r.message() : null);
        });
        Table t = new Table("UPGRADE", "NODE", "ROLE", "FROM", "TO", "WAVE", "PHASE", "MESSAGE");
        for (Plan.Row r : plan.rows()) {
            String wave = r.batch() == null ? null : r.batch() + (Boolean.TRUE.equals(r.canary()) ? " (canary)" : "");
            t.row(r.upgrade(), r.node(), r.role() == null ? null : r.role().wire(), r.from(), r.to(), wave, r.phase(),
                    r.message());
        }
        if (t.size() == 0) {
            return "no upgrades\n";
        }
        Table forecast = new Table("UPGRADE", "REBOOTS", "CONTROLLERS", "PER NODE", "WINDOWS", "TAKES", "DONE BY",
                "NOTE");
        for (Plan.Forecast f : plan.forecasts()) {
            forecast.row(f.upgrade(), f.reboots(), f.controllers(), f.perNode(), f.windows(), f.duration(), f.finish(),
                    f.message() != null ? f.message() : f.basis());
        }
        return summary.render() + "\n" + t.render() + (forecast.size() == 0 ? "" : "\n" + forecast.render());
    }

    private Instant now() {
        if (now == null) {
            return Instant.now();
        }
        try {
            return Instant.parse(now);
        } catch (DateTimeParseException e) {
            throw new UsageException("--now: '" + now + "' is not an instant such as 2026-11-21T02:30:00Z");
        }
    }
}
