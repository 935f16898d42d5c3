package io.gitfleet.reconciler.server;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Vert.x server on loopback that mounts {@link DashboardRoutes} and answers the four JSON API paths the
 * page reads with the fixture files of one variant ({@code src/test/resources/dashboard/VARIANT/}). The test
 * switches the variant to make the rollout move, and can make the API answer 503 as a reconciler that is down.
 */
final class DashboardFixtureServer implements AutoCloseable {
    static final List<String> VARIANTS = List.of("rollout", "stalled");
    /** API path to fixture file name. */
    static final Map<String, String> API = Map.of(
            "/api/v1/fleet", "fleet.json",
            "/api/v1/upgrades", "upgrades.json",
            "/api/v1/nodes", "nodes.json",
            "/api/v1/history", "history.json");

    private final Vertx vertx;
    private final HttpServer server;
    private final Map<String, byte[]> fixtures;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private volatile String variant;
    private volatile boolean down;

    private DashboardFixtureServer(Vertx vertx, HttpServer server, Map<String, byte[]> fixtures, String variant) {
        this.vertx = vertx;
        this.server = server;
        this.fixtures = fixtures;
        this.variant = variant;
    }

    static DashboardFixtureServer start(String variant) throws Exception {
        Map<String, byte[]> fixtures = new HashMap<>();
        for (String v : VARIANTS) {
            for (String file : API.values()) {
                fixtures.put(v + "/" + file, fixture(v + "/" + file));
            }
        }
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        DashboardRoutes.mount(router);
        DashboardFixtureServer[] self = new DashboardFixtureServer[1];
        API.forEach((path, file) -> router.get(path).handler(ctx -> {
            DashboardFixtureServer s = self[0];
            s.hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            if (s.down) {
                ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json")
                        .end("{\"error\":\"reconciler is restarting\"}");
            } else {
                ctx.response().putHeader("Content-Type", "application/json")
                        .putHeader("Cache-Control", "no-store")
                        .end(Buffer.buffer(s.fixtures.get(s.variant + "/" + file)));
            }
        }));
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        self[0] = new DashboardFixtureServer(vertx, server, fixtures, variant);
        return self[0];
    }

    /** The text of one fixture file, {@code VARIANT/NAME.json}. */
    static byte[] fixture(String name) {
        try (InputStream in = DashboardFixtureServer.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("fixture missing: dashboard/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/";
    }

    /** Serves another variant from the next request on. */
    void show(String variant) {
        if (!VARIANTS.contains(variant)) {
            throw new IllegalArgumentException(variant);
        }
        this.variant = variant;
    }

    /** While down, every API path answers 503 (the page itself is still served). */
    void down(boolean down) {
        this.down = down;
    }

    int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() throws ExecutionException, TimeoutException {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
