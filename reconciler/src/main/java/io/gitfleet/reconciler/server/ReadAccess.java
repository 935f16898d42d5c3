package io.gitfleet.reconciler.server;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Set;

/**
 * {@code serve --read-token-file FILE}: the read API, the dashboard and {@code /metrics} answer only a request that
 * carries the read token, as {@code Authorization: Bearer TOKEN} (tools, Prometheus' {@code authorization}) or as
 * the password of HTTP Basic authentication with any user name (a browser asks for it, then sends it with every
 * request of the dashboard). An agent's token is not the read token, so it reads nothing here, its own node
 * included. The probes ({@code /healthz}, {@code /readyz}), {@code /api/v1/version}, the agent API and the webhooks
 * keep their own rules.
 */
public final class ReadAccess {
    /** GET paths that stay open with a read token: probes and the version a CLI compares itself with. */
    static final Set<String> OPEN = Set.of("/healthz", "/readyz", "/api/v1/version");

    private final byte[] token;

    private ReadAccess(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /** Puts the check in front of every GET of {@code router} but the open ones. */
    public static void mount(Router router, String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the read token is empty");
        }
        ReadAccess access = new ReadAccess(token.strip());
        router.get().order(-10).handler(access::check);
        router.head().order(-10).handler(access::check);
    }

    private void check(RoutingContext ctx) {
        if (OPEN.contains(ctx.request().path()) || allowed(ctx.request().getHeader("Authorization"))) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"gitfleet\", charset=\"UTF-8\"");
        ApiError.write(ctx, new ApiError(401, "unauthenticated", "this server's read API, dashboard and metrics "
                + "need the read token: 'Authorization: Bearer TOKEN' (or the password of HTTP Basic authentication)"));
    }

    boolean allowed(String header) {
        if (header == null) {
            return false;
        }
        byte[] presented;
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            int colon = decoded.indexOf(':');
            presented = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        } else {
            return false;
        }
        return MessageDigest.isEqual(digest(token), digest(presented));
    }

    /** Compared as digests: equal length, so the time taken says nothing about the token's length. */
    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
