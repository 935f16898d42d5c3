package io.gitfleet.reconciler.cli;

import io.gitfleet.schema.FleetLoader;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Problem;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gitfleet validate DIR}: schema and rule check; one line per problem, exit 1 if there is any. */
@Command(name = "validate", description = "Check a fleet directory against the schemas and rules.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "the fleet repo's directory")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadedFleet fleet = FleetLoader.load(FleetDirectory.read(dir));
        for (Problem p : fleet.problems()) {
            spec.commandLine().getErr().println(p);
        }
        String summary = count(fleet.nodes().size(), "node") + ", " + count(fleet.catalogs().size(), "catalog") + ", "
                + count(fleet.upgrades().size(), "upgrade");
        if (fleet.clean()) {
            spec.commandLine().getOut().println(dir + ": valid (" + summary + ")");
            return 0;
        }
        spec.commandLine().getErr().println(dir + ": " + count(fleet.problems().size(), "problem") + " (" + summary
                + " valid)");
        return 1;
    }

    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
