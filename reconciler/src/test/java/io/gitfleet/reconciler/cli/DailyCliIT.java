package io.gitfleet.reconciler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as an operator uses it every day: from inside a clone, one JSON shape, node and upgrade detail, wait. */
class DailyCliIT {
    @TempDir
    Path tmp;
    private FleetRepos repos;
    private String bare;
    private Path clone;

    @BeforeEach
    void fleetWithStatus() throws Exception {
        repos = FleetRepos.create(tmp.resolve("served"));
        bare = repos.bare.toString();
        CliTest.Run once = CliTest.gitfleet("reconcile", "--once", "--repo", bare, "--data-dir",
                tmp.resolve("data").toString(), "--now", "2026-03-02T10:00:00Z");
        assertEquals(0, once.exit(), once.err());
        new GitCli(tmp).run("clone", "-q", bare, "clone");
        clone = tmp.resolve("clone");
    }

    @Test
    void readCommandsWorkInsideAClone() throws Exception {
        // a clone has the status branch only as origin/gitfleet/status, and the operator stands in a subfolder
        assertEquals("", new GitCli(clone).run("branch", "--list", "gitfleet/status").strip());
        CliTest.Run status = CliTest.gitfleet("status", "--repo", clone.resolve("upgrades").toString());
        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().contains("os-1-35"), status.out());
        CliTest.Run named = CliTest.gitfleet("nodes", "--repo", clone.toString(), "--status-branch",
                "origin/gitfleet/status");
        assertEquals(0, named.exit(), named.err());
        assertTrue(named.out().contains("worker-6"), named.out());
        CliTest.Run missing = CliTest.gitfleet("status", "--repo", clone.toString(), "--status-branch", "nope");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("no status branch nope"), missing.err());
    }

    @Test
    void everyListIsItemsInJson() {
        for (String[] cmd : new String[][] {{"status"}, {"nodes"}, {"history"}}) {
            CliTest.Run r = CliTest.gitfleet(Stream.concat(Stream.of(cmd), Stream.of("--repo", bare, "-o", "json"))
                    .toArray(String[]::new));
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("\"items\":["), cmd[0] + ": " + r.out());
        }
    }

    @Test
    void nodeAndUpgradeDetail() {
        CliTest.Run node = CliTest.gitfleet("get", "node", "worker-1", "--repo", bare);
        assertEquals(0, node.exit(), node.err());
        assertTrue(node.out().matches("(?s)NODE +worker-1\n.*UPGRADE +PHASE +FROM +TO +AGE +MESSAGE\n.*os-1-35.*"),
                node.out());
        assertEquals(2, CliTest.gitfleet("get", "node", "nope", "--repo", bare).exit());

        CliTest.Run describe = CliTest.gitfleet("describe", "upgrade", "os-1-35", "--repo", bare);
        assertEquals(0, describe.exit(), describe.err());
        assertTrue(describe.out().contains("Phase:") && describe.out().contains("Events (newest first):")
                && describe.out().contains("Next:"), describe.out());
        CliTest.Run upgrade = CliTest.gitfleet("get", "upgrade", "os-1-35", "--repo", bare);
        assertTrue(upgrade.out().matches("(?s).*NODE +ROLE +PHASE +FROM +TO +ATTEMPT +AGE +MESSAGE.*"), upgrade.out());
    }

    @Test
    void waitReturnsAtThePhaseAndFailsOnTimeout() {
        CliTest.Run get = CliTest.gitfleet("get", "upgrade", "os-1-35", "--repo", bare, "-o", "json");
        Matcher phase = Pattern.compile("\"phase\":\"(\\w+)\"").matcher(get.out());
        assertTrue(phase.find(), get.out());
        CliTest.Run reached = CliTest.gitfleet("wait", "os-1-35", "--for", phase.group(1), "--repo", bare);
        assertEquals(0, reached.exit(), reached.err());
        CliTest.Run timedOut = CliTest.gitfleet("wait", "os-1-35", "--for", "Succeeded", "--timeout", "1s",
                "--interval", "1s", "--repo", bare);
        assertEquals(1, timedOut.exit(), timedOut.out());
        assertTrue(timedOut.err().contains("not Succeeded"), timedOut.err());
        assertEquals(2, CliTest.gitfleet("wait", "os-1-35", "--for", "Done", "--repo", bare).exit());
    }

    @Test
    void retryOfANodeOutsideTheFleetIsBadInputAndIntentsSayWhatIsNext() {
        CliTest.Run unknown = CliTest.gitfleet("retry", "os-1-35", "worker-99", "--repo", bare);
        assertEquals(2, unknown.exit(), unknown.out());
        assertTrue(unknown.err().contains("no node named worker-99"), unknown.err());
        CliTest.Run outside = CliTest.gitfleet("retry", "kubernetes-1-35", "worker-4", "--repo", bare);
        assertEquals(2, outside.exit(), outside.out());
        assertTrue(outside.err().contains("node worker-4 is not in upgrade kubernetes-1-35"), outside.err());
        CliTest.Run promote = CliTest.gitfleet("promote", "os-1-35", "--repo", clone.toString());
        assertEquals(0, promote.exit(), promote.err());
        assertTrue(promote.err().contains("next: git push origin " + promote.out().strip()), promote.err());
    }

    @Test
    void versionAndCompletion() {
        CliTest.Run version = CliTest.gitfleet("version");
        assertEquals(0, version.exit(), version.err());
        assertTrue(version.out().startsWith("client  gitfleet "), version.out());
        CliTest.Run bash = CliTest.gitfleet("completion", "bash");
        assertTrue(bash.out().contains("complete -F") && bash.out().contains("describe"), bash.out());
        assertTrue(CliTest.gitfleet("completion", "zsh").out().contains("bashcompinit"));
        assertEquals(2, CliTest.gitfleet("completion", "fish").exit());
    }

    @Test
    void reconcileOnceLeavesNoMirrorBehind() throws Exception {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = onceFolders(temp);
        CliTest.Run once = CliTest.gitfleet("reconcile", "--once", "--repo", bare, "--now", "2026-03-02T10:05:00Z");
        assertEquals(0, once.exit(), once.err());
        assertEquals(before, onceFolders(temp), "no gitfleet-once folder left in " + temp);
    }

    private static long onceFolders(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("gitfleet-once")).count();
        }
    }
}
