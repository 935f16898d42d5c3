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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;

/**
 * The server's benchmarks, each against {@code gitfleet serve} in a process of its own on 127.0.0.1:
 * {@code latency} (merge → instruction for N long-polling agents), {@code throughput} (authenticated reports from
 * wrk), {@code heap} (heap with N long polls open). Run: {@code bench/server.sh [MODE] [NODES]}.
 */
public final class ServerBenchmark {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final io.vertx.core.http.HttpClient agentClient = vertx.httpClientBuilder()
            .with(new HttpClientOptions().setKeepAlive(false).setConnectTimeout(30_000))
            .with(new PoolOptions().setHttp1MaxSize(20_000).setMaxWaitQueueSize(-1)).build();

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "all";
        ServerBenchmark b = new ServerBenchmark();
        Path root = Scratch.create();
        try {
            switch (mode) {
                case "latency" -> b.latency(root, args.length > 1 ? Integer.parseInt(args[1]) : 1000);
                case "throughput" -> b.throughput(root, args.length > 1 ? Integer.parseInt(args[1]) : 1000);
                case "heap" -> b.heap(root, args.length > 1 ? Integer.parseInt(args[1]) : 10_000);
                default -> {
                    b.latency(root.resolve("latency"), 1000);
                    b.throughput(root.resolve("throughput"), 1000);
                    b.heap(root.resolve("heap"), 10_000);
                }
            }
        } finally {
            Scratch.remove(root);
        }
        System.exit(0);
    }

    void latency(Path root, int nodes) throws Exception {
        BenchFleet fleet = BenchFleet.create(root, nodes);
        try (BenchServer server = BenchServer.start(fleet, root.resolve("data"), "1g")) {
            register(server, nodes);
            // steady state: the agents' first reports are recorded by the batched status writer (every 5 s) before
            // the merge, as they would be on a fleet that has been up for a while
            Thread.sleep(7_000);
            long[] done = new long[nodes];
            List<CompletableFuture<Integer>> polls = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                int n = i;
                polls.add(longPoll(server, BenchFleet.name(i)).thenApply(code -> {
                    done[n] = System.nanoTime();
                    return code;
                }));
            }
            awaitWaiting(server, nodes);
            String head = fleet.mergeUpgrade();
            long start = System.nanoTime();
            int hook = webhook(server, "{\"event\":\"push\",\"ref\":\"refs/heads/main\",\"after\":\"" + head + "\"}");
            CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
            long instructed = polls.stream().filter(f -> f.join() == 200).count();
            double[] ms = Arrays.stream(done).mapToDouble(t -> (t - start) / 1e6).sorted().toArray();
            System.out.printf("merge -> instruction, %d long-polling agents (webhook %d): min %.0f ms, p50 %.0f ms, "
                    + "p99 %.0f ms, max %.0f ms; %d/%d instructed%n", nodes, hook, ms[0], pct(ms, 0.5), pct(ms, 0.99),
                    ms[ms.length - 1], instructed, nodes);
        }
    }

    void throughput(Path root, int nodes) throws Exception {
        BenchFleet fleet = BenchFleet.create(root, nodes);
        try (BenchServer server = BenchServer.start(fleet, root.resolve("data"), "1g")) {
            register(server, nodes);
            Path script = root.resolve("reports.lua");
            Files.writeString(script, luaScript(nodes), StandardCharsets.UTF_8);
            String url = server.base + "/api/v1/nodes/";
            BenchServer.run("wrk", "-t2", "-c64", "-d3s", "-s", script.toString(), url);
            String out = BenchServer.run("wrk", "-t2", "-c64", "-d10s", "--latency", "-s", script.toString(), url);
            Matcher rps = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
            Matcher p50 = Pattern.compile("50%\\s+([0-9.]+)(us|ms|s)").matcher(out);
            Matcher p99 = Pattern.compile("99%\\s+([0-9.]+)(us|ms|s)").matcher(out);
            Matcher errors = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
            if (!rps.find() || !p50.find() || !p99.find()) {
                throw new IllegalStateException("unexpected wrk output:\n" + out);
            }
            System.out.printf("authenticated reports from wrk (-t2 -c64 -d10s, %d nodes): %s req/s, p50 %s, p99 %s, "
                    + "non-2xx %s%n", nodes, rps.group(1), p50.group(1) + p50.group(2), p99.group(1) + p99.group(2),
                    errors.find() ? errors.group(1) : "0");
        }
    }

    void heap(Path root, int nodes) throws Exception {
        BenchFleet fleet = BenchFleet.create(root, nodes);
        try (BenchServer server = BenchServer.start(fleet, root.resolve("data"), "1g")) {
            register(server, nodes);
            double idle = server.heapAfterGcMib();
            List<CompletableFuture<Integer>> polls = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                polls.add(longPoll(server, BenchFleet.name(i)));
            }
            double waiting = awaitWaiting(server, nodes);
            double used = server.heapAfterGcMib();
            System.out.printf("heap with %.0f long polls open (%d nodes, -Xmx1g): %.0f MiB used after GC "
                    + "(%.0f MiB before the polls), RSS %d MiB%n", waiting, nodes, used, idle, server.rssMib());
        }
    }

    /**
     * One agent's long poll, over a Vert.x client: thousands of waiting connections on one event loop, each answer
     * timed the moment it arrives (the JDK client adds its own queueing at this scale).
     */
    private CompletableFuture<Integer> longPoll(BenchServer server, String node) {
        return agentClient.request(HttpMethod.POST, server.port, "127.0.0.1", "/api/v1/nodes/" + node + "/report?wait=60")
                .compose(req -> req.putHeader("Authorization", "Bearer " + BenchFleet.token(node))
                        .putHeader("Content-Type", "application/json").idleTimeout(120_000).send(body(node)))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .toCompletionStage().toCompletableFuture();
    }

    /** Every node reports once, so the server knows it; 64 at a time. */
    private void register(BenchServer server, int nodes) throws Exception {
        Semaphore slots = new Semaphore(64);
        List<CompletableFuture<HttpResponse<Void>>> all = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            slots.acquire();
            all.add(http.sendAsync(report(server, BenchFleet.name(i), 0), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> slots.release()));
        }
        for (CompletableFuture<HttpResponse<Void>> f : all) {
            int code = f.get(60, TimeUnit.SECONDS).statusCode();
            if (code != 204 && code != 200) {
                throw new IllegalStateException("registration answered " + code);
            }
        }
    }

    private double awaitWaiting(BenchServer server, int nodes) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        double waiting = 0;
        while (System.nanoTime() < deadline && (waiting = server.metric("gitfleet_agent_waiting")) < nodes) {
            Thread.sleep(100);
        }
        return waiting;
    }

    static String body(String node) {
        return Documents.toJson(Report.of(node, new Report.Status("bench", Map.of("os", "v1.34.1"),
                new Report.Slots("a", "a", null, new Report.Slot("v1.34.1", Report.SlotState.GOOD), null),
                new Report.Health(true, null), null, null)));
    }

    private HttpRequest report(BenchServer server, String node, int wait) {
        return HttpRequest.newBuilder(URI.create(server.base + "/api/v1/nodes/" + node + "/report?wait=" + wait))
                .timeout(Duration.ofSeconds(wait + 60)).header("Authorization", "Bearer " + BenchFleet.token(node))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body(node)))
                .build();
    }

    private int webhook(BenchServer server, String body) throws Exception {
        String sig = "sha256=" + new HmacUtils(HmacAlgorithms.HMAC_SHA_256, BenchServer.SECRET).hmacHex(body);
        return http.send(HttpRequest.newBuilder(URI.create(server.base + "/hooks/generic"))
                .header("Content-Type", "application/json").header("X-Gitfleet-Signature", sig)
                .header("X-Gitfleet-Delivery", "bench-" + System.nanoTime())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    /** A wrk script that sends each node's heartbeat in turn, with the node's own token. */
    static String luaScript(int nodes) {
        StringBuilder b = new StringBuilder("local bodies = {}\nlocal names = {}\n");
        for (int i = 0; i < nodes; i++) {
            String n = BenchFleet.name(i);
            b.append("names[").append(i + 1).append("] = \"").append(n).append("\"\n");
            b.append("bodies[").append(i + 1).append("] = [[").append(body(n)).append("]]\n");
        }
        b.append("""
                local i = 0
                request = function()
                  i = i %% %d + 1
                  local n = names[i]
                  return wrk.format("POST", "/api/v1/nodes/" .. n .. "/report", {
                    ["Authorization"] = "Bearer bench-token-" .. n,
                    ["Content-Type"] = "application/json"}, bodies[i])
                end
                """.formatted(nodes));
        return b.toString();
    }

    private static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
