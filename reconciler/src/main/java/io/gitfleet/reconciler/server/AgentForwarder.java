package io.gitfleet.reconciler.server;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How a standby replica answers an agent it has already authenticated: it forwards the round trip (body and
 * {@code wait}) to the replica holding the lease and relays the answer, a long poll staying open as long as the
 * holder holds it. The holder is found by the name in the lease and the URL the operator configured for that name
 * ({@code --peer NAME=URL}); the request carries the replicas' shared secret, never the agent's token. With no holder
 * known, a holder that is not a configured peer, or the holder unreachable, it answers 503 {@code no_leader} and
 * the agent backs off and retries.
 */
final class AgentForwarder {
    /** Set on a forwarded request: a replica that does not act either answers 503 instead of forwarding on. */
    static final String FORWARDED_BY = "X-Gitfleet-Forwarded-By";
    private static final Set<String> RELAYED = Set.of("content-type", "cache-control", "retry-after");

    private final HttpClientAgent client;
    private final Supplier<String> replica;
    private final Supplier<String> holder;
    private final ReplicaSettings settings;

    /**
     * @param replica  this replica's name in the lease
     * @param holder   the name of the replica holding the lease, or null when no other replica holds it
     * @param settings the configured peers and the secret they share
     */
    AgentForwarder(Vertx vertx, Supplier<String> replica, Supplier<String> holder, ReplicaSettings settings) {
        // one connection per forwarded long poll: the pool must not make agents queue behind each other
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000).setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(100_000));
        this.replica = replica;
        this.holder = holder;
        this.settings = settings;
    }

    void forward(RoutingContext ctx) {
        String forwardedBy = ctx.request().getHeader(FORWARDED_BY);
        String name = holder.get();
        if (forwardedBy != null || name == null) {
            throw noLeader(forwardedBy != null
                    ? "forwarded by " + forwardedBy + ", but " + replica.get() + " does not hold the lease either; a "
                    + "hand-over is under way, retry shortly"
                    : "no replica holds the lease right now; retry shortly");
        }
        String target = settings.peers().get(name);
        if (target == null) {
            throw noLeader("the lease is held by " + name + ", which is not one of " + replica.get()
                    + "'s configured peers (--peer NAME=URL); agents are not forwarded to it");
        }
        Buffer body = ctx.body().buffer();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(target.replaceAll("/+$", "") + ctx.request().uri())
                .setIdleTimeout(AgentApi.MAX_WAIT.toMillis() + 30_000)
                .putHeader(FORWARDED_BY, replica.get())
                .putHeader("Authorization", "Bearer " + settings.peerSecret());
        String type = ctx.request().getHeader("Content-Type");
        if (type != null) {
            options.putHeader("Content-Type", type);
        }
        client.request(options).compose(request -> {
            ctx.response().closeHandler(v -> request.reset());
            return body == null ? request.send() : request.send(body);
        }).compose(response -> response.body().map(b -> new Relayed(response, b))).onComplete(done -> {
            if (ctx.response().ended() || ctx.response().closed()) {
                return;
            }
            if (done.failed()) {
                ApiError.write(ctx, noLeader("the replica holding the lease (" + name + " at " + target
                        + ") cannot be reached: "
                        + done.cause().getMessage() + "; retry shortly"));
                return;
            }
            HttpClientResponse r = done.result().response();
            ctx.response().setStatusCode(r.statusCode());
            r.headers().forEach((header, value) -> {
                if (RELAYED.contains(header.toLowerCase(java.util.Locale.ROOT))) {
                    ctx.response().putHeader(header, value);
                }
            });
            ctx.response().end(done.result().body());
        });
    }

    private record Relayed(HttpClientResponse response, Buffer body) {
    }

    private static ApiError noLeader(String reason) {
        return new ApiError(503, "no_leader", reason);
    }

    void close() {
        client.close();
    }
}
