package io.gitfleet.demo;

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
 * A/B partitions (slot a holds v1.34.1 and is booted), the file bootloader, and its demo token. The end-to-end
 * tests also kill and restart single agents ({@link #kill}, {@link #restart}); a restarted agent appends to the
 * same {@code agent.log}.
 */
public final class DemoAgents implements AutoCloseable {
    static final long SLOT_BYTES = 8L * 1024 * 1024;

    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, List<String>> commands = new LinkedHashMap<>();
    private final Path root;
    private List<String> extraLines = List.of();
    private List<String> componentLines = List.of("installer: ab-image", "components: {kubernetes: v1.34.2}");

    public DemoAgents(Path root) {
        this.root = root;
    }

    /** Extra lines for every agent's config (e.g. {@code hooks: {...}}), for agents started after this call. */
    public DemoAgents withConfigLines(List<String> lines) {
        this.extraLines = List.copyOf(lines);
        return this;
    }

    /**
     * The lines that say which components every agent reports and installs, instead of the default (the OS in the A/B
     * slots, Kubernetes v1.34.2 reported as is); {@code {dir}} stands for the node's folder.
     */
    public DemoAgents withComponentLines(List<String> lines) {
        this.componentLines = List.copyOf(lines);
        return this;
    }

    /** The folder of one node: {@code agent.log}, {@code state/}, {@code bootloader.json}, the slot files. */
    public Path dir(String node) {
        return root.resolve(node);
    }

    /**
     * Starts one agent process per node. {@code failingFirstBoot} names a node whose first boot into a new slot
     * dies before userspace, so its bootloader falls back.
     */
    public void start(Path agentJar, String server, List<String> nodes, DemoImages.Image installed,
                      String failingFirstBoot) throws IOException {
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
            List<String> lines = new ArrayList<>(List.of(
                    "server: " + server,
                    "node: " + node,
                    "tokenFile: " + dir.resolve("token"),
                    "stateDir: " + dir.resolve("state"),
                    "slots: {a: " + a + ", b: " + b + "}",
                    "bootloader: {type: file, path: " + dir.resolve("bootloader.json") + "}",
                    "poll: {longPoll: 20s, progressInterval: 250ms, backoffMin: 200ms, backoffMax: 2s}"));
            componentLines.forEach(l -> lines.add(l.replace("{dir}", dir.toString())));
            lines.addAll(extraLines);
            Files.writeString(config, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
            commands.put(node, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-XX:TieredStopAtLevel=1", "-jar", agentJar.toString(), "--config", config.toString()));
            launch(node);
        }
    }

    private void launch(String node) throws IOException {
        processes.put(node, new ProcessBuilder(commands.get(node)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir(node).resolve("agent.log").toFile())).start());
    }

    /** SIGKILLs one node's agent (a crash or a power cut for the agent's files) and waits until it is gone. */
    public void kill(String node) throws InterruptedException {
        Process p = processes.get(node);
        p.destroyForcibly();
        p.waitFor();
    }

    /** Starts a killed node's agent again with the same config, as systemd would. */
    public void restart(String node) throws IOException {
        if (processes.get(node).isAlive()) {
            throw new IllegalStateException(node + "'s agent is still running");
        }
        launch(node);
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
    public List<String> dead() {
        return processes.entrySet().stream().filter(e -> !e.getValue().isAlive()).map(Map.Entry::getKey).toList();
    }

    /** SIGKILLs every agent at once (tests, after a failure) and waits for them. */
    public void killAll() {
        processes.values().forEach(Process::destroyForcibly);
        close();
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
