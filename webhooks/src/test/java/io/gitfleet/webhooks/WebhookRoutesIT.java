package io.gitfleet.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.Documents;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook endpoints on a real Vert.x server on loopback, spoken to over real HTTP. */
class WebhookRoutesIT {
    private static final List<WebhookEvent> SUNK = new CopyOnWriteArrayList<>();
    private static final WebhookCounters COUNTERS = new WebhookCounters();
    private static Vertx vertx;
    private static HttpServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        WebhookRoutes.mount(router,
                WebhookSettings.defaults(WebhookSecrets.shared(Deliveries.SECRET)).withMetrics(COUNTERS), SUNK::add);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void clear() {
        SUNK.clear();
    }

    @Test
    void eachForgeTriggersASyncOrAPlan() throws Exception {
        assertAccepted(Forge.GITHUB, "push", "github-push.json", "sync");
        assertAccepted(Forge.GITHUB, "pull_request", "github-pull-request-opened.json", "plan");
        assertAccepted(Forge.GITLAB, "Push Hook", "gitlab-push.json", "sync");
        assertAccepted(Forge.GITLAB, "Merge Request Hook", "gitlab-merge-request-open.json", "plan");
        assertAccepted(Forge.GITEA, "push", "gitea-push.json", "sync");
        assertAccepted(Forge.GITEA, "pull_request", "gitea-pull-request-opened.json", "plan");
        assertAccepted(Forge.GENERIC, "", "generic-push.json", "sync");
        assertAccepted(Forge.GENERIC, "", "generic-pull-request.json", "plan");
        assertEquals(8, SUNK.size());
        assertEquals(new WebhookEvent.PlanPullRequest(Forge.GITEA, "infra/fleet", 3,
                "3c5c6d1d4e0b9f8a7e6d5c4b3a29180706f5e4d3", "os-1-35", "main", SUNK.get(5).deliveryId()), SUNK.get(5));
    }

    @Test
    void unsignedAndMisSignedDeliveriesGet401AndNothingHappens() throws Exception {
        byte[] body = Deliveries.fixture("github-push.json");
        Map<String, String> unsigned = new HashMap<>(Deliveries.headers(Forge.GITHUB, "push", "u1", body, "x"));
        unsigned.remove("X-Hub-Signature-256");
        HttpResponse<String> response = post(Forge.GITHUB, unsigned, body);
        assertEquals(401, response.statusCode());
        assertEquals(Map.of("error", "unauthorized", "reason", "the request carries no signature"), json(response));

        for (Forge forge : Forge.values()) {
            Map<String, String> wrong = Deliveries.headers(forge, "push", "w-" + forge, body, "not the secret");
            assertEquals(401, post(forge, wrong, body).statusCode(), forge.toString());
        }
        assertTrue(SUNK.isEmpty());
    }

    @Test
    void aReplayedDeliveryIdIsAcknowledgedButActedOnOnce() throws Exception {
        byte[] body = Deliveries.fixture("gitea-push.json");
        Map<String, String> headers = Deliveries.headers(Forge.GITEA, "push", "replay-1", body, Deliveries.SECRET);
        assertEquals(202, post(Forge.GITEA, headers, body).statusCode());
        HttpResponse<String> again = post(Forge.GITEA, headers, body);
        assertEquals(200, again.statusCode());
        assertEquals("duplicate", json(again).get("accepted"));
        assertEquals(1, SUNK.size());
    }

    @Test
    void malformedJsonGets400() throws Exception {
        byte[] body = "{\"ref\": ".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = post(Forge.GITLAB,
                Deliveries.headers(Forge.GITLAB, "Push Hook", "bad-json", body, Deliveries.SECRET), body);
        assertEquals(400, response.statusCode());
        assertEquals("malformed", json(response).get("error"));
        assertTrue(SUNK.isEmpty());
    }

    @Test
    void aFormEncodedGithubHookGets415() throws Exception {
        byte[] body = "payload=%7B%7D".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>(
                Deliveries.headers(Forge.GITHUB, "push", "form-1", body, Deliveries.SECRET));
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        HttpResponse<String> response = post(Forge.GITHUB, headers, body);
        assertEquals(415, response.statusCode());
        assertEquals("unsupported_media_type", json(response).get("error"));
    }

    /** The declared length alone is enough: the answer comes although not one byte of the body was sent. */
    @Test
    void aDeclaredOversizeBodyGets413BeforeItIsSent() throws Exception {
        long before = COUNTERS.count(Forge.GITHUB, DeliveryResult.TOO_LARGE);
        String head = "POST /hooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-GitHub-Event: push\r\n" + "X-Hub-Signature-256: sha256=" + "ab".repeat(32)
                + "\r\nContent-Length: " + (512L * 1024 * 1024) + "\r\n\r\n";
        String response = exchange(head.getBytes(StandardCharsets.US_ASCII), null);
        assertTrue(response.startsWith("HTTP/1.1 413"), response);
        assertTrue(response.contains("\"error\":\"too_large\""), response);
        assertEquals(before + 1, COUNTERS.count(Forge.GITHUB, DeliveryResult.TOO_LARGE));
        assertTrue(SUNK.isEmpty());
    }

    /** No signature header: refused from the headers alone, before one byte of the declared body is sent. */
    @Test
    void anUnsignedDeliveryGets401BeforeItsBodyIsSent() throws Exception {
        long before = COUNTERS.count(Forge.GITHUB, DeliveryResult.UNAUTHORIZED);
        String head = "POST /hooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-GitHub-Event: push\r\nContent-Length: 1000\r\n\r\n";
        String response = exchange(head.getBytes(StandardCharsets.US_ASCII), null);
        assertTrue(response.startsWith("HTTP/1.1 401"), response);
        assertEquals(before + 1, COUNTERS.count(Forge.GITHUB, DeliveryResult.UNAUTHORIZED));
        assertTrue(SUNK.isEmpty());
    }

    /** Without a declared length the body is streamed; the cap stops it once it passes 1 MiB. */
    @Test
    void aChunkedOversizeBodyGets413() throws Exception {
        String head = "POST /hooks/generic HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Gitfleet-Signature: sha256=" + "ab".repeat(32) + "\r\nTransfer-Encoding: chunked\r\n\r\n";
        byte[] chunk = ("10000\r\n" + " ".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        String response = exchange(head.getBytes(StandardCharsets.US_ASCII), chunk);
        assertTrue(response.startsWith("HTTP/1.1 413"), response);
        assertTrue(response.contains("\"error\":\"too_large\""), response);
        assertTrue(SUNK.isEmpty());
    }

    @Test
    void justUnderTheCapIsRead() throws Exception {
        String json = "{\"event\":\"push\",\"ref\":\"refs/heads/main\",\"pad\":\"";
        byte[] body = (json + "x".repeat((int) WebhookSettings.DEFAULT_BODY_LIMIT - json.length() - 2) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(WebhookSettings.DEFAULT_BODY_LIMIT, body.length);
        HttpResponse<String> response = post(Forge.GENERIC,
                Deliveries.headers(Forge.GENERIC, "", "big-1", body, Deliveries.SECRET), body);
        assertEquals(202, response.statusCode());
    }

    private static void assertAccepted(Forge forge, String event, String fixture, String kind) throws Exception {
        byte[] body = Deliveries.fixture(fixture);
        String id = "it-" + fixture;
        HttpResponse<String> response = post(forge, Deliveries.headers(forge, event, id, body, Deliveries.SECRET), body);
        assertEquals(202, response.statusCode(), response.body());
        assertEquals(Map.of("accepted", kind, "deliveryId", id), json(response));
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    }

    private static HttpResponse<String> post(Forge forge, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.actualPort() + forge.path()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("User-Agent")) {
                request.header(name, value);
            }
        });
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> response) {
        return Documents.MAPPER.readValue(response.body(), Map.class);
    }

    /** Raw HTTP/1.1, to send a declared length without a body, or an endless chunked body. */
    private static String exchange(byte[] head, byte[] repeatedChunk) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.flush();
            if (repeatedChunk != null) {
                try {
                    for (int i = 0; i < 64; i++) { // 4 MiB offered; the server stops reading past 1 MiB
                        out.write(repeatedChunk);
                    }
                } catch (IOException closedByServer) {
                    // expected once the server has answered and closed the connection
                }
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            try {
                while ((n = in.read(buffer)) > 0) {
                    response.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept the connection open after " + response, e);
            } catch (IOException reset) {
                // a reset after the answer arrived is fine: we only need what came before it
            }
            return response.toString(StandardCharsets.US_ASCII);
        }
    }
}
