package io.gitfleet.demo.e2e;

import io.gitfleet.demo.DemoAgents;
import io.gitfleet.demo.DemoImages;
import io.gitfleet.demo.DemoRepo;
import io.gitfleet.demo.ImageServer;
import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.UpgradeStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The whole system as separate processes on this machine: the example fleet repo (a bare repo and a work clone,
 * driven with the git CLI), generated OS images on a local image server, {@code gitfleet serve} in a process of
 * its own, and one agent process per node with file-backed A/B slots. Each process can be SIGKILLed and started
 * again on the same port, data dir and state dir. {@link #close} kills whatever is still running, and a shutdown
 * hook does the same if the test JVM is stopped.
 */
final class FleetUnderTest implements AutoCloseable {
    static final String INSTALLED = "v1.34.1";
    static final String TARGET = "v1.35.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Every wait gives up after this many times the duration its caller names: those are give-up bounds, not
     * measurements, and a machine loaded by other builds is slow, not wrong.
     */
    private static final int GIVE_UP_SLACK = 3;
    private static final Pattern PASSES =
            Pattern.compile("(?m)^gitfleet_reconcile_passes_total\\{[^}]*} ([0-9.eE+-]+)$");
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path root;
    final DemoRepo repo;
    final DemoAgents agents;
    final List<String> nodes;
    final DemoImages.Image installed;
    private final ImageServer images;
    private final Path reconcilerJar;
    private final Path agentJar;
    private final String secret = UUID.randomUUID().toString();
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Set<String> killedAgents = new HashSet<>();
    private final Thread cleanup = new Thread(this::killEverything, "fleet-under-test-cleanup");
    private Process reconciler;
    private int reconcilerStarts;
    /** Extra {@code serve} options of the reconciler (e.g. its replica name and lease). */
    private List<String> serveOptions = List.of();
    /** A second replica, standing by, when the test runs two; the agents talk to it. */
    private Process standby;
    private int standbyPort;

    private FleetUnderTest(Path root, List<String> agentConfigLines, long imageBytesPerSecond) throws IOException {
        this(root, agentConfigLines, imageBytesPerSecond, null, null);
    }

    /** {@code only}: these of the example's nodes run an agent (null: all); {@code componentLines}: see DemoAgents. */
    private FleetUnderTest(Path root, List<String> agentConfigLines, long imageBytesPerSecond, List<String> only,
                           List<String> componentLines) throws IOException {
        this.root = root;
        Path project = project();
        reconcilerJar = project.resolve("reconciler/target/gitfleet.jar");
        agentJar = project.resolve("agent/target/gitfleet-agent.jar");
        for (Path jar : List.of(reconcilerJar, agentJar)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: the E2E suite runs after `package`");
            }
        }
        Path imageDir = Files.createDirectories(root.resolve("images"));
        installed = DemoImages.make(imageDir, INSTALLED);
        DemoImages.Image target = DemoImages.make(imageDir, TARGET);
        images = new ImageServer(imageDir, imageBytesPerSecond);
        repo = DemoRepo.create(root, project.resolve("example-fleet-repo"), installed, target, images);
        try (Stream<Path> files = Files.list(project.resolve("example-fleet-repo/nodes"))) {
            nodes = files.map(p -> p.getFileName().toString().replace(".yaml", "")).sorted()
                    .filter(n -> only == null || only.contains(n)).toList();
        }
        Files.writeString(root.resolve("webhook-secret"), secret);
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        agents = new DemoAgents(root.resolve("nodes")).withConfigLines(agentConfigLines);
        if (componentLines != null) {
            agents.withComponentLines(componentLines);
        }
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * Starts the reconciler, then the agents, and waits until every node's report is on the status branch.
     * {@code agentConfigLines} go into every agent's config (hooks that slow a node down, to widen a window);
     * {@code imageBytesPerSecond} > 0 paces the image server (a longer Writing phase).
     */
    static FleetUnderTest start(Path root, List<String> agentConfigLines, long imageBytesPerSecond) throws Exception {
        return start(root, agentConfigLines, imageBytesPerSecond, null);
    }

    /**
     * Two replicas with a {@code lease}: replica-a (the reconciler of {@link #killReconciler}) starts first and
     * takes the lease, then replica-b stands by on its own port and data dir; the agents talk to replica-b, which
     * forwards them to the holder until it holds the lease itself.
     */
    static FleetUnderTest startReplicas(Path root, List<String> agentConfigLines, String lease) throws Exception {
        return start(root, agentConfigLines, 0, lease);
    }

    /**
     * Only {@code nodes} of the example fleet run an agent, each configured with {@code componentLines} (the
     * components it reports and installs; {@code {dir}} is the node's folder). The others never report.
     */
    static FleetUnderTest startNodes(Path root, List<String> nodes, List<String> componentLines,
                                     List<String> agentConfigLines) throws Exception {
        return start(new FleetUnderTest(root, agentConfigLines, 0, nodes, componentLines), root, null);
    }

    private static FleetUnderTest start(Path root, List<String> agentConfigLines, long imageBytesPerSecond,
                                        String lease) throws Exception {
        return start(new FleetUnderTest(root, agentConfigLines, imageBytesPerSecond), root, lease);
    }

    private static FleetUnderTest start(FleetUnderTest f, Path root, String lease) throws Exception {
        try {
            String agentsTo = f.base();
            Path secret = root.resolve("peer-secret");
            if (lease != null) {
                try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
                    f.standbyPort = s.getLocalPort();
                }
                java.nio.file.Files.writeString(secret, "replicas-share-this-secret\n");
                f.serveOptions = List.of("--replica-id", "replica-a", "--lease", lease, "--peer",
                        "replica-b=http://127.0.0.1:" + f.standbyPort, "--peer-secret-file", secret.toString());
            }
            f.startReconciler();
            if (lease != null) {
                f.await("replica-a holds the lease", Duration.ofSeconds(30), () -> f.gitOrEmpty("log",
                        "--format=%s", "gitfleet/status").contains("lease: replica-a acquired"));
                f.standby = f.launch("127.0.0.1:" + f.standbyPort, root.resolve("replica-b"), List.of("--replica-id",
                        "replica-b", "--lease", lease, "--peer", "replica-a=" + f.base(), "--peer-secret-file",
                        secret.toString()), root.resolve("replica-b.log"), f.standbyPort);
                agentsTo = "http://127.0.0.1:" + f.standbyPort;
            }
            f.agents.start(f.agentJar, agentsTo, f.nodes, f.installed, null);
            f.await("every node's report is on the status branch", Duration.ofSeconds(90), () -> {
                String listed = f.gitOrEmpty("ls-tree", "-r", "--name-only", "gitfleet/status", "nodes/");
                return f.nodes.stream().allMatch(n -> listed.contains("/" + n + ".yaml"));
            });
            return f;
        } catch (Exception | Error e) {
            f.close();
            throw e;
        }
    }

    static Path project() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("example-fleet-repo"))) {
                return p;
            }
        }
        throw new IllegalStateException("project folder not found");
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    // ---- the reconciler process

    /** Starts {@code gitfleet serve} on the fleet's port and data dir; returns once {@code /healthz} answers. */
    void startReconciler() throws Exception {
        if (reconciler != null && reconciler.isAlive()) {
            throw new IllegalStateException("the reconciler is already running");
        }
        reconciler = launch("127.0.0.1:" + port, root.resolve("reconciler"), serveOptions,
                root.resolve("reconciler.log"), port);
    }

    /** Starts one {@code gitfleet serve}; returns once its {@code /healthz} answers on {@code healthPort}. */
    private Process launch(String listen, Path dataDir, List<String> options, Path log, int healthPort)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", reconcilerJar.toString(),
                "io.gitfleet.reconciler.cli.GitfleetCommand", "serve", "--repo", repo.bare.toString(),
                "--listen", listen, "--data-dir", dataDir.toString(),
                "--webhook-secret-file", root.resolve("webhook-secret").toString(), "--poll", "2s",
                "--status-interval", "1s"));
        cmd.addAll(options);
        ProcessBuilder start = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process[] p = {start.start()};
        reconcilerStarts++;
        try {
            Awaitility.await("gitfleet serve answers /healthz").atMost(START_TIMEOUT.multipliedBy(GIVE_UP_SLACK))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        if (!p[0].isAlive()) {
                            // exited early (e.g. the port was still held by the killed one): start it again
                            p[0] = start.start();
                            reconcilerStarts++;
                            return false;
                        }
                        return healthy(healthPort);
                    });
        } catch (ConditionTimeoutException e) {
            p[0].destroyForcibly();
            throw new IOException("gitfleet serve did not answer /healthz; see " + log, e);
        }
        return p[0];
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed; waits until the process is gone. */
    void killReconciler() throws InterruptedException {
        reconciler.destroyForcibly();
        reconciler.waitFor();
    }

    int reconcilerStarts() {
        return reconcilerStarts;
    }

    private boolean healthy(int onPort) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + onPort + "/healthz"))
                    .timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Tells the reconciler the approved branch moved, with a signed generic webhook, as a forge would. A webhook
     * the reconciler misses (it is down) is lost, as with a real forge: the poll catches up.
     */
    void webhook(String head) throws InterruptedException {
        String body = "{\"event\":\"push\",\"ref\":\"refs/heads/main\",\"after\":\"" + head + "\"}";
        String sig = "sha256=" + new HmacUtils(HmacAlgorithms.HMAC_SHA_256, secret).hmacHex(body);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/hooks/generic"))
                    .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                    .header("X-Gitfleet-Signature", sig).header("X-Gitfleet-Delivery", UUID.randomUUID().toString())
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                throw new IllegalStateException("the webhook was refused: HTTP " + r.statusCode() + " " + r.body());
            }
        } catch (IOException down) {
            // the poll fallback picks the change up
        }
    }

    /** Runs {@code gitfleet ARGS} as its own process; returns its exit code and output. */
    Cli gitfleet(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", reconcilerJar.toString(),
                "io.gitfleet.reconciler.cli.GitfleetCommand"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Cli(p.waitFor(), out);
        } finally {
            p.destroyForcibly();
        }
    }

    record Cli(int exit, String output) {
    }

    // ---- agents

    void killAgent(String node) throws InterruptedException {
        killedAgents.add(node);
        agents.kill(node);
    }

    void restartAgent(String node) throws IOException {
        agents.restart(node);
        killedAgents.remove(node);
    }

    /** The node's timeline (every instruction taken, every state entered), for checks over a whole rollout. */
    AgentLog log(String node) throws IOException {
        return AgentLog.read(node, agents.dir(node).resolve("agent.log"));
    }

    /**
     * The state the node's task for {@code upgrade} is in now, read from the agent's own state file (written
     * atomically on every transition), or null when its task is for something else or it has none.
     */
    String taskState(String node, String upgrade) {
        JsonNode task = task(node, upgrade);
        return task == null ? null : task.get("state").asString();
    }

    /** How many times the node's task for {@code upgrade} entered {@code state}, from the agent's state file. */
    int taskEntries(String node, String upgrade, String state) {
        JsonNode task = task(node, upgrade);
        JsonNode n = task == null || task.get("entries") == null ? null : task.get("entries").get(state);
        return n == null ? 0 : n.asInt();
    }

    /** Every state entry of the node's task for {@code upgrade}, summed: one more for each transition. */
    int taskEntries(String node, String upgrade) {
        JsonNode task = task(node, upgrade);
        int sum = 0;
        if (task != null && task.get("entries") != null) {
            for (JsonNode count : task.get("entries").values()) {
                sum += count.asInt();
            }
        }
        return sum;
    }

    private JsonNode task(String node, String upgrade) {
        try {
            JsonNode task = agentState(node).get("task");
            return task == null || task.isNull() || !upgrade.equals(task.get("spec").get("upgrade").asString()) ? null
                    : task;
        } catch (IOException | RuntimeException notYet) {
            return null; // a fresh node has no state file yet
        }
    }

    /** The file bootloader's boot counter (1 on a fresh node): one more for every boot, tried or not. */
    long boots(String node) throws IOException {
        Path file = agents.dir(node).resolve("bootloader.json");
        return Files.exists(file) ? bootloader(node).get("boots").asLong() : 1;
    }

    JsonNode bootloader(String node) throws IOException {
        return JSON.readTree(agents.dir(node).resolve("bootloader.json").toFile());
    }

    JsonNode agentState(String node) throws IOException {
        return JSON.readTree(agents.dir(node).resolve("state/state.json").toFile());
    }

    // ---- the fleet repo and the status branch

    /** A manifest for {@code name}: every node to {@code version}, at most {@code maxUnavailable} at once. */
    static String upgrade(String name, String version, int maxUnavailable, boolean allowDowngrade) {
        return String.join("\n",
                "apiVersion: gitfleet.io/v1",
                "kind: Upgrade",
                "metadata:",
                "  name: " + name,
                "spec:",
                "  component: os",
                "  version: " + version,
                "  catalog:",
                "    ref: catalogs/os.yaml",
                "  selector: {}",
                "  strategy:",
                "    order: workers-first",
                "    maxUnavailable: " + maxUnavailable,
                "    batchSize: " + maxUnavailable,
                "    stopOnFailure: true",
                "    failureBudget: 0",
                "  allowDowngrade: " + allowDowngrade,
                "") ;
    }

    /** Merges {@code files} (null content deletes) into main and sends the webhook; returns main's head. */
    String mergeFiles(String branch, String title, Map<String, String> files) throws Exception {
        String head = repo.commitFiles(branch, title, files);
        webhook(head);
        return head;
    }

    String git(String... args) throws IOException {
        return DemoRepo.git(repo.bare, args);
    }

    private String gitOrEmpty(String... args) {
        try {
            return git(args);
        } catch (IOException notYet) {
            return "";
        }
    }

    /** The upgrade's status at the status branch's head, or null before the first pass writes it. */
    UpgradeStatus upgradeStatus(String name) {
        return upgradeStatusAt("gitfleet/status", name);
    }

    UpgradeStatus upgradeStatusAt(String commit, String name) {
        try {
            return StatusReads.upgradeAt(repo.bare, commit, name);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    FleetStatus fleetStatusAt(String commit) {
        String yaml = gitOrEmpty("show", commit + ":fleet.yaml");
        return yaml.isEmpty() ? null : DocumentReader.require("fleet.yaml", yaml.getBytes(StandardCharsets.UTF_8),
                FleetStatus.class);
    }

    /** Status commits touching any of {@code paths}, oldest first. */
    List<String> statusCommits(String... paths) throws IOException {
        List<String> args = new ArrayList<>(List.of("rev-list", "gitfleet/status", "--"));
        args.addAll(List.of(paths));
        List<String> newestFirst = git(args.toArray(String[]::new)).lines().toList();
        List<String> out = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(out);
        return out;
    }

    /**
     * Waits until {@code condition} holds; gives up after {@value #GIVE_UP_SLACK} × {@code timeout}. Fails at once
     * when a process the test did not kill has died (a crash of the reconciler or an agent is a finding, not a flake).
     */
    void await(String what, Duration timeout, Callable<Boolean> condition) {
        try {
            Awaitility.await(what).atMost(timeout.multipliedBy(GIVE_UP_SLACK)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        assertAlive();
                        return condition.call();
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("gave up waiting until " + what + " (files under " + root + ")", e);
        }
    }

    /**
     * Waits until {@code condition} holds or {@code giveUp} has passed, whichever comes first; says which. For waits
     * that are allowed not to happen (the fleet may be waiting on what the test stopped).
     */
    boolean awaitOrGiveUp(String what, Duration giveUp, Callable<Boolean> condition) {
        try {
            Awaitility.await(what).atMost(giveUp).pollInterval(Duration.ofMillis(50)).until(() -> {
                assertAlive();
                return condition.call();
            });
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private void assertAlive() {
        List<String> dead = agents.dead().stream().filter(n -> !killedAgents.contains(n)).toList();
        if (!dead.isEmpty()) {
            throw new AssertionError("agent process died: " + dead + " (see " + root.resolve("nodes")
                    + "/NODE/agent.log)");
        }
        if (standby != null && !standby.isAlive()) {
            throw new AssertionError("replica-b exited with " + standby.exitValue() + " (see "
                    + root.resolve("replica-b.log") + ")");
        }
        if (reconciler != null && !reconciler.isAlive() && reconciler.exitValue() != 137) {
            throw new AssertionError("the reconciler exited with " + reconciler.exitValue() + " (see "
                    + root.resolve("reconciler.log") + ")");
        }
    }

    /** Reconcile passes the running reconciler has run (completed or failed), from its {@code /metrics}. */
    long passes() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            long sum = 0;
            for (Matcher m = PASSES.matcher(r.body()); m.find(); ) {
                sum += (long) Double.parseDouble(m.group(1));
            }
            return sum;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Waits until the reconciler has run {@code count} more passes (its poll triggers one every 2 s). */
    void awaitPasses(String why, int count) {
        long from = passes();
        if (from < 0) {
            throw new AssertionError("the reconciler's /metrics did not answer");
        }
        await(count + " more reconcile passes (" + why + ")", Duration.ofSeconds(30), () -> passes() >= from + count);
    }

    private void killEverything() {
        if (reconciler != null) {
            reconciler.destroyForcibly();
        }
        if (standby != null) {
            standby.destroyForcibly();
        }
        agents.killAll();
    }

    @Override
    public void close() {
        killEverything();
        if (reconciler != null) {
            try {
                reconciler.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        images.close();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }
}
