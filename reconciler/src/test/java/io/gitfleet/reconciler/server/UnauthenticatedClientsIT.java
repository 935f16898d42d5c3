package io.gitfleet.reconciler.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.Node;
import io.gitfleet.webhooks.WebhookSecrets;
import io.gitfleet.webhooks.WebhookSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that prove nothing cost the server nothing: raw sockets on 127.0.0.1 that send headers and stall, send
 * bodies nobody signed, open too many connections, or reset their long polls.
 */
class UnauthenticatedClientsIT {
    private static final int READ_LIMIT_MS = 20_000;
    private Vertx vertx;
    private HttpServer server;
    private InstructionBoard board;
    private ServerMetrics metrics;
    private final List<Socket> sockets = new ArrayList<>();
    private int port;

    private void start(HttpLimits limits) throws Exception {
        vertx = Vertx.vertx();
        Map<String, Node> inventory = new TreeMap<>(Map.of("worker-1", AgentApiIT.node("worker-1")));
        NodeTokens tokens = new NodeTokens(inventory);
        board = new InstructionBoard(vertx);
        metrics = new ServerMetrics(board);
        AgentApi agents = new AgentApi(() -> tokens, new ReportBook(), board, () -> { }, metrics, Clock.systemUTC());
        WebhookSettings hooks = WebhookSettings.defaults(WebhookSecrets.shared("webhook-secret"));
        server = HttpApi.server(vertx, limits, HttpApi.router(vertx, limits, Health.ALWAYS, agents, agents::report,
                        new StatusApi(new AgentApiIT.EmptySource(inventory)), metrics, hooks, e -> { }))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(READ_LIMIT_MS); // only so that a failing run ends; every expected answer comes at once
        sockets.add(s);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Everything the server sends until it closes the connection (the refusals close it). */
    private static String readAll(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                b.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed: " + b.toString(StandardCharsets.UTF_8));
        } catch (IOException reset) {
            // a reset after the answer is fine
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** The server's own count of webhook deliveries refused as unauthorized. */
    private long refusedHooks() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "gitfleet_webhook_deliveries_total\\{[^}]*result=\"unauthorized\"[^}]*} ([0-9.E]+)")
                .matcher(metrics.scrape());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void threeHundredUnsignedWebhookUploadsDoNotGrowTheHeap() throws Exception {
        start(HttpLimits.DEFAULTS);
        int uploads = 300;
        byte[] half = new byte[512 * 1024];
        long before = heapAfterGc();
        for (int i = 0; i < uploads; i++) {
            Socket s = connect();
            try {
                send(s, "POST /hooks/github HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "X-GitHub-Event: push\r\nContent-Length: 1048576\r\n\r\n");
                s.getOutputStream().write(half);
            } catch (IOException refused) {
                // the server refused at the headers and closed: what should happen
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> refusedHooks() == uploads);
        long grown = heapAfterGc() - before;
        System.out.printf("heap after %d unfinished unsigned 1 MiB uploads: %+.1f MiB%n", uploads,
                grown / 1048576.0);
        assertTrue(grown < 32L * 1024 * 1024, "the heap grew by " + grown / 1048576 + " MiB");
    }

    @Test
    void aReportWithoutAValidTokenIsRefusedBeforeItsBody() throws Exception {
        start(HttpLimits.DEFAULTS);
        String head = "POST /api/v1/nodes/worker-1/report HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
        Socket none = connect();
        send(none, head + "Content-Length: 60000\r\n\r\n");
        String r1 = readAll(none);
        assertTrue(r1.startsWith("HTTP/1.1 401"), r1);
        assertTrue(r1.contains("\"error\":\"unauthenticated\""), r1);

        Socket wrong = connect();
        send(wrong, head + "Authorization: Bearer guess\r\nContent-Length: 60000\r\n\r\n");
        assertTrue(readAll(wrong).startsWith("HTTP/1.1 401"));

        Socket huge = connect();
        send(huge, head + "Authorization: Bearer " + AgentApiIT.token("worker-1")
                + "\r\nContent-Length: 104857600\r\n\r\n");
        String r3 = readAll(huge);
        assertTrue(r3.startsWith("HTTP/1.1 413"), r3);
    }

    @Test
    void aBodyThatStopsArrivingIsAnswered408() throws Exception {
        start(HttpLimits.DEFAULTS.withBodyTimeout(Duration.ofMillis(300)));
        Socket s = connect();
        send(s, "POST /api/v1/nodes/worker-1/report HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + AgentApiIT.token("worker-1") + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a");
        String r = readAll(s);
        assertTrue(r.startsWith("HTTP/1.1 408"), r);
    }

    @Test
    void aConnectionThatSendsNoRequestIsClosed() throws Exception {
        start(HttpLimits.DEFAULTS.withHeaderTimeout(Duration.ofMillis(300)));
        Socket silent = connect();
        assertEquals(-1, silent.getInputStream().read(), "closed by the server");
        Socket slow = connect();
        send(slow, "GET /healthz HTTP/1.1\r\nHost: x\r\n"); // the head never ends
        assertEquals(-1, slow.getInputStream().read(), "closed by the server");
    }

    @Test
    void connectionsOverTheCapAreClosedAtOnce() throws Exception {
        start(HttpLimits.DEFAULTS.withMaxConnections(20).withHeaderTimeout(Duration.ofHours(1)));
        for (int i = 0; i < 20; i++) {
            connect();
        }
        Socket over = connect();
        assertEquals(-1, over.getInputStream().read(), "the 21st connection is closed");
        Socket first = sockets.get(0);
        send(first, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(readAll(first).startsWith("HTTP/1.1 "), "the first 20 are served");
    }

    @Test
    void resetLongPollsLeaveTheBoardAtOnce() throws Exception {
        start(HttpLimits.DEFAULTS);
        int polls = 200;
        byte[] body = AgentApiIT.report("worker-1", null).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < polls; i++) {
            Socket s = connect();
            send(s, "POST /api/v1/nodes/worker-1/report?wait=60 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + AgentApiIT.token("worker-1") + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n");
            s.getOutputStream().write(body);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> board.waiting() == polls);
        for (Socket s : sockets) {
            s.setSoLinger(true, 0); // close with a reset, as a killed agent's kernel does
            s.close();
        }
        // the polls asked for 60 s: only dropping them on the reset empties the board before that
        await().atMost(Duration.ofSeconds(30)).until(() -> board.waiting() == 0);
    }
}
