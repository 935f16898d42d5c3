package io.gitfleet.reconciler.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.Metadata;
import io.gitfleet.schema.Node;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.UpgradeStatus;
import io.gitfleet.webhooks.WebhookSecrets;
import io.gitfleet.webhooks.WebhookSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent API on a real Vert.x server on 127.0.0.1: who may speak, what is refused, and long polls. */
class AgentApiIT {
    private final HttpClient http = HttpClient.newHttpClient();
    private Vertx vertx;
    private HttpServer server;
    private ReportBook reports;
    private InstructionBoard board;
    private final AtomicInteger passes = new AtomicInteger();
    private String base;

    static String token(String node) {
        return "token-of-" + node;
    }

    static Node node(String name) {
        String sha = HexFormat.of().formatHex(NodeTokens.sha256(token(name)));
        return new Node(Node.API_VERSION, Node.KIND, Metadata.named(name), new Node.Spec(Role.WORKER, "dc1", null, sha));
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Map<String, Node> inventory = new TreeMap<>(Map.of("worker-1", node("worker-1"), "worker-2", node("worker-2")));
        NodeTokens tokens = new NodeTokens(inventory);
        reports = new ReportBook();
        board = new InstructionBoard(vertx);
        ServerMetrics metrics = new ServerMetrics(board);
        AgentApi agents = new AgentApi(() -> tokens, reports, board, passes::incrementAndGet, metrics,
                Clock.systemUTC());
        StatusApi status = new StatusApi(new EmptySource(inventory));
        server = vertx.createHttpServer().requestHandler(HttpApi.router(vertx, agents, status, metrics,
                WebhookSettings.defaults(WebhookSecrets.none()), e -> { }))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + server.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String report(String node, Report.Task task) {
        return Documents.toJson(Report.of(node, new Report.Status("test", Map.of("os", "v1.34.1"),
                new Report.Slots("a", "a", null, null, null), new Report.Health(true, null), task, null)));
    }

    HttpResponse<String> post(String node, String token, String body, String query) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes/" + node + "/report" + query))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void error(HttpResponse<String> r, int status, String code, String reasonPart) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("{\"error\":\"" + code + "\",\"reason\":\""), r.body());
        assertTrue(r.body().contains(reasonPart), r.body());
    }

    @Test
    void refusals() throws Exception {
        String good = report("worker-1", null);
        error(post("worker-1", null, good, ""), 401, "unauthenticated", "Authorization: Bearer");
        error(post("worker-1", "guess", good, ""), 401, "unauthenticated", "unknown node or wrong token");
        error(post("node-9", token("worker-1"), good, ""), 403, "forbidden", "belongs to another node");
        error(post("worker-1", token("worker-2"), good, ""), 403, "forbidden", "belongs to another node");
        error(post("worker-1", token("worker-1"), report("worker-2", null), ""), 403, "forbidden",
                "a node can only report for itself");
        error(post("worker-1", token("worker-1"), "{not json", ""), 400, "invalid_report", "not valid YAML");
        error(post("worker-1", token("worker-1"), good.replace("\"os\"", "\"OS!\""), ""), 400, "invalid_report",
                "/status/components");
        error(post("worker-1", token("worker-1"), "x".repeat(AgentApi.BODY_LIMIT + 1), ""), 413, "too_large", "");
        error(post("worker-1", token("worker-1"), good, "?wait=soon"), 400, "bad_request", "wait must be");
        assertEquals(0, passes.get(), "a refused request changes nothing");
        assertEquals(null, reports.get("worker-1"));
    }

    @Test
    void aReportIsRecordedAndOnlyAChangeTriggersAPass() throws Exception {
        HttpResponse<String> r = post("worker-1", token("worker-1"), report("worker-1", null), "");
        assertEquals(204, r.statusCode());
        assertEquals("v1.34.1", reports.get("worker-1").report().components().get("os"));
        assertEquals(1, passes.get());
        post("worker-1", token("worker-1"), report("worker-1", null), "");
        assertEquals(1, passes.get(), "a heartbeat triggers nothing");
    }

    /**
     * A body identical to the node's last accepted report reuses that report's reading, but nothing else: the token
     * is checked on every request, any other body is read and validated in full, and what one node sent is never
     * taken for another's.
     */
    @Test
    void aRepeatedReportIsStillAuthenticatedAndAnyOtherBodyStillValidated() throws Exception {
        String good = report("worker-1", null);
        assertEquals(204, post("worker-1", token("worker-1"), good, "").statusCode());
        assertEquals(204, post("worker-1", token("worker-1"), good, "").statusCode());
        error(post("worker-1", "guess", good, ""), 401, "unauthenticated", "unknown node or wrong token");
        error(post("worker-1", token("worker-2"), good, ""), 403, "forbidden", "belongs to another node");
        error(post("worker-2", token("worker-2"), good, ""), 403, "forbidden", "a node can only report for itself");
        error(post("worker-1", token("worker-1"), good.replace("\"os\"", "\"OS!\""), ""), 400, "invalid_report",
                "/status/components");
        String other = good.replace("v1.34.1", "v1.35.1");
        assertEquals(204, post("worker-1", token("worker-1"), other, "").statusCode());
        assertEquals("v1.35.1", reports.get("worker-1").report().components().get("os"));
        assertEquals(204, post("worker-1", token("worker-1"), good, "").statusCode());
        assertEquals("v1.34.1", reports.get("worker-1").report().components().get("os"));
    }

    @Test
    void aWaitingAgentGetsItsInstructionAsSoonAsAPassDecides() throws Exception {
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return post("worker-1", token("worker-1"), report("worker-1", null), "?wait=30");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> board.waiting() != 0);
        assertEquals(1, board.waiting());
        Instruction instruction = instruction("worker-1", 1);
        long sent = System.nanoTime();
        board.deliver(new TreeMap<>(Map.of("worker-1", instruction)));
        HttpResponse<String> r = waiting.get(10, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - sent) / 1_000_000;
        assertEquals(200, r.statusCode());
        assertEquals(instruction, DocumentReader.require("instruction", r.body().getBytes(StandardCharsets.UTF_8),
                Instruction.class));
        assertTrue(tookMs < 5_000, "answered " + tookMs + " ms after the pass, not at the end of the wait");
    }

    @Test
    void aWithdrawnInstructionWakesTheAgentWithNothing() throws Exception {
        Instruction instruction = instruction("worker-1", 1);
        board.deliver(new TreeMap<>(Map.of("worker-1", instruction)));
        Report.Task holding = new Report.Task("os-1-35", 1, Action.INSTALL, "v1.35.1", NodePhase.Writing, 1L, 2L,
                null, null);
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return post("worker-1", token("worker-1"), report("worker-1", holding), "?wait=30");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> board.waiting() != 0);
        board.deliver(new TreeMap<>());
        assertEquals(204, waiting.get(10, TimeUnit.SECONDS).statusCode());
    }

    @Test
    void anAgentThatAlreadyHoldsItsTaskGetsItAgainWhenTheWaitRunsOut() throws Exception {
        Instruction instruction = instruction("worker-1", 1);
        board.deliver(new TreeMap<>(Map.of("worker-1", instruction)));
        Report.Task holding = new Report.Task("os-1-35", 1, Action.INSTALL, "v1.35.1", NodePhase.Writing, 1L, 2L,
                null, null);
        long start = System.nanoTime();
        HttpResponse<String> r = post("worker-1", token("worker-1"), report("worker-1", holding), "?wait=1");
        assertEquals(200, r.statusCode());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(900), "held for the wait");
        HttpResponse<String> fresh = post("worker-1", token("worker-1"), report("worker-1", null), "?wait=30");
        assertEquals(200, fresh.statusCode(), "a task the agent does not hold yet is answered at once");
    }

    @Test
    void healthAndMetricsAndUnknownPaths() throws Exception {
        post("worker-1", "guess", report("worker-1", null), "");
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(metrics.body().contains("gitfleet_agent_requests_total{status=\"401\"} 1.0"), metrics.body());
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nope")).build(),
                HttpResponse.BodyHandlers.ofString());
        error(missing, 404, "not_found", "/api/v1/nope");
    }

    static Instruction instruction(String node, int attempt) {
        return Instruction.of(node, new Instruction.Spec("os-1-35", attempt, null, Action.INSTALL, "os", "v1.35.1",
                "a".repeat(40), new Instruction.ImageRef("http://127.0.0.1/img.zst", "b".repeat(64), 1024, null),
                null, false));
    }

    /** A read API with nothing to show: these tests are about the agent API. */
    record EmptySource(Map<String, Node> inventory) implements StatusApi.Source {
        public String fleetName() {
            return "fleet";
        }

        public String approvedBranch() {
            return "main";
        }

        public String statusBranch() {
            return "gitfleet/status";
        }

        public FleetStatus fleetStatus() {
            return null;
        }

        public Map<String, UpgradeStatus> upgrades() {
            return Map.of();
        }

        public Map<String, Observation> reports() {
            return Map.of();
        }

        public List<Map<String, Object>> history(int limit) {
            return List.of();
        }
    }
}
