package io.gitfleet.reconciler.git;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code git daemon} on 127.0.0.1 and a free port, serving every repo under a folder for fetch and push. */
public final class GitDaemon implements AutoCloseable {
    private final Process process;
    private final int port;

    private GitDaemon(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static GitDaemon serve(Path base) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return serve(base, port);
    }

    /** Serves on {@code port}: the same address again after {@link #close()} (a Git server taken down and back). */
    public static GitDaemon serve(Path base, int port) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of("git", "daemon", "--reuseaddr", "--export-all",
                "--enable=receive-pack", "--listen=127.0.0.1", "--port=" + port, "--base-path=" + base, base.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new GitDaemon(p, port);
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    throw new IOException("git daemon exited with " + p.exitValue());
                }
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IOException("git daemon did not listen on port " + port);
    }

    public int port() {
        return port;
    }

    /** {@code git://127.0.0.1:PORT/NAME} for a repo directly under the served folder. */
    public String url(String name) {
        return "git://127.0.0.1:" + port + "/" + name;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
