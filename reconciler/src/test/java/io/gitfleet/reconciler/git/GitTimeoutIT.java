package io.gitfleet.reconciler.git;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote that lets us in and then says nothing (an ssh server whose git command never answers) fails the fetch
 * within the Git timeout, with a reason, instead of holding the reconcile loop.
 */
class GitTimeoutIT {
    @TempDir
    Path tmp;

    @Test
    void aStalledRemoteFailsTheFetchInsteadOfHangingTheLoop() throws Exception {
        Path key = SshGitServer.clientKey(tmp, "deploy");
        Path knownHosts = tmp.resolve("known_hosts");
        try (SshGitServer stalled = SshGitServer.stalling(key.resolveSibling("deploy.pub"), tmp.resolve("host"))) {
            Files.writeString(knownHosts, stalled.knownHostsLine() + "\n");
            String url = stalled.url(tmp.resolve("fleet.git"));
            GitAuth auth = new GitAuth(null, null, key, knownHosts, Duration.ofSeconds(1));
            try (FleetMirror mirror = FleetMirror.open(tmp.resolve("mirror"), url, auth)) {
                long start = System.nanoTime();
                FetchFailedException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                        assertThrows(FetchFailedException.class, mirror::fetch));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(e.getMessage().contains(url), e.getMessage());
                assertTrue(e.getMessage().toLowerCase().contains("time"), "says it timed out: " + e.getMessage());
                System.out.println("GitTimeoutIT: a stalled ssh remote failed the fetch after " + ms + " ms (timeout "
                        + "1 s): " + e.getMessage());
            }
        }
    }
}
