package io.gitfleet.reconciler.server;

import io.gitfleet.webhooks.WebhookEvent;
import io.gitfleet.webhooks.WebhookRoutes;
import io.gitfleet.webhooks.WebhookSettings;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** The reconciler's HTTP surface, as one route table. Every failure becomes one {@link ApiError} document. */
public final class HttpApi {
    private HttpApi() {
    }

    public static final String REPORT = "/api/v1/nodes/:node/report";

    public static Router router(Vertx vertx, AgentApi agents, StatusApi status, ServerMetrics metrics,
                                WebhookSettings webhooks, Consumer<WebhookEvent> webhookSink) {
        return router(vertx, HttpLimits.DEFAULTS, Health.ALWAYS, agents, agents::report, status, metrics, webhooks,
                webhookSink);
    }

    /**
     * {@code GET /readyz}: 200 with the document when it says {@code ready: true}, else 503 with it (and
     * {@code Retry-After}), so that a load balancer or a probe only sends work to a server that can take it.
     */
    public static void readiness(Router router, java.util.function.Supplier<java.util.Map<String, Object>> state) {
        router.get("/readyz").order(-1).handler(ctx -> {
            java.util.Map<String, Object> doc = state.get();
            boolean ready = Boolean.TRUE.equals(doc.get("ready"));
            if (!ready) {
                ctx.response().putHeader("Retry-After", "5");
            }
            ctx.response().setStatusCode(ready ? 200 : 503).putHeader("Content-Type", "application/json")
                    .end(io.gitfleet.schema.Documents.toJson(doc));
        });
    }

    /**
     * @param agents checks the agent's token from the headers, before a byte of the body is read
     * @param report the agent round trip: {@link AgentApi#report}, or a replica's choice to act or forward
     */
    public static Router router(Vertx vertx, HttpLimits limits, Health health, AgentApi agents,
                                Handler<RoutingContext> report,
                                StatusApi status, ServerMetrics metrics, WebhookSettings webhooks,
                                Consumer<WebhookEvent> webhookSink) {
        Router router = Router.router(vertx);
        // every body must arrive in time; routes of their own, because only a body handler may come first on one
        router.post().handler(ctx -> bodyDeadline(vertx, limits, ctx));
        router.post(REPORT).handler(ctx -> authenticateBeforeBody(agents, ctx));
        router.post(REPORT)
                .handler(BodyHandler.create(false).setBodyLimit(AgentApi.BODY_LIMIT))
                .handler(report)
                .failureHandler(ctx -> ApiError.write(ctx, ctx.failure()));
        router.get("/api/v1/fleet").handler(status::fleet);
        router.get("/api/v1/upgrades").handler(status::upgrades);
        router.get("/api/v1/nodes").handler(status::nodes);
        router.get("/api/v1/history").handler(status::history);
        router.get("/api/v1/version").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end(io.gitfleet.schema.Documents.toJson(java.util.Map.of("version", BuildInfo.version(),
                        "java", BuildInfo.javaVersion()))));
        router.get("/healthz").handler(ctx -> health(ctx, health));
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
        WebhookRoutes.mount(router, webhooks.withMetrics(metrics), webhookSink);
        DashboardRoutes.mount(router);
        router.route("/api/*").failureHandler(ctx -> ApiError.write(ctx, ctx.failure()));
        router.route().last().handler(ctx -> ApiError.write(ctx, new ApiError(404, "not_found",
                "no such path: " + ctx.request().path())));
        return router;
    }

    /** 200 {@code {"status":"ok"}}, or 503 {@code {"status":"failing","reason":…}} when the server cannot act. */
    private static void health(RoutingContext ctx, Health health) {
        java.util.Optional<String> problem = health.problem();
        Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("status", problem.isEmpty() ? "ok" : "failing");
        problem.ifPresent(p -> doc.put("reason", io.gitfleet.reconciler.git.GitUrls.redact(p)));
        ctx.response().setStatusCode(problem.isEmpty() ? 200 : 503).putHeader("Content-Type", "application/json")
                .end(io.vertx.core.buffer.Buffer.buffer(io.gitfleet.schema.Documents.toJsonBytes(doc)));
    }

    /**
     * The agent's token is checked from the headers alone, and a declared body over the cap refused, before the
     * body is read: an unauthenticated client costs no memory. The connection is closed after the refusal, since
     * the unread body would otherwise be taken for the next request.
     */
    private static void authenticateBeforeBody(AgentApi agents, RoutingContext ctx) {
        try {
            agents.authenticate(ctx);
            String declared = ctx.request().getHeader("Content-Length");
            if (declared != null && declaredOver(declared.strip(), AgentApi.BODY_LIMIT)) {
                throw new ApiError(413, "too_large", "the body is larger than " + AgentApi.BODY_LIMIT + " bytes");
            }
        } catch (ApiError e) {
            ApiError.writeAndClose(ctx, e);
            return;
        }
        ctx.next();
    }

    /** Whether a Content-Length of 1 to 18 digits says more than {@code limit}; no regex, it runs on every report. */
    private static boolean declaredOver(String digits, long limit) {
        if (digits.isEmpty() || digits.length() > 18) {
            return false;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return false;
            }
        }
        return Long.parseLong(digits) > limit;
    }

    /** A request whose body has not fully arrived within the limit is answered 408 and its connection closed. */
    private static void bodyDeadline(Vertx vertx, HttpLimits limits, RoutingContext ctx) {
        long timer = vertx.setTimer(Math.max(1, limits.bodyTimeout().toMillis()), id -> {
            if (!ctx.request().isEnded() && !ctx.response().ended() && !ctx.response().closed()) {
                ApiError.writeAndClose(ctx, new ApiError(408, "timeout", "the request body did not arrive within "
                        + limits.bodyTimeout().toSeconds() + "s"));
            }
        });
        ctx.addEndHandler(done -> vertx.cancelTimer(timer));
        ctx.next();
    }

    /**
     * The HTTP server with its limits, serving {@code router}: at most {@code maxConnections} open (more are closed
     * at once), a new connection's first request head within {@code headerTimeout}, and no connection silent past
     * {@code idleTimeout}.
     */
    public static HttpServer server(Vertx vertx, HttpLimits limits, Handler<HttpServerRequest> router) {
        return server(vertx, limits, router, null);
    }

    /** The same, speaking HTTPS with {@code tls} (null: plain HTTP). */
    public static HttpServer server(Vertx vertx, HttpLimits limits, Handler<HttpServerRequest> router, ServerTls tls) {
        // no cleartext HTTP/2: its protocol detection waits for the first bytes before the connection exists, so a
        // silent connection would escape both the cap and the head timer (agents speak HTTP/1.1; TLS proxies too)
        HttpServerOptions options = new HttpServerOptions().setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) limits.idleTimeout().toSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS);
        if (tls != null) {
            // a TLS handshake comes before the connection is counted and timed: bound it by the head timeout
            tls.apply(options).setSslHandshakeTimeout(Math.max(1, limits.headerTimeout().toMillis()))
                    .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
        }
        HttpServer server = vertx.createHttpServer(options);
        AtomicInteger open = new AtomicInteger();
        Map<HttpConnection, Long> awaitingHead = new ConcurrentHashMap<>();
        server.connectionHandler(conn -> {
            if (open.incrementAndGet() > limits.maxConnections()) {
                open.decrementAndGet();
                conn.close();
                return;
            }
            long timer = vertx.setTimer(Math.max(1, limits.headerTimeout().toMillis()), id -> {
                if (awaitingHead.remove(conn) != null) {
                    conn.close();
                }
            });
            awaitingHead.put(conn, timer);
            conn.closeHandler(v -> {
                open.decrementAndGet();
                Long t = awaitingHead.remove(conn);
                if (t != null) {
                    vertx.cancelTimer(t);
                }
            });
        });
        return server.requestHandler(request -> {
            Long t = awaitingHead.remove(request.connection());
            if (t != null) {
                vertx.cancelTimer(t);
            }
            router.handle(request);
        });
    }
}
