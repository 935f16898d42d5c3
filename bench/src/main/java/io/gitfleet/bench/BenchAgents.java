package io.gitfleet.bench;

import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Report;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;

/**
 * The server benchmarks' side of the wire: the agents (their reports and long polls, with their own tokens) and the
 * forge's webhook, against a {@link BenchServer}. Each wait checks what it waited for and fails with one sentence.
 */
final class BenchAgents {
    /** The longest the server holds a poll (AgentApi.MAX_WAIT): every poll must be answered by a merge before. */
    static final int POLL_WAIT_S = 60;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    /**
     * One connection per agent (a pool as large as the fleet), kept open after the answer as the agent's own JDK
     * client keeps it for its next round trip: closing 10,000 connections at both ends on the same two cores
     * doubled the time to deliver the answers, a cost no real fleet puts on the reconciler's machine.
     */
    private final io.vertx.core.http.HttpClient agentClient = vertx.httpClientBuilder()
            .with(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(30_000))
            .with(new PoolOptions().setHttp1MaxSize(20_000).setMaxWaitQueueSize(-1)).build();

    /**
     * One agent's long poll, over a Vert.x client: thousands of waiting connections on one event loop, each answer
     * timed the moment it arrives (the JDK client adds its own queueing at this scale).
     */
    CompletableFuture<Integer> longPoll(BenchServer server, String node) {
        return longPoll(server, node, body(node));
    }

    CompletableFuture<Integer> longPoll(BenchServer server, String node, String body) {
        return agentClient.request(HttpMethod.POST, server.port, "127.0.0.1", "/api/v1/nodes/" + node
                        + "/report?wait=" + POLL_WAIT_S)
                .compose(req -> req.putHeader("Authorization", "Bearer " + BenchFleet.token(node))
                        .putHeader("Content-Type", "application/json").idleTimeout(120_000).send(body))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .toCompletionStage().toCompletableFuture();
    }

    /** Every node reports once, so the server knows it, 64 at a time; each must be answered 204 (no instruction). */
    void register(BenchServer server, int nodes) throws Exception {
        BenchCheck.step("registering " + nodes + " agents (one report each)");
        int[] codes = reportAll(server, nodes, BenchAgents::body);
        long ok = Arrays.stream(codes).filter(c -> c == 204).count();
        BenchCheck.require(ok == nodes, "only " + ok + " of " + nodes + " agents registered with 204 ("
                + codeCounts(codes) + ").");
    }

    /** Every node reports {@code body} once without waiting, 64 at a time; returns each answer's status (-1: none). */
    int[] reportAll(BenchServer server, int nodes, java.util.function.Function<String, String> body)
            throws Exception {
        Semaphore slots = new Semaphore(64);
        List<CompletableFuture<HttpResponse<Void>>> all = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            slots.acquire();
            String node = BenchFleet.name(i);
            all.add(http.sendAsync(report(server, node, body.apply(node)), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> slots.release()));
        }
        int[] codes = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            try {
                codes[i] = all.get(i).get(60, TimeUnit.SECONDS).statusCode();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                codes[i] = -1;
            }
        }
        return codes;
    }

    /**
     * Waits until every agent's first report is on the status branch (a node file each), as on a fleet that has
     * been up a while: the merge's pass then records the rollout, not N first reports besides.
     */
    void awaitStatusRecorded(BenchFleet fleet) throws Exception {
        BenchCheck.step("waiting until the status branch holds the " + fleet.nodes + " first reports");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        long recorded;
        while ((recorded = fleet.recordedNodes()) < fleet.nodes) {
            BenchCheck.require(System.nanoTime() < deadline, "120 s after the agents registered the status branch "
                    + "held " + recorded + " of their " + fleet.nodes + " first reports.");
            Thread.sleep(500);
        }
    }

    /** Waits until the server holds all N polls, none answered; fails naming how many it held. */
    void awaitHeld(BenchServer server, int nodes, AtomicInteger answered) throws Exception {
        BenchCheck.step("waiting until the server holds all " + nodes + " polls");
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        double waiting;
        while (!((waiting = server.metric("gitfleet_agent_waiting")) >= nodes)) {
            BenchCheck.require(answered.get() == 0, answered.get() + " of " + nodes
                    + " polls were answered before the merge, so their times would not measure it.");
            BenchCheck.require(System.nanoTime() < deadline, "the server held only " + (long) waiting + " of "
                    + nodes + " polls 40 s after they were sent.");
            Thread.sleep(100);
        }
        BenchCheck.require(waiting == nodes, "the server holds " + (long) waiting + " polls, not the " + nodes
                + " sent.");
    }

    static String body(String node) {
        return body(node, null);
    }

    /** An idle agent's report; {@code healthMessage} is the one thing that may vary without news for a pass. */
    static String body(String node, String healthMessage) {
        return Documents.toJson(Report.of(node, new Report.Status("bench", Map.of("os", "v1.34.1"),
                new Report.Slots("a", "a", null, new Report.Slot("v1.34.1", Report.SlotState.GOOD), null),
                new Report.Health(true, healthMessage), null, null)));
    }

    HttpRequest report(BenchServer server, String node, String body) {
        return HttpRequest.newBuilder(URI.create(server.base + "/api/v1/nodes/" + node + "/report?wait=0"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + BenchFleet.token(node))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    int webhook(BenchServer server, String body) throws Exception {
        String sig = "sha256=" + new HmacUtils(HmacAlgorithms.HMAC_SHA_256, BenchServer.SECRET).hmacHex(body);
        return http.send(HttpRequest.newBuilder(URI.create(server.base + "/hooks/generic"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Gitfleet-Signature", sig)
                .header("X-Gitfleet-Delivery", "bench-" + System.nanoTime())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    static String codeCounts(int[] codes) {
        Map<Integer, Long> counts = new java.util.TreeMap<>();
        for (int c : codes) {
            counts.merge(c, 1L, Long::sum);
        }
        return "answers by status, -1 for none: " + counts;
    }
}
