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
        java.util.List<String> signers = fleet.fleet().map(f -> allowedSigners(f.spec().approval()))
                .orElse(java.util.List.of());
        signers.forEach(spec.commandLine().getErr()::println);
        String summary = count(fleet.nodes().size(), "node") + ", " + count(fleet.catalogs().size(), "catalog") + ", "
                + count(fleet.upgrades().size(), "upgrade");
        if (fleet.clean() && signers.isEmpty()) {
            spec.commandLine().getOut().println(dir + ": valid (" + summary + ")");
            return 0;
        }
        spec.commandLine().getErr().println(dir + ": " + count(fleet.problems().size() + signers.size(), "problem")
                + " (" + summary
                + " valid)");
        return 1;
    }

    /**
     * The allowed-signers file that fleet.yaml names: every malformed line by its number, a file outside the fleet
     * directory or a symbolic link refused, and a missing file when signed commits are required without OpenPGP.
     */
    private java.util.List<String> allowedSigners(io.gitfleet.schema.Fleet.Approval approval) {
        if (approval == null) {
            return java.util.List.of();
        }
        String name = approval.allowedSignersFile();
        Path root = dir.toAbsolutePath().normalize();
        Path file = root.resolve(name).normalize();
        if (!file.startsWith(root) || Path.of(name).isAbsolute()) {
            return java.util.List.of("fleet.yaml: /spec/approval/allowedSignersFile: " + name
                    + " is outside the fleet repo; give a path inside it");
        }
        if (java.nio.file.Files.isSymbolicLink(file)) {
            return java.util.List.of(name + ": is a symbolic link; the allowed-signers file must be a regular file");
        }
        if (!java.nio.file.Files.isRegularFile(file)) {
            boolean needed = approval.signedCommits() != io.gitfleet.schema.Fleet.SignedCommits.NONE
                    && approval.openpgpFingerprints().isEmpty();
            return needed ? java.util.List.of(name + ": missing, but fleet.yaml requires signed commits and pins no "
                    + "OpenPGP key: no commit could be approved") : java.util.List.of();
        }
        try {
            return io.gitfleet.approval.AllowedSigners.parse(java.nio.file.Files.readAllBytes(file)).problems()
                    .stream().map(p -> p.describe(name)).toList();
        } catch (java.io.IOException e) {
            return java.util.List.of(name + ": cannot be read: " + e.getMessage());
        }
    }

    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
