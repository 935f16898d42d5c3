package io.gitfleet.reconciler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusUpdate;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.Report;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gitfleet reconcile --once} runs a phase's gate within its pass: a CI-driven fleet promotes on its gates. */
class GatedOnceIT {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final List<String> NODES = List.of("cp-1", "cp-2", "cp-3", "worker-1", "worker-2", "worker-3",
            "worker-4", "worker-5", "worker-6");

    @TempDir
    Path tmp;

    /** What the server would have recorded: every node healthy on v1.34.1, worker-1 as given. */
    private static void reports(Path bare, Instant seen, Report.Task worker1, String worker1Os) throws Exception {
        try (Repository repo = new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build()) {
            new StatusStore(repo, StatusStore.DEFAULT_BRANCH, null).update(view -> {
                StatusUpdate u = new StatusUpdate();
                for (String n : NODES) {
                    boolean w1 = n.equals("worker-1");
                    u.put(NodeStatus.of(n, new NodeStatus.State(Map.of("os", w1 ? worker1Os : "v1.34.1",
                            "kubernetes", "v1.34.1"), new Report.Slots("a", "a", null, null, null),
                            new Report.Health(true, null), w1 ? worker1 : null, null, seen)));
                }
                return u;
            });
        }
    }

    @Test
    void aGatedPhaseIsPromotedInOneRun() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp);
        repos.mergeChange("gated", "upgrades/os-1-35.yaml", """
                apiVersion: gitfleet.io/v1
                kind: Upgrade
                metadata:
                  name: os-1-35
                spec:
                  version: stable
                  catalog:
                    ref: catalogs/os.yaml
                  strategy:
                    order: workers-first
                    maxUnavailable: 1
                    phases:
                      - {nodes: 1}
                      - {percent: 100}
                    gates:
                      - {command: [sh, -c, "test -e %s"]}
                """.formatted(tmp.resolve("healthy")));
        String repo = repos.bare.toString();
        reports(repos.bare, T0, null, "v1.34.1");
        CliTest.Run first = CliTest.gitfleet("reconcile", "--once", "--repo", repo, "--now", "2026-03-02T10:00:01Z");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().matches("(?s).*\\nworker-1\\s+os-1-35\\s+INSTALL.*"), first.out());

        reports(repos.bare, T0.plusSeconds(60), new Report.Task("os-1-35", 1, null, "v1.35.1", NodePhase.Completed,
                null, null, null, null), "v1.35.1");
        CliTest.Run failing = CliTest.gitfleet("reconcile", "--once", "--repo", repo, "--now", "2026-03-02T10:01:01Z");
        assertTrue(!failing.out().matches("(?s).*\\nworker-2\\s+os-1-35.*"), "the gate did not pass: " + failing.out());
        CliTest.Run get = CliTest.gitfleet("get", "upgrade", "os-1-35", "--repo", repo, "-o", "yaml");
        assertTrue(get.out().contains("reason: GateFailed") && get.out().contains("exited with 1"), get.out());

        java.nio.file.Files.createFile(tmp.resolve("healthy"));
        CliTest.Run passing = CliTest.gitfleet("reconcile", "--once", "--repo", repo, "--now", "2026-03-02T10:01:02Z");
        assertEquals(0, passing.exit(), passing.err());
        assertTrue(passing.out().matches("(?s).*\\nworker-2\\s+os-1-35\\s+INSTALL.*"),
                "the gate passed and the next phase started in the same run: " + passing.out());
    }
}
