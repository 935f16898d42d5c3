package io.gitfleet.reconciler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitCli;
import io.gitfleet.reconciler.git.SshGitServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code ssh://} fleet repo, as a forge's deploy key reaches it: a key file and a pinned host key. One
 * {@code reconcile --once} fetches over ssh and pushes its status commit back; an unknown host key and a key the
 * server does not know are refused with a reason, and write nothing.
 */
class SshRemoteIT {
    @TempDir
    Path tmp;

    private CliTest.Run reconcile(String url, Path key, Path knownHosts, String data) {
        return CliTest.gitfleet("reconcile", "--once", "--repo", url, "--ssh-key", key.toString(), "--ssh-known-hosts",
                knownHosts.toString(), "--data-dir", tmp.resolve(data).toString(), "--now", "2026-03-02T10:00:00Z");
    }

    @Test
    void reconcileOverSshWithAPinnedHostKey() throws Exception {
        Path served = tmp.resolve("served");
        Files.createDirectories(served);
        FleetRepos repos = FleetRepos.create(served);
        Path deployKey = SshGitServer.clientKey(tmp, "deploy");
        Path stranger = SshGitServer.clientKey(tmp, "stranger");
        Path authorized = tmp.resolve("authorized_keys");
        Files.copy(deployKey.resolveSibling("deploy.pub"), authorized);
        GitCli bare = new GitCli(repos.bare);

        try (SshGitServer ssh = SshGitServer.serve(served, authorized, tmp.resolve("host-key"))) {
            String url = ssh.url(repos.bare);
            Path knownHosts = tmp.resolve("known_hosts");
            Path otherHost = tmp.resolve("known_hosts-other");
            Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
            // the same name pinned to another key: a server that is not the one we know
            try (SshGitServer impostor = SshGitServer.serve(served, authorized, tmp.resolve("other-host-key"))) {
                String line = impostor.knownHostsLine();
                Files.writeString(otherHost, "[127.0.0.1]:" + url.replaceAll("^ssh://git@127.0.0.1:(\\d+)/.*$", "$1")
                        + line.substring(line.indexOf(' ')) + "\n");
            }

            CliTest.Run wrongHost = reconcile(url, deployKey, otherHost, "data-1");
            assertEquals(1, wrongHost.exit(), wrongHost.out() + wrongHost.err());
            assertTrue(wrongHost.err().contains(url.replaceAll("/fleet.git$", "")) || wrongHost.err().contains(
                    "127.0.0.1"), "names the remote: " + wrongHost.err());
            CliTest.Run wrongKey = reconcile(url, stranger, knownHosts, "data-2");
            assertEquals(1, wrongKey.exit(), wrongKey.out() + wrongKey.err());
            assertTrue(bare.run("branch", "--list", "gitfleet/status").isEmpty(), "nothing was written");

            CliTest.Run once = reconcile(url, deployKey, knownHosts, "data-3");
            assertEquals(0, once.exit(), once.out() + once.err());
            assertTrue(once.out().contains("Ready (Applied)"), once.out());
        }
        assertEquals(repos.work.run("rev-parse", "main"), bare.run("log", "-1",
                "--format=%(trailers:key=Fleet-Commit,valueonly)", "gitfleet/status").strip(),
                "the status commit was pushed over ssh and names the approved commit");
        assertEquals("", bare.run("fsck", "--strict", "--no-progress", "--no-dangling"));
    }
}
