package io.gitfleet.reconciler.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.catalog.CatalogFetchSettings;
import io.gitfleet.reconciler.catalog.CatalogSources;
import io.gitfleet.reconciler.gate.GateRunner;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A phase boundary with a command gate, passed in one pass as {@code reconcile --once} runs it (the gates are run
 * within the pass), and in two as the server runs it (the gates run off the pass; the pass after reads them).
 */
class GatedPassIT {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    Path tmp;

    private static String manifest(String gate) {
        return """
                apiVersion: gitfleet.io/v1
                kind: Upgrade
                metadata:
                  name: os-1-35
                spec:
                  component: os
                  version: stable
                  catalog:
                    ref: catalogs/os.yaml
                  selector: {}
                  strategy:
                    order: workers-first
                    maxUnavailable: 1
                    phases:
                      - {nodes: 1}
                      - {percent: 100}
                    gates:
                      - {command: [sh, -c, "%s"], timeout: 30s}
                """.formatted(gate);
    }

    private PassResult pass(FleetRepos repos, GateRunner gates, boolean awaitGates, Instant now) throws Exception {
        Path data = tmp.resolve("data");
        try (FleetMirror mirror = FleetMirror.open(data.resolve("mirror"), repos.bare.toString(), GitAuth.NONE)) {
            StatusWriter writer = new StatusWriter(new StatusStore(mirror.repository(), StatusStore.DEFAULT_BRANCH,
                    mirror), Duration.ZERO, Clock.systemUTC());
            return new ReconcilePass(mirror, writer, new RecordedObservations(), InstructionSink.NONE,
                    CatalogSources.inDataDir(data, CatalogFetchSettings.DEFAULTS),
                    new PassOptions("main", null, true, data.resolve("keys")), gates, awaitGates).run(now);
        }
    }

    /** The canary phase is done: worker-1 completed on v1.35.1 and reports healthy. */
    private FleetRepos canaryDone(String gate, GateRunner gates, boolean awaitGates) throws Exception {
        FleetRepos repos = FleetRepos.create(tmp.resolve("repos"));
        repos.mergeChange("gated", "upgrades/os-1-35.yaml", manifest(gate));
        Reports.seed(repos.bare, T0);
        PassResult first = pass(repos, gates, awaitGates, T0.plusSeconds(1));
        assertEquals(Set.of("worker-1"), first.instructions().keySet(), first.failures().toString());
        Reports.seed(repos.bare, T0.plusSeconds(60), Reports.node("worker-1", "v1.35.1",
                Reports.task("os-1-35", 1, NodePhase.Completed, "v1.35.1"), T0.plusSeconds(60)));
        return repos;
    }

    @Test
    void onePassRunsThePassingGateAndPromotes() throws Exception {
        GateRunner gates = new GateRunner();
        FleetRepos repos = canaryDone("exit 0", gates, true);
        PassResult r = pass(repos, gates, true, T0.plusSeconds(61));
        assertTrue(r.completed(), r.failures().toString());
        assertEquals(Set.of("worker-2"), r.instructions().keySet(), "the next phase starts in the same pass");
        assertEquals(UpgradePhase.RollingOut, r.plan().upgrades().get("os-1-35").status().phase());
    }

    @Test
    void onePassRunsTheFailingGateAndWaitsWithItsReason() throws Exception {
        GateRunner gates = new GateRunner();
        FleetRepos repos = canaryDone("echo 3 alerts firing; exit 1", gates, true);
        PassResult r = pass(repos, gates, true, T0.plusSeconds(61));
        assertTrue(r.instructions().isEmpty(), r.instructions().keySet().toString());
        UpgradeStatus.State os = r.plan().upgrades().get("os-1-35").status();
        assertEquals(UpgradePhase.Waiting, os.phase());
        assertEquals("GateFailed", os.reason());
        assertTrue(os.message().contains("exited with 1: 3 alerts firing"), os.message());
    }

    /** The server's way: the pass asks for the gates and goes on; the run that lands asks for the pass that reads it. */
    @Test
    void theServerRunsGatesOffThePassAndTheNextPassReadsThem() throws Exception {
        Semaphore landed = new Semaphore(0);
        GateRunner gates = new GateRunner().onResult(landed::release);
        FleetRepos repos = canaryDone("exit 0", gates, false);
        PassResult asked = pass(repos, gates, false, T0.plusSeconds(61));
        assertTrue(asked.instructions().isEmpty(), "the pass does not wait for the gates");
        assertEquals("GatesPending", asked.plan().upgrades().get("os-1-35").status().reason());
        assertTrue(landed.tryAcquire(60, TimeUnit.SECONDS), "the gate run landed and said so");
        PassResult next = pass(repos, gates, false, T0.plusSeconds(62));
        assertEquals(Set.of("worker-2"), next.instructions().keySet(), next.plan().upgrades().get("os-1-35")
                .status().message());
    }
}
