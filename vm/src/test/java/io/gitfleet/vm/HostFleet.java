package io.gitfleet.vm;

import io.gitfleet.schema.UpgradeStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The host side of a virtual node's fleet: a bare fleet repo changed with the git CLI, {@code gitfleet serve}
 * (reconciler/target/gitfleet.jar) in its own process on 127.0.0.1, and the image server. The status branch is
 * read with {@code git show}.
 */
final class HostFleet implements AutoCloseable {
    static final String NODE = "vm-1";
    /** Listed in the fleet but never started: it shows whether a rollout halts. */
    static final String SILENT_NODE = "vm-2";
    static final String TOKEN = "vm-suite-token";

    final Path root;
    final Path bare;
    final Path work;
    final ImageServer images;
    final int port;
    private final VmAssets assets;
    private Process reconciler;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    HostFleet(Path root, VmAssets assets) throws Exception {
        this.root = root;
        this.assets = assets;
        VmAssets.deleteTree(root);
        Files.createDirectories(root);
        bare = root.resolve("fleet.git");
        work = root.resolve("work");
        git(root, "init", "-q", "--bare", "-b", "main", bare.toString());
        git(root, "clone", "-q", bare.toString(), work.toString());
        git(work, "config", "user.name", "vm suite");
        git(work, "config", "user.email", "vm@gitfleet.invalid");
        git(work, "checkout", "-q", "-b", "main");
        images = new ImageServer();
        for (VmAssets.Image i : assets.images.values()) {
            images.serve("os-" + i.version() + ".img.zst", i.zst());
        }
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        commit("fleet: one virtual node", Map.of(
                "fleet.yaml", fleetYaml(),
                "nodes/" + NODE + ".yaml", nodeYaml(NODE),
                "nodes/" + SILENT_NODE + ".yaml", nodeYaml(SILENT_NODE),
                "catalogs/os.yaml", catalogYaml()));
    }

    /** Starts {@code gitfleet serve}; returns once {@code /healthz} answers. */
    void startReconciler() throws Exception {
        Path jar = assets.project.resolve("reconciler/target/gitfleet.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with mvn package");
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", jar.toString(),
                "io.gitfleet.reconciler.cli.GitfleetCommand", "serve", "--repo", bare.toString(),
                "--listen", "127.0.0.1:" + port, "--data-dir", root.resolve("reconciler").toString(),
                "--poll", "1s", "--status-interval", "1s"));
        reconciler = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("reconciler.log").toFile())).start();
        // A test JVM that is itself killed must not leave the server behind.
        Process started = reconciler;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        Vm.await("gitfleet serve answers /healthz (see " + root.resolve("reconciler.log") + ")",
                Duration.ofSeconds(60), this::healthy);
    }

    private boolean healthy() {
        if (!reconciler.isAlive()) {
            throw new AssertionError("gitfleet serve exited with " + reconciler.exitValue() + "; see "
                    + root.resolve("reconciler.log"));
        }
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Merges an upgrade of {@code nodes} (in that order) to {@code version} into main, and deletes the manifests of
     * {@code done} (finished upgrades) in the same commit.
     */
    void approveUpgrade(String name, String version, List<String> nodes, String... done) throws Exception {
        for (String d : done) {
            git(work, "rm", "-q", "upgrades/" + d + ".yaml");
        }
        commit("upgrade " + name + " to " + version, Map.of("upgrades/" + name + ".yaml", String.join("\n",
                "apiVersion: gitfleet.io/v1",
                "kind: Upgrade",
                "metadata: {name: " + name + "}",
                "spec:",
                "  component: os",
                "  version: v" + version,
                "  catalog: {ref: catalogs/os.yaml}",
                "  selector: {nodeNames: [" + String.join(", ", nodes) + "]}",
                "  strategy: {order: listed, maxUnavailable: 1, batchSize: 1, stopOnFailure: true, failureBudget: 0}",
                "")));
    }

    /** The upgrade's status at the status branch's head, or null before it is written. */
    /** The whole upgrade (summary and per-node rows, docs/status-branch.md), read through gitfleet's own reader. */
    UpgradeStatus upgrade(String name) {
        try (org.eclipse.jgit.lib.Repository repo = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                .setGitDir(bare.toFile()).setMustExist(true).build()) {
            org.eclipse.jgit.lib.ObjectId head = repo.resolve("refs/heads/gitfleet/status");
            return head == null ? null
                    : io.gitfleet.reconciler.store.CommitStatusView.of(repo, head).upgrade(name).orElse(null);
        } catch (IOException notYet) {
            return null;
        }
    }

    UpgradeStatus.NodeRow row(String upgrade, String node) {
        UpgradeStatus s = upgrade(upgrade);
        return s == null ? null : s.status().nodes().stream().filter(r -> r.node().equals(node)).findFirst()
                .orElse(null);
    }

    /** Whether the node's own report has reached the status branch. */
    boolean reported(String node) {
        try {
            return git(bare, "ls-tree", "-r", "--name-only", "gitfleet/status", "nodes/").contains("/" + node + ".yaml");
        } catch (IOException | InterruptedException notYet) {
            return false;
        }
    }

    /** The node's status file on the status branch (as YAML), or "" before the first report. */
    String nodeStatus(String node) {
        try {
            for (String path : git(bare, "ls-tree", "-r", "--name-only", "gitfleet/status", "nodes/").split("\n")) {
                if (path.endsWith("/" + node + ".yaml")) {
                    return git(bare, "show", "gitfleet/status:" + path);
                }
            }
        } catch (IOException | InterruptedException notYet) {
            // not written yet
        }
        return "";
    }

    /** The status branch's history, oldest first, one subject a line. */
    String statusLog() throws Exception {
        return git(bare, "log", "--reverse", "--format=%s", "gitfleet/status");
    }

    private void commit(String message, Map<String, String> files) throws Exception {
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = work.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", message);
        git(work, "push", "-q", "origin", "main");
    }

    private String fleetYaml() {
        return String.join("\n",
                "apiVersion: gitfleet.io/v1",
                "kind: Fleet",
                "metadata: {name: fleet}",
                "spec:",
                "  approvedBranch: main",
                "  statusBranch: gitfleet/status",
                "  disruptionBudget: {maxUnavailable: 1}",
                "  nodeTimeout: 15m",
                "");
    }

    private static String nodeYaml(String name) throws Exception {
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(TOKEN.getBytes(StandardCharsets.UTF_8)));
        return String.join("\n",
                "apiVersion: gitfleet.io/v1",
                "kind: Node",
                "metadata: {name: " + name + "}",
                "spec:",
                "  role: worker",
                "  datacenter: vm",
                "  tokenSha256: " + hash,
                "");
    }

    private String catalogYaml() {
        StringBuilder sb = new StringBuilder(String.join("\n",
                "apiVersion: gitfleet.io/v1",
                "kind: Catalog",
                "metadata: {name: os}",
                "spec:",
                "  component: os",
                "  images:",
                ""));
        for (VmAssets.Image i : assets.images.values()) {
            sb.append("    - version: v").append(i.version()).append('\n')
                    .append("      url: ").append(Vm.IMAGES_URL).append("/os-").append(i.version()).append(".img.zst\n")
                    .append("      sha256: ").append(i.sha256()).append('\n')
                    .append("      size: ").append(i.size()).append('\n');
        }
        return sb.toString();
    }

    static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("git " + String.join(" ", args) + ": " + err.strip());
        }
        return out;
    }

    @Override
    public void close() {
        if (reconciler != null) {
            reconciler.destroyForcibly();
            try {
                reconciler.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        images.close();
    }
}
