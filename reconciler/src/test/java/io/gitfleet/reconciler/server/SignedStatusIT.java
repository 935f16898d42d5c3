package io.gitfleet.reconciler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.git.GitCli;
import io.gitfleet.webhooks.WebhookSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --signing-key}: every status commit carries an SSH signature that the real {@code git verify-commit}
 * accepts with the allowed-signers line docs/server.md shows, and refuses with another key listed.
 */
class SignedStatusIT {
    @TempDir
    Path tmp;
    private ReconcilerServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void statusCommitsVerifyWithGit() throws Exception {
        Path key = sshKey("reconciler");
        Path stranger = sshKey("stranger");
        FleetRepos repos = FleetRepos.create(tmp.resolve("repos"));
        server = new ReconcilerServer(settings(repos, key), Clock.systemUTC());
        server.start();
        GitCli bare = new GitCli(repos.bare);
        ServerIT.eventually("a status commit was pushed",
                () -> bare.tryRun(null, "rev-parse", "--verify", "-q", "refs/heads/gitfleet/status").exit() == 0);

        // the line docs/server.md shows: the committer's address, the git namespace, the public key
        Path allowed = tmp.resolve("allowed_signers");
        Files.writeString(allowed, "gitfleet@localhost namespaces=\"git\" " + Files.readString(Path.of(key + ".pub")));
        GitCli.Result ok = bare.tryRun(null, "-c", "gpg.ssh.allowedSignersFile=" + allowed, "verify-commit",
                "gitfleet/status");
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.err().contains("Good \"git\" signature for gitfleet@localhost"), ok.err());
        String every = bare.run("-c", "gpg.ssh.allowedSignersFile=" + allowed, "log", "--format=%G?",
                "gitfleet/status");
        assertTrue(every.lines().allMatch("G"::equals), "every status commit is signed: " + every);

        Path other = tmp.resolve("other_signers");
        Files.writeString(other, "gitfleet@localhost namespaces=\"git\" "
                + Files.readString(Path.of(stranger + ".pub")));
        assertNotEquals(0, bare.tryRun(null, "-c", "gpg.ssh.allowedSignersFile=" + other, "verify-commit",
                "gitfleet/status").exit(), "a key that is not listed does not verify");
    }

    @Test
    void aKeyThatCannotSignIsRefusedAtStart() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp.resolve("repos"));
        Path notAKey = tmp.resolve("not-a-key");
        Files.writeString(notAKey, "hello\n");
        IOException e = assertThrows(IOException.class,
                () -> new ReconcilerServer(settings(repos, notAKey), Clock.systemUTC()));
        assertTrue(e.getMessage().startsWith("cannot sign with " + notAKey), e.getMessage());
        IOException missing = assertThrows(IOException.class,
                () -> new ReconcilerServer(settings(repos, tmp.resolve("missing")), Clock.systemUTC()));
        assertTrue(missing.getMessage().contains("cannot be read"), missing.getMessage());
    }

    private ServerSettings settings(FleetRepos repos, Path key) {
        return new ServerSettings(repos.bare.toString(), GitAuth.NONE, tmp.resolve("data"), "127.0.0.1", 0, "main",
                "gitfleet/status", Duration.ofHours(1), Duration.ofMillis(200), WebhookSecrets.shared("s"), null, null)
                .withSecurity(new ServerSecurity(null, null, key));
    }

    private Path sshKey(String name) throws Exception {
        Path k = tmp.resolve(name);
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", k.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, p.waitFor());
        return k;
    }
}
