package io.gitfleet.reconciler.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.catalog.CatalogFetchSettings;
import io.gitfleet.reconciler.catalog.CatalogSources;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.git.GitCli;
import io.gitfleet.reconciler.git.GitDaemon;
import io.gitfleet.reconciler.store.RefResult;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reconcile passes against a fleet repo served by git daemon (fetch and push), with a force-push in the middle. */
class ReconcilePassIT {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    Path tmp;

    private PassResult pass(String url, Path data, String accept, Instant now) throws Exception {
        try (FleetMirror mirror = FleetMirror.open(data.resolve("mirror"), url, GitAuth.NONE)) {
            StatusWriter writer = new StatusWriter(new StatusStore(mirror.repository(), StatusStore.DEFAULT_BRANCH,
                    mirror), Duration.ZERO, Clock.systemUTC());
            return new ReconcilePass(mirror, writer, new RecordedObservations(), InstructionSink.NONE,
                    CatalogSources.inDataDir(data, CatalogFetchSettings.DEFAULTS),
                    new PassOptions("main", accept, true, data.resolve("keys"))).run(now);
        }
    }

    @Test
    void forcePushHoldsNewStartsUntilAnOperatorAcceptsIt() throws Exception {
        Path served = tmp.resolve("served");
        Files.createDirectories(served);
        FleetRepos repos = FleetRepos.create(served);
        GitCli bare = new GitCli(repos.bare);
        String m0 = repos.work.run("rev-parse", "main");
        String promoted = repos.read("upgrades/os-1-35.yaml").replace("promoted: false", "promoted: true");
        String m1 = repos.mergeChange("promote", "upgrades/os-1-35.yaml", promoted);
        Reports.seed(repos.bare, T0);

        try (GitDaemon daemon = GitDaemon.serve(served)) {
            String url = daemon.url("fleet.git");
            Path data = tmp.resolve("data");

            PassResult first = pass(url, data, null, T0.plusSeconds(1));
            assertTrue(first.completed(), first.failures().toString());
            assertEquals(Set.of("worker-1"), first.instructions().keySet(), "the canary starts");
            assertEquals(1, first.plans(), "planned once: the record step and the flush reuse the pass's plan");
            assertEquals(m1, first.instructions().get("worker-1").spec().approvedCommit());
            assertEquals(RefResult.COMMITTED, first.written().result());
            assertTrue(bare.run("log", "-1", "--format=%B", "gitfleet/status").lines()
                    .anyMatch(l -> l.matches("os-1-35: worker-1 (Pending → )?Instructed \\(0/9\\)")), "the event line");
            assertEquals(m1, bare.run("log", "-1", "--format=%(trailers:key=Fleet-Commit,valueonly)",
                    "gitfleet/status"));
            assertEquals("", bare.run("fsck", "--strict", "--no-progress", "--no-dangling"));

            PassResult again = pass(url, data, null, T0.plusSeconds(2));
            assertEquals(RefResult.NO_CHANGE, again.written().result(), "nothing moved: no commit");
            assertEquals(Set.of("worker-1"), again.instructions().keySet(), "in flight: instructed again");

            // force-push: main rewritten to a commit that does not descend from m1, with the same intent
            repos.work.run("reset", "-q", "--hard", m0);
            java.nio.file.Files.writeString(repos.work.dir().resolve("upgrades/os-1-35.yaml"), promoted);
            repos.work.run("commit", "-q", "-am", "Promote os-1-35 (rebased)");
            String x = repos.work.run("rev-parse", "main");
            repos.work.run("push", "-q", "--force", "origin", "main");
            // the canary completes meanwhile; the last accepted fleet would now start worker-2
            Reports.seed(repos.bare, T0.plusSeconds(60), Reports.node("worker-1", "v1.35.1",
                    Reports.task("os-1-35", 1, NodePhase.Completed, "v1.35.1"), T0.plusSeconds(60)));

            PassResult held = pass(url, data, null, T0.plusSeconds(61));
            assertTrue(held.stalled());
            assertTrue(held.instructions().isEmpty(), "no new instruction: " + held.instructions().keySet());
            FleetStatus.State fs = held.status().status();
            assertEquals(m1, fs.approvedCommit());
            assertEquals(x, fs.observedCommit());
            FleetStatus.Condition stalled = fs.conditions().get(0);
            assertEquals(FleetStatus.ConditionType.Stalled, stalled.type());
            assertEquals("HistoryRewritten", stalled.reason());
            assertTrue(stalled.message().contains(m1) && stalled.message().contains(x), stalled.message());
            UpgradeStatus os = held.plan().upgrades().get("os-1-35");
            assertEquals(NodePhase.Completed, row(os, "worker-1").phase(), "in-flight nodes are still tracked");
            assertEquals(NodePhase.Pending, row(os, "worker-2").phase());
            assertEquals("Held", os.status().reason());
            assertTrue(bare.run("show", "gitfleet/status:fleet.yaml").contains("HistoryRewritten"));

            PassResult stillHeld = pass(url, data, null, T0.plusSeconds(62));
            assertTrue(stillHeld.stalled() && stillHeld.instructions().isEmpty(), "stays stalled until accepted");

            PassResult accepted = pass(url, data, x.substring(0, 12), T0.plusSeconds(63));
            assertFalse(accepted.stalled(), accepted.failures().toString());
            assertEquals(x, accepted.status().status().approvedCommit());
            assertEquals(Set.of("worker-2"), accepted.instructions().keySet(), "new work resumes");
            assertEquals(x, accepted.instructions().get("worker-2").spec().approvedCommit());
            assertEquals(FleetStatus.ConditionType.Ready, accepted.status().status().conditions().get(0).type());
            assertEquals("", bare.run("fsck", "--strict", "--no-progress", "--no-dangling"));
        }
    }

    @Test
    void unreachableRemoteIsWaitingAndPathRemotesWork() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp);
        Reports.seed(repos.bare, T0);
        Path data = tmp.resolve("data");
        PassResult ok = pass(repos.bare.toString(), data, null, T0.plusSeconds(1));
        assertTrue(ok.completed(), ok.failures().toString());
        assertEquals(Set.of("worker-1"), ok.instructions().keySet());

        PassResult down = pass("git://127.0.0.1:1/fleet.git", data, null, T0.plusSeconds(2));
        assertEquals("FetchFailed", down.failures().get(0).reason());
        assertEquals(FleetStatus.ConditionType.Waiting, down.status().status().conditions().get(0).type());
    }

    private static UpgradeStatus.NodeRow row(UpgradeStatus u, String node) {
        return u.status().nodes().stream().filter(r -> r.node().equals(node)).findFirst().orElseThrow();
    }
}
