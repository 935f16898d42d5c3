package io.gitfleet.reconciler.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.AbstractCommandSupport;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * An ssh server on 127.0.0.1 that serves the repositories under one folder with the real {@code git upload-pack}
 * and {@code git receive-pack}, to clients whose key is in {@code authorized_keys}: what a forge's ssh endpoint
 * does, without a system sshd.
 */
public final class SshGitServer implements AutoCloseable {
    private final SshServer server;
    private final KeyPair hostKey;

    private SshGitServer(SshServer server, KeyPair hostKey) {
        this.server = server;
        this.hostKey = hostKey;
    }

    public static SshGitServer serve(Path root, Path authorizedKeys, Path hostKeyFile) throws IOException {
        return start(new GitCommands(root), authorizedKeys, hostKeyFile);
    }

    /** A server that authenticates clients and then never answers a git command: a stalled remote. */
    public static SshGitServer stalling(Path authorizedKeys, Path hostKeyFile) throws IOException {
        return start((channel, command) -> new Stalled(command), authorizedKeys, hostKeyFile);
    }

    /** A new ed25519 key pair made by ssh-keygen: {@code dir/name} and {@code dir/name.pub}. */
    public static Path clientKey(Path dir, String name) throws IOException, InterruptedException {
        Path key = dir.resolve(name);
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f",
                key.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("ssh-keygen failed: " + out);
        }
        return key;
    }

    private static SshGitServer start(CommandFactory commands, Path authorizedKeys, Path hostKeyFile)
            throws IOException {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(hostKeyFile);
        sshd.setKeyPairProvider(hostKeys);
        sshd.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(authorizedKeys));
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setCommandFactory(commands);
        sshd.start();
        return new SshGitServer(sshd, hostKeys.loadKeys(null).iterator().next());
    }

    /** {@code ssh://git@127.0.0.1:PORT/ABSOLUTE-PATH} of a repository under the served folder. */
    public String url(Path repo) {
        return "ssh://git@127.0.0.1:" + server.getPort() + repo.toAbsolutePath();
    }

    /** A known_hosts line that pins this server's host key. */
    public String knownHostsLine() {
        return "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }

    /** {@code git-upload-pack '/path'} and {@code git-receive-pack '/path'}, run by the git binary. */
    private record GitCommands(Path root) implements CommandFactory {
        @Override
        public Command createCommand(ChannelSession channel, String command) throws IOException {
            List<String> words = CommandFactory.split(command);
            if (words.size() != 2 || !List.of("git-upload-pack", "git-receive-pack").contains(words.get(0))) {
                throw new IOException("not a git command: " + command);
            }
            Path repo = Path.of(words.get(1)).toAbsolutePath().normalize();
            if (!repo.startsWith(root.toAbsolutePath().normalize()) || !Files.isDirectory(repo)) {
                throw new IOException("no such repository: " + repo);
            }
            return new GitProcess(command, List.of("git", words.get(0).substring(4), repo.toString()));
        }
    }

    private static final class Stalled extends AbstractCommandSupport {
        Stalled(String command) {
            super(command, null);
        }

        @Override
        public void run() {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException destroyed) {
                onExit(1);
            }
        }
    }

    private static final class GitProcess extends AbstractCommandSupport {
        private final List<String> argv;

        GitProcess(String command, List<String> argv) {
            super(command, null);
            this.argv = argv;
        }

        @Override
        public void run() {
            try {
                Process p = new ProcessBuilder(argv).start();
                Thread in = pump(getInputStream(), p.getOutputStream(), true);
                Thread err = pump(p.getErrorStream(), getErrorStream(), false);
                copy(p.getInputStream(), getOutputStream()); // flushed as it goes: the protocol is a dialogue
                int code = p.waitFor();
                err.join();
                in.interrupt();
                onExit(code);
            } catch (IOException | InterruptedException e) {
                onExit(1, e.getMessage());
            }
        }

        private static void copy(InputStream from, OutputStream to) throws IOException {
            byte[] buf = new byte[8192];
            for (int n; (n = from.read(buf)) >= 0; ) {
                to.write(buf, 0, n);
                to.flush();
            }
        }

        private static Thread pump(InputStream from, OutputStream to, boolean closeAfter) {
            Thread t = new Thread(() -> {
                try {
                    copy(from, to);
                    if (closeAfter) {
                        to.close();
                    }
                } catch (IOException done) {
                    // the other side closed
                }
            }, "ssh-git-pump");
            t.setDaemon(true);
            t.start();
            return t;
        }
    }
}
