package io.gitfleet.reconciler.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * Credentials for the fleet repo's remote, from the operator's environment or files, never from the repo:
 * a token (or password) for https, used as the password of {@code username} (default {@code x-access-token},
 * which GitHub, Gitea and GitLab accept), and a private key file for ssh.
 */
public record GitAuth(String username, String token, Path sshKey) {
    public static final String TOKEN_ENV = "GITFLEET_GIT_TOKEN";
    public static final GitAuth NONE = new GitAuth(null, null, null);

    /** {@code --token-file} wins over {@code GITFLEET_GIT_TOKEN}; one trailing newline of the file is ignored. */
    public static GitAuth from(String username, Path tokenFile, Path sshKey) throws IOException {
        String token = null;
        if (tokenFile != null) {
            token = Files.readString(tokenFile, StandardCharsets.UTF_8).replaceFirst("\\r?\\n$", "");
        } else if (System.getenv(TOKEN_ENV) != null && !System.getenv(TOKEN_ENV).isEmpty()) {
            token = System.getenv(TOKEN_ENV);
        }
        return new GitAuth(username, token, sshKey);
    }

    /** Sets credentials (and the ssh key) on a transport before it connects. */
    public void configure(Transport transport) {
        if (token != null) {
            transport.setCredentialsProvider(new UsernamePasswordCredentialsProvider(
                    username == null ? "x-access-token" : username, token));
        }
        if (sshKey != null && transport instanceof SshTransport ssh) {
            Path key = sshKey.toAbsolutePath();
            java.io.File home = new java.io.File(System.getProperty("user.home"));
            SshdSessionFactory factory = new SshdSessionFactoryBuilder()
                    .setHomeDirectory(home)
                    .setSshDirectory(new java.io.File(home, ".ssh"))
                    .setDefaultIdentities(dir -> List.of(key))
                    .setPreferredAuthentications("publickey")
                    .build(null);
            ssh.setSshSessionFactory(factory);
        }
    }
}
