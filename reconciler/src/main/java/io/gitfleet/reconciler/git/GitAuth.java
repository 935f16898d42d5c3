package io.gitfleet.reconciler.git;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * How gitfleet reaches the fleet repo's remote. Credentials come from the operator's environment or files, never
 * from the repo:
 * a token (or password) for https, used as the password of {@code username} (default {@code x-access-token},
 * which GitHub, Gitea and GitLab accept), and for ssh a private key file and the known-hosts file that pins the
 * server's host key (default {@code ~/.ssh/known_hosts}). A host key that is not in it, or differs, is refused:
 * a reconciler has nobody to ask. {@code timeout} bounds each network read and connect, so a remote that
 * stalls fails the fetch or push (and the pass says so) instead of holding the reconcile loop forever.
 */
public record GitAuth(String username, String token, Path sshKey, Path knownHosts, Duration timeout) {
    public static final String TOKEN_ENV = "GITFLEET_GIT_TOKEN";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final GitAuth NONE = new GitAuth(null, null, null, null, null);

    /** One ssh client per key and known-hosts file for the life of the process: it is reused by every fetch. */
    private static final Map<List<Path>, SshdSessionFactory> SSH = new ConcurrentHashMap<>();

    public GitAuth {
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.toSeconds() < 1) {
            throw new IllegalArgumentException("a Git network timeout must be at least 1s");
        }
    }

    public GitAuth(String username, String token, Path sshKey) {
        this(username, token, sshKey, null, null);
    }

    public GitAuth withTimeout(Duration t) {
        return new GitAuth(username, token, sshKey, knownHosts, t);
    }

    /** {@code --token-file} wins over {@code GITFLEET_GIT_TOKEN}; one trailing newline of the file is ignored. */
    public static GitAuth from(String username, Path tokenFile, Path sshKey, Path knownHosts) throws IOException {
        String token = null;
        if (tokenFile != null) {
            token = Files.readString(tokenFile, StandardCharsets.UTF_8).replaceFirst("\\r?\\n$", "");
        } else if (System.getenv(TOKEN_ENV) != null && !System.getenv(TOKEN_ENV).isEmpty()) {
            token = System.getenv(TOKEN_ENV);
        }
        return new GitAuth(username, token, sshKey, knownHosts, null);
    }

    /** Sets the timeout and the credentials (and the ssh client) on a transport before it connects. */
    public void configure(Transport transport) {
        transport.setTimeout((int) timeout.toSeconds());
        if (token != null) {
            transport.setCredentialsProvider(new UsernamePasswordCredentialsProvider(
                    username == null ? "x-access-token" : username, token));
        }
        if ((sshKey != null || knownHosts != null) && transport instanceof SshTransport ssh) {
            Path key = sshKey == null ? null : sshKey.toAbsolutePath();
            Path hosts = knownHosts == null ? null : knownHosts.toAbsolutePath();
            ssh.setSshSessionFactory(SSH.computeIfAbsent(Arrays.asList(key, hosts), k -> sshClient(key, hosts)));
        }
    }

    private static SshdSessionFactory sshClient(Path key, Path hosts) {
        File home = new File(System.getProperty("user.home"));
        SshdSessionFactoryBuilder b = new SshdSessionFactoryBuilder()
                .setHomeDirectory(home)
                .setSshDirectory(new File(home, ".ssh"))
                .setPreferredAuthentications("publickey");
        if (key != null) {
            b.setDefaultIdentities(dir -> List.of(key));
        }
        if (hosts != null) {
            b.setDefaultKnownHostsFiles(dir -> List.of(hosts));
        }
        return b.build(null);
    }
}
