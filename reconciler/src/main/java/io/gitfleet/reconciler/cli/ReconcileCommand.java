package io.gitfleet.reconciler.cli;

import io.gitfleet.reconciler.catalog.CatalogSources;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.pass.InstructionSink;
import io.gitfleet.reconciler.pass.PassFailure;
import io.gitfleet.reconciler.pass.PassOptions;
import io.gitfleet.reconciler.pass.PassResult;
import io.gitfleet.reconciler.pass.ReconcilePass;
import io.gitfleet.reconciler.pass.RecordedObservations;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.Instruction;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gitfleet reconcile --once --repo URL}: one pass (sync, approval checks, load, plan against the node
 * reports recorded on the status branch, write the status) and exit. For debugging and for fleets driven from CI.
 */
@Command(name = "reconcile", description = "One reconcile pass: sync, plan, write the status branch, exit.")
final class ReconcileCommand implements Callable<Integer> {
    @Mixin
    RemoteOptions remote;

    @Mixin
    CatalogOptions catalogs;

    @Option(names = "--once", required = true, description = "run one pass and exit (the server runs them forever)")
    boolean once;

    @Option(names = "--accept-history", paramLabel = "SHA",
            description = "accept this head of the approved branch as it is, after a force-push or a refused signature")
    String acceptHistory;

    @Option(names = "--branch", paramLabel = "BRANCH", defaultValue = "main",
            description = "the approved branch until the status branch records the one fleet.yaml names")
    String branch;

    @Option(names = "--status-branch", paramLabel = "BRANCH", defaultValue = StatusStore.DEFAULT_BRANCH)
    String statusBranch;

    @Option(names = "--now", paramLabel = "INSTANT", description = "plan as of this time (ISO-8601)")
    String now;

    @Option(names = "--signing-key", paramLabel = "FILE",
            description = "sign the status commit with this SSH private key, as serve --signing-key does")
    Path signingKey;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, yaml or json")
    OutputFormat output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Instant at = instant();
        // without --data-dir the mirror lives only as long as this run: a CI job running it every minute must not
        // fill the disk with mirrors
        boolean scratch = remote.dataDir == null;
        Path dataDir = scratch ? Files.createTempDirectory("gitfleet-once") : remote.dataDir;
        remote.dataDir = dataDir;
        try {
            return pass(at, dataDir);
        } finally {
            if (scratch) {
                deleteTree(dataDir);
            }
        }
    }

    private int pass(Instant at, Path dataDir) throws Exception {
        try (FleetMirror mirror = remote.mirror()) {
            StatusStore store = new StatusStore(mirror.repository(), statusBranch, mirror);
            if (signingKey != null) {
                try {
                    store.setSigner(io.gitfleet.reconciler.store.CommitSigner.sshKey(signingKey, mirror.repository()));
                } catch (java.io.IOException e) {
                    throw new UsageException("--signing-key " + signingKey + ": " + e.getMessage());
                }
            }
            StatusWriter writer = new StatusWriter(store, Duration.ZERO, Clock.systemUTC());
            PassOptions options = new PassOptions(branch, acceptHistory, true, dataDir.resolve("keys"));
            CatalogSources sources = CatalogSources.inDataDir(dataDir, catalogs.settings());
            PassResult result = new ReconcilePass(mirror, writer, new RecordedObservations(), InstructionSink.NONE,
                    sources, options, new io.gitfleet.reconciler.gate.GateRunner(), true).run(at);
            print(result);
            return result.completed() && !result.stalled() ? 0 : 1;
        }
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("gitfleet: could not remove " + dir + ": " + e.getMessage());
        }
    }

    private void print(PassResult r) {
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.yaml || output == OutputFormat.json) {
            java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
            doc.put("status", r.status());
            doc.put("statusCommit", r.written() == null ? null : r.written().commit());
            doc.put("events", r.plan() == null ? java.util.List.of() : r.plan().events());
            doc.put("instructions", r.instructions().values());
            doc.put("failures", r.failures());
            out.print(output == OutputFormat.yaml ? Documents.toYaml(doc) : Documents.toJson(doc) + "\n");
            return;
        }
        if (r.status() != null) {
            FleetStatus.State s = r.status().status();
            out.println("approved branch " + s.approvedBranch() + " at " + s.observedCommit() + ", acting on "
                    + s.approvedCommit());
            for (FleetStatus.Condition c : s.conditions()) {
                out.println(c.type() + " (" + c.reason() + ")" + (c.message() == null ? "" : ": " + c.message()));
            }
        }
        for (PassFailure f : r.failures()) {
            if (r.status() == null || r.status().status().conditions().stream()
                    .noneMatch(c -> c.reason().equals(f.reason()))) {
                spec.commandLine().getErr().println(f.step() + ": " + f.reason() + ": " + f.message());
            }
        }
        if (r.plan() != null) {
            r.plan().events().forEach(e -> out.println("  " + e));
        }
        if (!r.instructions().isEmpty()) {
            Table t = new Table("NODE", "UPGRADE", "ACTION", "VERSION", "ATTEMPT");
            for (Instruction i : r.instructions().values()) {
                t.row(i.name(), i.spec().upgrade(), i.spec().action(), i.spec().version(), i.spec().attempt());
            }
            out.print(t.render());
        }
        if (r.written() != null) {
            out.println("status " + r.written().result().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + (r.written().commit() == null ? "" : " at " + r.written().commit()));
        }
    }

    private Instant instant() {
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
