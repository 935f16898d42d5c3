package io.gitfleet.reconciler.demo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The example fleet's nodes as real agent processes on this machine: each with two files standing in for its
 * A/B partitions (slot a holds v1.34.1 and is booted), the file bootloader, and its demo token.
 */
final class DemoAgents implements AutoCloseable {
    static final long SLOT_BYTES = 8L * 1024 * 1024;

    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Path root;

    DemoAgents(Path root) {
        this.root = root;
    }

    /**
     * Starts one agent process per node. {@code failingFirstBoot} names a node whose first boot into a new slot
     * dies before userspace, so its bootloader falls back.
     */
    void start(Path agentJar, String server, List<String> nodes, DemoImages.Image installed, String failingFirstBoot)
            throws IOException {
        byte[] image = Files.readAllBytes(installed.raw());
        for (String node : nodes) {
            Path dir = root.resolve(node);
            Files.createDirectories(dir.resolve("state"));
            Path a = slot(dir.resolve("slot-a.img"), image);
            Path b = slot(dir.resolve("slot-b.img"), new byte[0]);
            Files.writeString(dir.resolve("token"), "gitfleet-demo-token-" + node + "\n");
            Files.writeString(dir.resolve("state/state.json"), "{\"format\":1,\"slotVersions\":{\"a\":\""
                    + installed.version() + "\"}}");
            if (node.equals(failingFirstBoot)) {
                Files.writeString(dir.resolve("bootloader.json"), "{\"primary\":\"a\",\"a\":\"good\",\"b\":\"unknown\","
                        + "\"booted\":\"a\",\"boots\":1,\"failBoots\":1}");
            }
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, String.join("\n",
                    "server: " + server,
                    "node: " + node,
                    "tokenFile: " + dir.resolve("token"),
                    "stateDir: " + dir.resolve("state"),
                    "installer: ab-image",
                    "components: {kubernetes: v1.34.2}",
                    "slots: {a: " + a + ", b: " + b + "}",
                    "bootloader: {type: file, path: " + dir.resolve("bootloader.json") + "}",
                    "poll: {longPoll: 20s, progressInterval: 250ms, backoffMin: 200ms, backoffMax: 2s}",
                    ""), StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx64m", "-XX:TieredStopAtLevel=1", "-jar", agentJar.toString(), "--config",
                    config.toString()));
            processes.put(node, new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("agent.log").toFile()).start());
        }
    }

    /** A file of the slot's size holding {@code content} at its start. */
    private static Path slot(Path file, byte[] content) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(SLOT_BYTES);
            f.write(content);
        }
        return file;
    }

    /** Nodes whose agent process died (it should not). */
    List<String> dead() {
        return processes.entrySet().stream().filter(e -> !e.getValue().isAlive()).map(Map.Entry::getKey).toList();
    }

    @Override
    public void close() {
        processes.values().forEach(Process::destroy);
        for (Process p : processes.values()) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
