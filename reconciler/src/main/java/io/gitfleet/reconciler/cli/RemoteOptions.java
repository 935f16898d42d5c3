package io.gitfleet.reconciler.cli;

import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.git.GitUrls;
import io.gitfleet.reconciler.git.TransferProgress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --repo} and how to reach it: a path or a URL (file://, git://, https://, ssh://), credentials from a file
 * or the environment (never from the repo), and the folder that keeps the local mirror.
 */
final class RemoteOptions {
    /** The fleet repo as given, less any password in it (which becomes the https credentials). */
    String repo = ".";
    private GitUrls.Split given = new GitUrls.Split(".", null, null);

    /** The command this option set belongs to: its stderr shows the progress of long fetches. */
    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec mixee;

    @Option(names = "--repo", paramLabel = "URL", defaultValue = ".",
            description = "the fleet repo: a path or a URL (default: $GITFLEET_REPO, else the repository the current "
                    + "directory is in); prefer --token-file to a password in the URL")
    void repo(String value) {
        given = GitUrls.split(value);
        repo = given.url(); // the password never reaches logs, conditions or the mirror's key
    }

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "where the mirror of the fleet repo and the caches are kept (default: serve "
                    + "~/.local/share/gitfleet; other commands ~/.cache/gitfleet/mirrors/<hash of the URL>, and "
                    + "reconcile --once a temporary folder removed on exit)")
    Path dataDir;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "https token or password (else $GITFLEET_GIT_TOKEN)")
    Path tokenFile;

    @Option(names = "--username", paramLabel = "NAME", description = "https user (default x-access-token)")
    String username;

    @Option(names = "--ssh-key", paramLabel = "FILE", description = "private key for ssh:// remotes")
    Path sshKey;

    @Option(names = "--git-timeout", paramLabel = "DURATION", defaultValue = "60s",
            description = "give up a fetch or push whose remote is silent this long (default 60s)")
    String gitTimeout;

    @Option(names = "--ssh-known-hosts", paramLabel = "FILE",
            description = "known_hosts file pinning the ssh server's host key (default ~/.ssh/known_hosts)")
    Path knownHosts;

    GitAuth auth() throws IOException {
        if (tokenFile != null && !Files.isReadable(tokenFile)) {
            throw new UsageException("--token-file " + tokenFile + ": cannot be read");
        }
        if (sshKey != null && !Files.isReadable(sshKey)) {
            throw new UsageException("--ssh-key " + sshKey + ": cannot be read");
        }
        if (knownHosts != null && !Files.isReadable(knownHosts)) {
            throw new UsageException("--ssh-known-hosts " + knownHosts + ": cannot be read");
        }
        Duration timeout = UsageException.duration("--git-timeout", gitTimeout);
        GitAuth auth = GitAuth.from(username, null, sshKey, knownHosts);
        if (tokenFile != null) {
            auth = new GitAuth(username, SecretFiles.read("--token-file", tokenFile), sshKey, knownHosts, null);
        } else if (given.password() != null) {
            auth = new GitAuth(username != null ? username : given.user(), given.password(), sshKey, knownHosts,
                    null);
        }
        try {
            return auth.withTimeout(timeout); // GitAuth holds the bound (at least 1s)
        } catch (IllegalArgumentException e) {
            throw new UsageException("--git-timeout " + gitTimeout + ": " + e.getMessage());
        }
    }

    /** A local path that holds a Git repository (bare or not), or null for a URL. */
    Path localRepo() {
        if (repo.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            return null;
        }
        Path p = Path.of(repo).toAbsolutePath().normalize();
        if (Files.isRegularFile(p.resolve("HEAD")) && Files.isDirectory(p.resolve("objects"))) {
            return p;
        }
        // like git itself: the repository this folder is in, however deep
        for (Path dir = p; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(".git"))) {
                return dir.resolve(".git");
            }
        }
        throw new UsageException("--repo " + repo + ": not a Git repository (nor inside one)");
    }

    FleetMirror mirror() throws IOException {
        Path dir = dataDir != null ? dataDir.resolve("mirror") : defaultDataDir();
        return FleetMirror.open(dir, repo, auth()).setProgress(progress());
    }

    /** A line every 2 s on the command's stderr while a fetch or push runs longer than that. */
    TransferProgress.Factory progress() {
        java.io.PrintWriter err = mixee == null ? new java.io.PrintWriter(System.err, true)
                : mixee.commandLine().getErr();
        return TransferProgress.every(Duration.ofSeconds(2), line -> {
            err.println("gitfleet: " + line);
            err.flush();
        });
    }

    private Path defaultDataDir() {
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isEmpty() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        String key = org.eclipse.jgit.lib.ObjectId.fromRaw(sha1(repo)).name().substring(0, 12);
        return base.resolve("gitfleet").resolve("mirrors").resolve(key);
    }

    private static byte[] sha1(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
