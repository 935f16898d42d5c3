package io.gitfleet.demo;

import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.server.ReconcilerServer;
import io.gitfleet.reconciler.server.ServerSettings;
import io.gitfleet.reconciler.server.ServerState;
import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.Plan;
import io.gitfleet.schema.ReadResult;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import io.gitfleet.webhooks.WebhookSecrets;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;

/**
 * {@code gitfleet demo}: the whole loop on this machine. A fleet repo made from the example, generated zstd images
 * on a local image server, the reconciler, and the example's nodes as agent processes with file-backed A/B slots;
 * then what an operator does: propose an upgrade, read its plan, merge it, promote the canary, and retry the node
 * whose first boot failed and fell back.
 */
public final class Demo implements AutoCloseable {
    private static final String UPGRADE = "os-1-35";
    private static final String FAILING = "worker-3";
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

    /** Where things are and how the plan table is drawn. */
    public record Options(boolean keep, Path dir, int port, Path example, Path agentJar,
                          Function<Plan.State, String> planTable, boolean tty) {
    }

    private final Options options;
    private final LiveView view;
    private final PrintWriter out;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String secret = UUID.randomUUID().toString();
    private Path root;
    private ImageServer images;
    private ReconcilerServer server;
    private volatile boolean failed;
    private DemoAgents agents;
    private String base;

    public Demo(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
        this.view = new LiveView(out, options.tty());
    }

    public int run() throws Exception {
        try {
            return play();
        } catch (Exception | Error e) {
            failed = true;
            throw e;
        }
    }

    private int play() throws Exception {
        long start = System.nanoTime();
        root = options.dir() != null ? options.dir() : Files.createTempDirectory("gitfleet-demo");
        Files.createDirectories(root);
        view.say("gitfleet demo: a fleet of 9 machines upgraded through Git, on this machine (files in " + root + ")");

        view.say("\n==> Images: generating OS v1.34.1 (installed on every node) and v1.35.1, zstd-compressed");
        Path imageDir = Files.createDirectories(root.resolve("images"));
        DemoImages.Image installed = DemoImages.make(imageDir, "v1.34.1");
        DemoImages.Image target = DemoImages.make(imageDir, "v1.35.1");
        images = new ImageServer(imageDir);
        view.say("    served at " + images.url(target.fileName()) + " (sha256 " + target.sha256().substring(0, 12)
                + "…, " + target.size() / (1024 * 1024) + " MiB expanded)");

        view.say("\n==> Fleet repo: the example fleet, its catalog pointing at those images, pushed to "
                + root.resolve("fleet.git"));
        DemoRepo repo = DemoRepo.create(root, options.example(), installed, target, images);

        logTo(root.resolve("reconciler.log"));
        server = new ReconcilerServer(new ServerSettings(repo.bare.toString(), GitAuth.NONE, root.resolve("reconciler"),
                "127.0.0.1", freePort(options.port()), "main", "gitfleet/status", Duration.ofSeconds(30),
                Duration.ofSeconds(1), WebhookSecrets.shared(secret), null, null), Clock.systemUTC());
        int port = server.start();
        base = "http://127.0.0.1:" + port;
        view.say("\n==> Reconciler: listening on " + base + "/ (dashboard), webhooks at " + base + "/hooks/generic"
                + "; its log: " + root.resolve("reconciler.log"));

        List<String> nodes;
        try (Stream<Path> files = Files.list(options.example().resolve("nodes"))) {
            nodes = files.map(p -> p.getFileName().toString().replace(".yaml", "")).sorted().toList();
        }
        view.say("\n==> Agents: " + nodes.size() + " node processes, each with two files as A/B partitions and a file "
                + "bootloader; " + FAILING + "'s next boot into a new slot will fail");
        agents = new DemoAgents(root.resolve("nodes"));
        agents.start(options.agentJar(), base, nodes, installed, FAILING);
        await("every node reports", () -> server.state().reports().values().stream()
                .filter(o -> o.receivedAt().getEpochSecond() > 0).count() >= nodes.size());
        view.say("    all " + nodes.size() + " nodes report os v1.34.1 from slot a");

        view.say("\n==> Pull request #1: the operator pushes branch upgrade-os-1-35, which adds upgrades/os-1-35.yaml");
        String head = repo.proposeUpgrade("upgrade-os-1-35");
        webhook("{\"event\":\"pull_request\",\"action\":\"opened\",\"number\":1,\"head\":\"" + head
                + "\",\"headRef\":\"upgrade-os-1-35\",\"baseRef\":\"main\"}");
        Plan.State plan = awaitPlan(repo, 1);
        view.say("    the webhook made gitfleet plan it against the live fleet (plans/pr-1.yaml on gitfleet/status):\n");
        view.say(options.planTable().apply(plan).lines().map(l -> "    " + l)
                .reduce((a, b) -> a + "\n" + b).orElse(""));

        view.say("\n==> Merge: approving the pull request is merging it; the forge's webhook triggers a sync");
        String merged = repo.merge("upgrade-os-1-35", "Merge pull request #1 from upgrade-os-1-35");
        webhook(push(merged));
        follow(s -> s.phase() == UpgradePhase.AwaitingPromotion, "the canary succeeds");
        view.say("\n==> Canary: worker-1 runs v1.35.1 and is healthy; the upgrade waits for a person to promote it");
        webhook(push(repo.change("promote-os-1-35", "Promote os-1-35 past its canary", "  promoted: false",
                "  promoted: true")));
        view.say("    merged promoted: true\n");
        follow(s -> s.phase() == UpgradePhase.Failed || s.phase() == UpgradePhase.Succeeded,
                "the rollout ends or stops");
        UpgradeStatus.State stopped = server.state().upgrades().get(UPGRADE).status();
        if (stopped.phase() == UpgradePhase.Failed) {
            view.say("\n==> Safety net: " + FAILING + "'s first boot into v1.35.1 failed, its bootloader fell back to "
                    + "slot a (still v1.34.1), and stopOnFailure halted the rollout: no other node was touched.");
            view.say("    The operator retries that one node: spec.retry." + FAILING + " gets a new nonce");
            webhook(push(repo.change("retry-" + FAILING, "Retry os-1-35 on " + FAILING, "  promoted: true",
                    "  promoted: true\n  retry:\n    " + FAILING + ": \"1\"")));
            view.say("");
            follow(s -> s.phase() == UpgradePhase.Succeeded, "the rollout succeeds");
        }
        view.say(String.format("%n==> Done in %.0f s: every node runs v1.35.1. The history of the rollout is the status "
                + "branch:%n", (System.nanoTime() - start) / 1e9));
        view.say("$ git -C " + repo.bare + " log --oneline gitfleet/status");
        // status commits are batched (one a second): wait for the one that records the end of the rollout
        await("the status branch records the end of the rollout", () -> {
            try {
                return repo.statusLog().lines().anyMatch(l -> l.contains(UPGRADE + ":") && l.contains("Succeeded"));
            } catch (IOException e) {
                return false;
            }
        });
        String log = repo.statusLog().strip();
        view.say(log);
        if (log.contains(" lease: ")) {
            view.say("(\"lease:\" commit: a reconciler taking the lead, so that a second replica never acts at the "
                    + "same time; its renewals stay off this history, on refs/gitfleet/lease; docs/replicas.md)");
        }
        view.say("\nDashboard: " + base + "/");
        if (options.keep()) {
            view.say("Everything keeps running (--keep): open the dashboard, or run gitfleet status --repo "
                    + repo.bare + ". Ctrl-C stops it all.");
            Thread.currentThread().join();
        }
        return 0;
    }

    private void follow(java.util.function.Predicate<UpgradeStatus.State> done, String what) throws Exception {
        await(what, () -> {
            view.show(server.state(), UPGRADE);
            UpgradeStatus status = server.state().upgrades().get(UPGRADE);
            if (status != null && status.status().phase() == UpgradePhase.Rejected) {
                throw new IllegalStateException(UPGRADE + " was rejected: " + status.status().message());
            }
            return status != null && done.test(status.status());
        });
        view.show(server.state(), UPGRADE);
    }

    /**
     * The reconciler runs in this process: its log goes to a file beside the agents' logs, so the terminal tells
     * the story without the server's own lines in between. {@link #close()} puts the console back.
     */
    private void logTo(Path file) throws IOException {
        io.gitfleet.log.LogLine.toFile(file);
    }

    private void restoreLogging() {
        io.gitfleet.log.LogLine.toStderr();
    }

    private void await(String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (!agents.dead().isEmpty()) {
                throw new IOException("agent process died: " + agents.dead() + " (see " + root.resolve("nodes")
                        + "/NODE/agent.log)");
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("timed out waiting until " + what + " (logs under " + root + ")");
            }
            Thread.sleep(250);
        }
    }

    private Plan.State awaitPlan(DemoRepo repo, int number) throws Exception {
        Plan.State[] found = new Plan.State[1];
        await("the plan of pull request #" + number + " is written", () -> {
            try {
                String yaml = DemoRepo.git(repo.bare, "show", "gitfleet/status:plans/pr-" + number + ".yaml");
                ReadResult<Plan> r = DocumentReader.read("plans/pr-" + number + ".yaml",
                        yaml.getBytes(StandardCharsets.UTF_8), Plan.class, null);
                found[0] = r.ok() ? r.document().status() : null;
                return found[0] != null;
            } catch (IOException notYet) {
                return false;
            }
        });
        return found[0];
    }

    private static String push(String head) {
        return "{\"event\":\"push\",\"ref\":\"refs/heads/main\",\"after\":\"" + head + "\"}";
    }

    private void webhook(String body) throws IOException, InterruptedException {
        String sig = "sha256=" + new HmacUtils(HmacAlgorithms.HMAC_SHA_256, secret).hmacHex(body);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/hooks/generic"))
                .header("Content-Type", "application/json").header("X-Gitfleet-Signature", sig)
                .header("X-Gitfleet-Delivery", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IOException("the webhook was refused: HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private static int freePort(int wanted) throws IOException {
        try (ServerSocket s = new ServerSocket(wanted, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException taken) {
            try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }
    }

    /** Stops the agents, the reconciler and the image server; removes the files unless {@code --keep}. */
    @Override
    public void close() throws Exception {
        if (agents != null) {
            agents.close();
        }
        if (server != null) {
            server.close();
        }
        restoreLogging();
        if (images != null) {
            images.close();
        }
        // a demo that failed keeps its folder: the reconciler's and the agents' logs say why (Ctrl-C cleans up)
        if (root != null && !failed && !options.keep() && options.dir() == null) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

}
