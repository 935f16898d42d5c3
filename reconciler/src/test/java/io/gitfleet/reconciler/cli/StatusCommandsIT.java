package io.gitfleet.reconciler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitCli;
import io.gitfleet.reconciler.git.GitDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reconcile --once}, the read commands and the intent verbs, run as a user runs them. */
class StatusCommandsIT {
    @TempDir
    Path tmp;

    @Test
    void reconcileOnceThenReadTheStatusBranch() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp);
        String repo = repos.bare.toString();
        CliTest.Run once = CliTest.gitfleet("reconcile", "--once", "--repo", repo, "--data-dir",
                tmp.resolve("data").toString(), "--now", "2026-03-02T10:00:00Z");
        assertEquals(0, once.exit(), once.err());
        assertTrue(once.out().contains("Ready (Applied)"), once.out());

        CliTest.Run status = CliTest.gitfleet("status", "--repo", repo);
        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().matches("(?s).*NAME\\s+DESIRED\\s+RESOLVED\\s+PHASE\\s+PROGRESS.*"), status.out());
        assertTrue(status.out().contains("os-1-35") && status.out().contains("v1.35.1"), status.out());

        CliTest.Run get = CliTest.gitfleet("get", "upgrade", "os-1-35", "--repo", repo, "-o", "yaml");
        assertTrue(get.out().contains("kind: UpgradeStatus"), get.out());
        CliTest.Run nodes = CliTest.gitfleet("nodes", "--repo", repo);
        assertTrue(nodes.out().matches("(?s)NODE\\s+UPGRADE\\s+CURRENT\\s+TARGET\\s+PHASE\\s+MESSAGE.*worker-6.*"),
                nodes.out());
        CliTest.Run history = CliTest.gitfleet("history", "os-1-35", "--repo", repo, "-o", "json");
        assertTrue(history.out().contains("\"approvedCommit\":\"" + repos.work.run("rev-parse", "main") + "\""),
                history.out());
        assertEquals(2, CliTest.gitfleet("get", "upgrade", "nope", "--repo", repo).exit());
        assertEquals("", new GitCli(repos.bare).run("fsck", "--strict", "--no-progress", "--no-dangling"));
    }

    @Test
    void intentVerbsCommitOnANewBranch() throws Exception {
        Path served = tmp.resolve("served");
        Files.createDirectories(served);
        FleetRepos repos = FleetRepos.create(served);
        GitCli bare = new GitCli(repos.bare);
        String repo = repos.bare.toString();

        CliTest.Run pause = CliTest.gitfleet("pause", "kubernetes-1-35", "--repo", repo);
        assertEquals(0, pause.exit(), pause.err());
        assertTrue(pause.err().contains("already says so"), "kubernetes-1-35 is paused already");

        CliTest.Run promote = CliTest.gitfleet("promote", "os-1-35", "--repo", repo);
        assertEquals(0, promote.exit(), promote.err());
        String branch = promote.out().strip();
        assertTrue(branch.startsWith("gitfleet/promote-os-1-35-"), branch);
        assertEquals("1\t1\tupgrades/os-1-35.yaml", bare.run("diff", "--numstat", "main", branch),
                "one line changed");
        assertTrue(bare.run("show", branch + ":upgrades/os-1-35.yaml").contains(
                "promoted: true                       # commit promoted: true after the canary succeeds")
                || bare.run("show", branch + ":upgrades/os-1-35.yaml").contains("promoted: true"));

        CliTest.Run retry = CliTest.gitfleet("retry", "os-1-35", "worker-3", "--repo", repo);
        assertEquals(0, retry.exit(), retry.err());
        String retried = bare.run("show", retry.out().strip() + ":upgrades/os-1-35.yaml");
        assertTrue(retried.matches("(?s).*retry:\\n    worker-3: \"\\d{8}-\\d{6}\".*"), retried);

        CliTest.Run cancel = CliTest.gitfleet("cancel", "os-1-35", "--repo", repo);
        assertEquals("D\tupgrades/os-1-35.yaml", bare.run("diff", "--name-status", "main", cancel.out().strip()));

        try (GitDaemon daemon = GitDaemon.serve(served)) {
            CliTest.Run pushed = CliTest.gitfleet("rollback", "os-1-35", "--repo", daemon.url("fleet.git"), "--push",
                    "--data-dir", tmp.resolve("data").toString());
            assertEquals(0, pushed.exit(), pushed.err());
            assertTrue(bare.run("show", pushed.out().strip() + ":upgrades/os-1-35.yaml").contains("rollback: true"));
        }
        assertEquals(2, CliTest.gitfleet("retry", "os-1-35", "--repo", repo).exit(), "retry needs a node");
        assertEquals("", bare.run("fsck", "--strict", "--no-progress", "--no-dangling"));
    }
}
