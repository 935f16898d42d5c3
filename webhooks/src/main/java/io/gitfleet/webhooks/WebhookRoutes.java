package io.gitfleet.webhooks;

import io.gitfleet.schema.Documents;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Mounts {@code POST /hooks/github|gitlab|gitea|generic} on the reconciler's router. */
public final class WebhookRoutes {

    private WebhookRoutes() {
    }

    /**
     * The route table. The sink is called on the event loop, so it must only hand the event on (to a
     * {@link SyncCoalescer} or an executor), never fetch or plan itself.
     *
     * @return the receiver, whose delivery log and counters the routes share
     */
    public static WebhookReceiver mount(Router router, WebhookSettings settings, Consumer<WebhookEvent> sink) {
        WebhookReceiver receiver = new WebhookReceiver(settings, sink);
        AtomicInteger reading = new AtomicInteger();
        for (Forge forge : Forge.values()) {
            // A route of its own: Vert.x only lets a body handler come first on a route.
            router.post(forge.path())
                    .handler(ctx -> refuseBeforeBody(ctx, forge, receiver, settings, reading));
            router.post(forge.path())
                    // No file uploads: BodyHandler.create() would otherwise create an uploads directory.
                    .handler(BodyHandler.create(false).setBodyLimit(settings.bodyLimit()))
                    .handler(ctx -> deliver(ctx, forge, receiver))
                    .failureHandler(ctx -> failed(ctx, forge, receiver));
        }
        return receiver;
    }

    /**
     * Whatever the headers alone decide is decided before a byte of the body is read: no or a malformed signature
     * (a wrong GitLab token), a declared length over the cap, too many bodies being read at once. Unauthenticated
     * senders thus cost no memory, and signed-looking ones at most {@code maxReading × bodyLimit}.
     */
    private static void refuseBeforeBody(RoutingContext ctx, Forge forge, WebhookReceiver receiver,
                                         WebhookSettings settings, AtomicInteger reading) {
        Map<String, String> headers = new HashMap<>();
        ctx.request().headers().forEach(e -> headers.putIfAbsent(e.getKey(), e.getValue()));
        WebhookReply refused = receiver.precheck(forge, new WebhookRequest(headers, null));
        if (refused != null) {
            respond(ctx, refused, true);
            return;
        }
        long limit = settings.bodyLimit();
        String declared = ctx.request().getHeader("Content-Length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length > limit) {
                respond(ctx, receiver.tooLarge(forge), true);
                return;
            }
        }
        if (reading.incrementAndGet() > settings.maxReading()) {
            reading.decrementAndGet();
            ctx.response().putHeader("Retry-After", "5");
            respond(ctx, receiver.busy(forge), true);
            return;
        }
        ctx.addEndHandler(done -> reading.decrementAndGet());
        ctx.next();
    }

    private static void deliver(RoutingContext ctx, Forge forge, WebhookReceiver receiver) {
        Map<String, String> headers = new HashMap<>();
        ctx.request().headers().forEach(e -> headers.putIfAbsent(e.getKey(), e.getValue()));
        Buffer body = ctx.body().buffer();
        WebhookRequest request = new WebhookRequest(headers, body == null ? new byte[0] : body.getBytes());
        respond(ctx, receiver.receive(forge, request), false);
    }

    /** BodyHandler fails the route with 413 once a body without a declared length grows past the cap. */
    private static void failed(RoutingContext ctx, Forge forge, WebhookReceiver receiver) {
        if (ctx.statusCode() == 413) {
            respond(ctx, receiver.tooLarge(forge), true);
            return;
        }
        int status = ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
        Map<String, Object> doc = Map.of("error", status == 500 ? "internal" : "bad_request",
                "reason", status == 500 ? "the webhook could not be handled" : "the request could not be read");
        write(ctx, status, doc, true);
    }

    /** @param close the rest of an unread body would otherwise be parsed as the connection's next request */
    private static void respond(RoutingContext ctx, WebhookReply reply, boolean close) {
        write(ctx, reply.httpStatus(), reply.document(), close);
    }

    private static void write(RoutingContext ctx, int status, Map<String, Object> doc, boolean close) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json");
        boolean http1 = ctx.request().version() != HttpVersion.HTTP_2;
        if (close && http1) {
            ctx.response().putHeader("Connection", "close");
        }
        Future<Void> written = ctx.response().end(Buffer.buffer(Documents.toJsonBytes(doc)));
        if (close && http1) {
            // Vert.x would keep the connection open for the rest of the body; the sender may never stop sending.
            written.onComplete(done -> ctx.request().connection().close());
        }
    }
}
