package io.gitfleet.reconciler.server;

import io.gitfleet.schema.Documents;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one error document of the HTTP API: {@code {"error": code, "reason": sentence}} with its status code. */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;

    public ApiError(int status, String code, String reason) {
        super(reason);
        this.status = status;
        this.code = code;
    }

    /** 503 {@code not_ready} with {@code Retry-After}: the server has not loaded the fleet yet. */
    public static ApiError notReady(String reason, int retryAfterSeconds) {
        ApiError e = new ApiError(503, "not_ready", reason);
        e.retryAfter = retryAfterSeconds;
        return e;
    }

    private int retryAfter;

    public static ApiError badRequest(String reason) {
        return new ApiError(400, "bad_request", reason);
    }

    public static ApiError unauthenticated(String reason) {
        return new ApiError(401, "unauthenticated", reason);
    }

    public static ApiError forbidden(String reason) {
        return new ApiError(403, "forbidden", reason);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /**
     * Writes the refusal of a request whose body was not read, then closes the connection: the unread body would
     * otherwise be parsed as the connection's next request, and its sender may never stop sending.
     */
    public static void writeAndClose(RoutingContext ctx, ApiError e) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        boolean http1 = ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2;
        if (http1) {
            ctx.response().putHeader("Connection", "close");
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("error", e.code);
        doc.put("reason", e.getMessage());
        ctx.response().setStatusCode(e.status).putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(Documents.toJsonBytes(doc))).onComplete(done -> {
                    if (http1) {
                        ctx.request().connection().close();
                    }
                });
    }

    /** Writes any failure of a route as the error document; unknown failures are 500 without details. */
    public static void write(RoutingContext ctx, Throwable failure) {
        int status;
        String code;
        String reason;
        int retryAfter = 0;
        if (failure instanceof ApiError e) {
            status = e.status;
            code = e.code;
            reason = e.getMessage();
            retryAfter = e.retryAfter;
        } else if (ctx.statusCode() == 413) {
            status = 413;
            code = "too_large";
            reason = "the body is larger than this endpoint accepts";
        } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            status = ctx.statusCode();
            code = "bad_request";
            reason = "the request could not be read";
        } else {
            status = 500;
            code = "internal";
            reason = "the server failed to handle the request";
        }
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("error", code);
        doc.put("reason", reason);
        if (retryAfter > 0) {
            ctx.response().putHeader("Retry-After", Integer.toString(retryAfter));
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(Documents.toJsonBytes(doc)));
    }
}
