package io.gitfleet.agent;

import io.gitfleet.agent.boot.FileBootloader;
import io.gitfleet.agent.state.AgentState;
import io.gitfleet.agent.state.StateStore;
import io.gitfleet.agent.state.Task;
import io.gitfleet.agent.testing.FakeReconciler;
import io.gitfleet.agent.testing.RootfsImage;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One simulated node: two file slots, the file bootloader, a state dir, and the agent running in a thread as its
 * process. "Killing" the process is an error thrown from a transition; a new {@link #start} is the restart.
 */
final class TestNode implements AutoCloseable {
    static final long SLOT_BYTES = 4 * 1024 * 1024;

    /** Thrown from a transition to kill the agent right after it saved a state. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String where) {
            super("simulated crash on entering " + where);
        }
    }

    final Path dir;
    final Path slotA;
    final Path slotB;
    final Path stateDir;
    final FileBootloader boot;
    final List<Duration> sleeps = new ArrayList<>();
    private final Path configFile;
    private Thread thread;
    private Agent agent;
    private volatile Throwable died;

    TestNode(Path dir, FakeReconciler reconciler, String extraYaml) throws IOException {
        this.dir = dir;
        slotA = RootfsImage.partition(dir.resolve("slot-a.img"), SLOT_BYTES, (byte) 0xAA);
        slotB = RootfsImage.partition(dir.resolve("slot-b.img"), SLOT_BYTES, (byte) 0xBB);
        stateDir = dir.resolve("state");
        boot = new FileBootloader(dir.resolve("bootloader.json"));
        Files.writeString(dir.resolve("token"), "secret-token\n");
        configFile = dir.resolve("agent.yaml");
        Files.writeString(configFile, String.join("\n",
                "server: " + (reconciler == null ? "http://127.0.0.1:9" : reconciler.url()),
                "node: node-1",
                "tokenFile: " + dir.resolve("token"),
                "stateDir: " + stateDir,
                "installer: ab-image",
                "components: {kubernetes: v1.34.1}",
                "slots: {a: " + slotA + ", b: " + slotB + "}",
                "bootloader: {type: file, path: " + boot.file() + "}",
                extraYaml.contains("poll:") ? ""
                        : "poll: {longPoll: 1s, progressInterval: 100ms, backoffMin: 10ms, backoffMax: 200ms}",
                "download: {minBytesPerSecond: 1, lowSpeedTime: 30s, connectTimeout: 2s, maxAttempts: 4, retryCap: 50ms}",
                extraYaml, ""));
        // The node was installed with v1.0.0 in slot a, which is booted and good.
        boot.load();
        new StateStore(stateDir).save(AgentState.fresh().withSlotVersion("a", "v1.0.0"));
    }

    AgentConfig config() throws IOException {
        return AgentConfig.load(configFile);
    }

    Path configFile() {
        return configFile;
    }

    /** Starts the agent process; {@code onTransition} may throw {@link SimulatedCrash}. */
    void start(Consumer<Task> onTransition) throws IOException {
        AgentConfig config = config();
        ReconcilerClient client = new ReconcilerClient(HttpClient.newBuilder()
                .sslContext(io.gitfleet.agent.install.AgentTls.context(config.tls())).build(), config.server(),
                config.node(), Path.of(config.tokenFile())).setTls(config.tls());
        died = null;
        agent = new Agent(config, NodeSetup.fromConfig(config), client, Clock.systemUTC(), d -> {
            synchronized (sleeps) {
                sleeps.add(d);
            }
            Thread.sleep(Math.min(d.toMillis(), 20));
        }, new Random(7), onTransition);
        thread = new Thread(() -> {
            try {
                agent.run();
            } catch (InterruptedException e) {
                // stopped
            } catch (Throwable t) {
                died = t;
            }
        }, "agent-node-1");
        thread.start();
    }

    void start() throws IOException {
        start(t -> { });
    }

    /** Whether the simulated process ended on its own (an exception out of the agent's loop). */
    boolean isDead() {
        return thread != null && !thread.isAlive() && died != null;
    }

    /** Waits for the simulated process to die (a crash injected by the test). */
    Throwable awaitDeath(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("the agent did not die");
        }
        return died;
    }

    void stop() throws InterruptedException {
        if (agent != null) {
            agent.stop();
            thread.join(10_000);
        }
    }

    /** A power cut: data not yet synced to the slot is lost (its tail falls back to zeros), then power-on. */
    void powerCut(long seed) throws IOException {
        long size = Files.size(slotB);
        try (var raf = new java.io.RandomAccessFile(slotB.toFile(), "rw")) {
            raf.setLength(new Random(seed).nextLong(size / 2));
            raf.setLength(size);
        }
        boot.boot();
    }

    void assertBootedSlotUntouched(Path slot, byte fill) throws IOException {
        byte[] bytes = Files.readAllBytes(slot);
        if (bytes.length != SLOT_BYTES) {
            throw new AssertionError(slot + " changed size");
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != fill) {
                throw new AssertionError(slot + " was written at byte " + i);
            }
        }
    }

    void assertSlotHolds(Path slot, Path image) throws IOException {
        byte[] want = Files.readAllBytes(image);
        byte[] have = Arrays.copyOf(Files.readAllBytes(slot), want.length);
        if (!Arrays.equals(want, have)) {
            throw new AssertionError(slot + " does not hold the image");
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
