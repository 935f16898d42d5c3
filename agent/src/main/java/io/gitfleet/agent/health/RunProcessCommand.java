package io.gitfleet.agent.health;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command without a shell, with a timeout, keeping only the tail of its merged output so that a
 * chatty installer cannot fill the heap.
 */
public final class RunProcessCommand {
    public static final int DEFAULT_TAIL_BYTES = 2048;

    private final List<String> argv;
    private Duration timeout = Duration.ofMinutes(5);
    private int tailBytes = DEFAULT_TAIL_BYTES;
    private Map<String, String> environment = Map.of();
    private Path directory;
    private Path input;
    private Runnable heartbeat = () -> { };
    private Duration heartbeatEvery = Duration.ofSeconds(5);

    public RunProcessCommand(List<String> argv) {
        if (argv == null || argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        this.argv = List.copyOf(argv);
    }

    public RunProcessCommand setTimeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    public RunProcessCommand setTailBytes(int tailBytes) {
        this.tailBytes = tailBytes;
        return this;
    }

    public RunProcessCommand setEnvironment(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        return this;
    }

    /** Called every {@code every} while the command runs: a long install keeps reporting that it is alive. */
    public RunProcessCommand setHeartbeat(Runnable heartbeat, Duration every) {
        this.heartbeat = heartbeat;
        this.heartbeatEvery = every;
        return this;
    }

    /** The file the command reads as its stdin (otherwise {@code /dev/null}). */
    public RunProcessCommand setInput(Path input) {
        this.input = input;
        return this;
    }

    public RunProcessCommand setDirectory(Path directory) {
        this.directory = directory;
        return this;
    }

    /** @throws IOException when the command cannot be started at all (missing binary, permissions) */
    public ProcessResult call() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(input == null ? new java.io.File("/dev/null")
                        : input.toFile()));
        pb.environment().putAll(environment);
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        Process process = pb.start();
        Tail tail = new Tail(tailBytes);
        Thread drain = new Thread(() -> tail.drain(process.getInputStream()), "process-output");
        drain.setDaemon(true);
        drain.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean finished = false;
        while (!finished) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            finished = process.waitFor(Math.min(left, heartbeatEvery.toNanos()), TimeUnit.NANOSECONDS);
            if (!finished) {
                heartbeat.run();
            }
        }
        if (!finished) {
            // Kill the whole tree: installers fork helpers that would otherwise keep running. The list is taken
            // first, the parent killed first, so that it cannot start more helpers meanwhile.
            var helpers = process.descendants().toList();
            process.destroyForcibly();
            helpers.forEach(ProcessHandle::destroyForcibly);
            process.waitFor(10, TimeUnit.SECONDS);
        }
        drain.join(2000);
        return new ProcessResult(finished ? process.exitValue() : -1, !finished, tail.text());
    }

    /** A ring of the last bytes of output. */
    static final class Tail {
        private final byte[] ring;
        private long total;

        Tail(int size) {
            ring = new byte[size];
        }

        void drain(InputStream in) {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    append(buf, n);
                }
            } catch (IOException e) {
                // The process went away; what we have is the tail.
            }
        }

        synchronized void append(byte[] buf, int n) {
            for (int i = 0; i < n; i++) {
                ring[(int) (total++ % ring.length)] = buf[i];
            }
        }

        synchronized String text() {
            int len = (int) Math.min(total, ring.length);
            byte[] out = new byte[len];
            long start = total - len;
            for (int i = 0; i < len; i++) {
                out[i] = ring[(int) ((start + i) % ring.length)];
            }
            String s = new String(out, StandardCharsets.UTF_8);
            return total > ring.length ? "…" + s : s;
        }
    }
}
