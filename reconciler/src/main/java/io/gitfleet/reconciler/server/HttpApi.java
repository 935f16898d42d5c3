package io.gitfleet.reconciler.server;

import io.gitfleet.webhooks.WebhookEvent;
import io.gitfleet.webhooks.WebhookRoutes;
import io.gitfleet.webhooks.WebhookSettings;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Consumer;

/** The reconciler's HTTP surface, as one route table. Every failure becomes one {@link ApiError} document. */
public final class HttpApi {
    private HttpApi() {
    }

    public static Router router(Vertx vertx, AgentApi agents, StatusApi status, ServerMetrics metrics,
                                WebhookSettings webhooks, Consumer<WebhookEvent> webhookSink) {
        return router(vertx, agents::report, status, metrics, webhooks, webhookSink);
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

    /** @param report the agent round trip: {@link AgentApi#report}, or a replica's choice to act or forward */
    public static Router router(Vertx vertx, Handler<RoutingContext> report, StatusApi status, ServerMetrics metrics,
                                WebhookSettings webhooks, Consumer<WebhookEvent> webhookSink) {
        Router router = Router.router(vertx);
        router.post("/api/v1/nodes/:node/report")
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
        router.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end("{\"status\":\"ok\"}"));
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
        WebhookRoutes.mount(router, webhooks.withMetrics(metrics), webhookSink);
        DashboardRoutes.mount(router);
        router.route("/api/*").failureHandler(ctx -> ApiError.write(ctx, ctx.failure()));
        router.route().last().handler(ctx -> ApiError.write(ctx, new ApiError(404, "not_found",
                "no such path: " + ctx.request().path())));
        return router;
    }
}
