package io.gitfleet.reconciler.server;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.git.GitCli;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import io.gitfleet.webhooks.Forge;
import io.gitfleet.webhooks.ForgeClient;
import io.gitfleet.webhooks.WebhookSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server on 127.0.0.1 against a real bare fleet repo: agents report over HTTP, a merge and its webhook
 * promote the canary, a pull request gets its plan written and posted to a (WireMock) forge.
 */
class ServerIT {
    private static final String SECRET = "s3cret";
    @TempDir
    Path tmp;
    private FleetRepos repos;
    private ReconcilerServer server;
    private WireMockServer forge;
    private String base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, HttpAgent> agents = new LinkedHashMap<>();

    @BeforeEach
    void start() throws Exception {
        repos = FleetRepos.create(tmp.resolve("repos"));
        forge = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        forge.start();
        forge.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()).willReturn(ok().withBody("{}")));
        ServerSettings settings = new ServerSettings(repos.bare.toString(), GitAuth.NONE, tmp.resolve("data"),
                "127.0.0.1", 0, "main", "gitfleet/status", Duration.ofHours(1), Duration.ofMillis(200),
                WebhookSecrets.shared(SECRET),
                ForgeClient.create(Forge.GITHUB, URI.create(forge.baseUrl()), "forge-token", Duration.ofSeconds(5)),
                "http://gitfleet.test/");
        server = new ReconcilerServer(settings, Clock.systemUTC()).postRolloutStatuses("acme/fleet");
        base = "http://127.0.0.1:" + server.start();
        for (String n : new String[] {"cp-1", "cp-2", "cp-3", "worker-1", "worker-2", "worker-3", "worker-4",
            "worker-5", "worker-6"}) {
            agents.put(n, new HttpAgent(base, http, n, "v1.34.1"));
        }
        eventually("the first pass loaded the fleet", () -> !server.state().inventory().isEmpty());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        forge.stop();
    }

    /** /healthz and /readyz say when the server cannot act: here, its fleet repo cannot be reached. */
    @Test
    void healthFailsWhileTheFleetRepoCannotBeReached() throws Exception {
        HttpRequest healthz = HttpRequest.newBuilder(URI.create(base + "/healthz")).build();
        assertEquals(200, http.send(healthz, HttpResponse.BodyHandlers.ofString()).statusCode());
        Path moved = tmp.resolve("moved.git");
        java.nio.file.Files.move(repos.bare, moved);
        server.requestSync();
        eventually("healthz fails", () -> statusOf(healthz) == 503);
        HttpResponse<String> failing = http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, failing.statusCode());
        assertTrue(failing.body().contains("\"status\":\"failing\"") && failing.body().contains("FetchFailed"),
                failing.body());
        java.nio.file.Files.move(moved, repos.bare);
        server.requestSync();
        eventually("healthz recovers", () -> statusOf(healthz) == 200);
    }

    private int statusOf(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void mergeToCanaryToPromotionOverWebhooks() throws Exception {
        for (HttpAgent a : agents.values()) {
            a.report(0);
        }
        HttpAgent canary = agents.get("worker-1");
        Instruction first = canary.report(10);
        assertNotNull(first, "the canary is instructed once the nodes reported");
        assertEquals("v1.35.1", first.spec().version());
        assertEquals(repos.work.run("rev-parse", "main"), first.spec().approvedCommit());
        canary.install();
        eventually("the canary succeeded and waits for promotion",
                () -> server.state().upgrades().get("os-1-35").status().phase() == UpgradePhase.AwaitingPromotion);
        assertEquals(null, agents.get("worker-2").report(0), "nobody else moves before the promotion");
        String added = repos.work.run("rev-list", "--max-parents=0", "main"); // the commit that added os-1-35
        eventually("the commit that added the upgrade shows it awaiting promotion", () -> !forge.findAll(
                postRequestedFor(urlEqualTo("/repos/acme/fleet/statuses/" + added))
                        .withRequestBody(matchingJsonPath("$.context", equalTo("gitfleet/upgrade/os-1-35")))
                        .withRequestBody(matchingJsonPath("$.state", equalTo("pending")))
                        .withRequestBody(matchingJsonPath("$.description",
                                com.github.tomakehurst.wiremock.client.WireMock.matching("AwaitingPromotion.*"))))
                .isEmpty());

        String promoted = repos.mergeChange("promote-os", "upgrades/os-1-35.yaml",
                repos.read("upgrades/os-1-35.yaml").replace("promoted: false", "promoted: true"));
        assertEquals(202, webhook("{\"event\":\"push\",\"ref\":\"refs/heads/main\",\"after\":\"" + promoted + "\"}",
                "d-1").statusCode());
        Instruction next = agents.get("worker-2").report(10);
        assertNotNull(next, "the merge's webhook moves the rollout on");
        assertEquals(promoted, next.spec().approvedCommit());
        eventually("the status follows the rollout to the promotion's merge, and the first commit is closed", () ->
                !forge.findAll(postRequestedFor(urlEqualTo("/repos/acme/fleet/statuses/" + promoted))
                        .withRequestBody(matchingJsonPath("$.context", equalTo("gitfleet/upgrade/os-1-35")))
                        .withRequestBody(matchingJsonPath("$.state", equalTo("pending")))).isEmpty()
                && !forge.findAll(postRequestedFor(urlEqualTo("/repos/acme/fleet/statuses/" + added))
                        .withRequestBody(matchingJsonPath("$.context", equalTo("gitfleet/upgrade/os-1-35")))
                        .withRequestBody(matchingJsonPath("$.state", equalTo("success")))).isEmpty());

        server.close();
        String log = new GitCli(repos.bare).run("log", "--format=%s%n%b", "gitfleet/status");
        assertTrue(log.contains("os-1-35: worker-1 Pending → Instructed (0/9)"), log);
        assertTrue(log.lines().anyMatch(l -> l.startsWith("os-1-35: worker-1 ") && l.endsWith("→ Completed (1/9)")), log);
        assertTrue(log.contains("Fleet-Commit: " + promoted), log);
        new GitCli(repos.bare).run("fsck", "--strict");
        server = new ReconcilerServer(new ServerSettings(repos.bare.toString(), GitAuth.NONE, tmp.resolve("data2"),
                "127.0.0.1", 0, "main", "gitfleet/status", Duration.ofHours(1), Duration.ofMillis(200),
                WebhookSecrets.shared(SECRET), null, null), Clock.systemUTC());
        server.start();
        eventually("a restarted server reads the rollout back from the status branch",
                () -> server.state().upgrades().containsKey("os-1-35")
                        && server.state().upgrades().get("os-1-35").status().nodes().stream()
                        .anyMatch(r -> r.node().equals("worker-1") && r.phase().name().equals("Completed")));
    }

    /**
     * The reconciler is down longer than {@code nodeTimeout} while a node writes its image. The restarted one must
     * not fail that node for a silence that was its own: the node gets a whole timeout from the restart.
     */
    @Test
    void aNodeInFlightSurvivesADowntimeLongerThanTheNodeTimeout() throws Exception {
        String shorter = repos.mergeChange("short-timeout", "fleet.yaml",
                repos.read("fleet.yaml").replace("nodeTimeout: 15m", "nodeTimeout: 5s"));
        server.requestSync();
        eventually("the shorter nodeTimeout is in force", () -> server.state().fleetStatus() != null
                && shorter.equals(server.state().fleetStatus().status().approvedCommit()));
        for (HttpAgent a : agents.values()) {
            a.report(0);
        }
        HttpAgent canary = agents.get("worker-1");
        assertNotNull(canary.report(10), "the canary is instructed");
        canary.phase(NodePhase.Writing);
        canary.report(0);
        eventually("worker-1 is recorded as writing", () -> phaseOf("worker-1") == NodePhase.Writing);
        server.close();

        // down for an hour, far longer than nodeTimeout: the restarted server's clock says so (worker-1's reports
        // had nowhere to go meanwhile); a server that counted the silence from worker-1's last report fails it
        Clock anHourLater = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
        server = new ReconcilerServer(new ServerSettings(repos.bare.toString(), GitAuth.NONE, tmp.resolve("data2"),
                "127.0.0.1", 0, "main", "gitfleet/status", Duration.ofHours(1), Duration.ofMillis(200),
                WebhookSecrets.shared(SECRET), null, null), anHourLater);
        canary = new HttpAgent("http://127.0.0.1:" + server.start(), http, "worker-1", "v1.34.1");
        eventually("the restarted server planned", () -> server.state().upgrades().containsKey("os-1-35"));
        assertEquals(NodePhase.Writing, phaseOf("worker-1"), "worker-1 is not failed for the server's downtime: "
                + server.state().upgrades().get("os-1-35").status().message());
        canary.held = agents.get("worker-1").held;
        canary.install();
        eventually("worker-1 completes", () -> phaseOf("worker-1") == NodePhase.Completed);
    }

    private NodePhase phaseOf(String node) {
        UpgradeStatus u = server.state().upgrades().get("os-1-35");
        return u == null ? null : u.status().nodes().stream().filter(r -> r.node().equals(node))
                .map(UpgradeStatus.NodeRow::phase).findFirst().orElse(null);
    }

    @Test
    void aPullRequestGetsItsPlanWrittenAndPosted() throws Exception {
        for (HttpAgent a : agents.values()) {
            a.report(0);
        }
        repos.work.run("checkout", "-q", "-b", "edge-canary", "main");
        java.nio.file.Files.writeString(repos.work.dir().resolve("upgrades/os-edge.yaml"), """
                apiVersion: gitfleet.io/v1
                kind: Upgrade
                metadata: {name: os-edge}
                spec:
                  version: v1.34.3
                  catalog: {ref: catalogs/os.yaml}
                  selector: {nodeNames: [worker-6]}
                """);
        repos.work.run("add", "-A");
        repos.work.run("commit", "-q", "-m", "Try the edge OS on worker-6");
        repos.work.run("push", "-q", "origin", "edge-canary");
        String head = repos.work.run("rev-parse", "HEAD");
        assertEquals(202, webhook("{\"event\":\"pull_request\",\"action\":\"opened\",\"number\":7,\"repository\":"
                + "\"acme/fleet\",\"head\":\"" + head + "\",\"headRef\":\"edge-canary\",\"baseRef\":\"main\"}", "d-2")
                .statusCode());
        eventually("the plan is posted", () -> !forge.findAll(postRequestedFor(urlEqualTo(
                "/repos/acme/fleet/issues/7/comments"))).isEmpty());
        forge.verify(postRequestedFor(urlEqualTo("/repos/acme/fleet/statuses/" + head))
                .withHeader("Authorization", equalTo("Bearer forge-token"))
                .withRequestBody(matchingJsonPath("$.state", equalTo("failure"))));
        String comment = forge.findAll(postRequestedFor(urlEqualTo("/repos/acme/fleet/issues/7/comments"))).get(0)
                .getBodyAsString();
        assertTrue(comment.contains("v1.34.3 is blocked by the catalog"), comment);
        server.close();
        String plan = new GitCli(repos.bare).run("show", "gitfleet/status:plans/pr-7.yaml");
        assertTrue(plan.contains("pullRequest: 7") && plan.contains("ok: false"), plan);
    }

    /** Signed events that do not concern the approved branch are answered "ignored", with why, and not acted on. */
    @Test
    void pushesAndPullRequestsForAnotherBranchAreIgnored() throws Exception {
        HttpResponse<String> push = webhook("{\"event\":\"push\",\"ref\":\"refs/heads/feature\",\"after\":\""
                + "0123456789abcdef0123456789abcdef01234567\"}", "other-1");
        assertEquals(202, push.statusCode(), push.body());
        assertTrue(push.body().contains("ignored") && push.body().contains("not to the approved branch main"),
                push.body());
        HttpResponse<String> pr = webhook("{\"event\":\"pull_request\",\"action\":\"opened\",\"number\":9,"
                + "\"repository\":\"acme/fleet\",\"head\":\"0123456789abcdef0123456789abcdef01234567\","
                + "\"headRef\":\"x\",\"baseRef\":\"release\"}", "other-2");
        assertEquals(202, pr.statusCode(), pr.body());
        assertTrue(pr.body().contains("targets release, not the approved branch main: not planned"), pr.body());
        assertEquals(0, server.loop().plansWaiting(), "nothing queued for a plan");
    }

    @Test
    void unsignedWebhooksAreRefused() throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/hooks/generic"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"push\",\"ref\":\"main\"}"))
                .header("Content-Type", "application/json").build();
        assertEquals(401, http.send(r, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    HttpResponse<String> webhook(String body, String delivery) throws Exception {
        String sig = "sha256=" + new HmacUtils(HmacAlgorithms.HMAC_SHA_256, SECRET).hmacHex(body);
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/hooks/generic"))
                .header("Content-Type", "application/json").header("X-Gitfleet-Signature", sig)
                .header("X-Gitfleet-Delivery", delivery).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        await("until " + what).atMost(Duration.ofSeconds(20)).until(condition::getAsBoolean);
    }
}
