package io.gitfleet.reconciler.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The operator's dashboard: {@code GET /} serves the page and {@code GET /dashboard/NAME} its script and style
 * sheet, all read once from the classpath ({@code gitfleet/dashboard/}). The page reads the JSON API under
 * {@code /api/v1}; it loads nothing from elsewhere, which the Content-Security-Policy enforces.
 */
public final class DashboardRoutes {
    static final String RESOURCES = "gitfleet/dashboard/";
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** The files that make the page, by name, with their media types. Nothing else is served. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8");

    private DashboardRoutes() {
    }

    public static void mount(Router router) {
        Map<String, Asset> assets = new HashMap<>();
        FILES.forEach((name, type) -> assets.put(name, Asset.load(name, type)));
        Asset index = assets.get("index.html");
        router.get("/").handler(ctx -> serve(ctx, index));
        // browsers ask for it on every page: no icon, and no 404 in every operator's console
        router.get("/favicon.ico").handler(ctx -> ctx.response().setStatusCode(204).end());
        router.get("/dashboard/*").handler(ctx -> {
            String name = ctx.pathParam("*");
            Asset asset = assets.get(name == null || name.isEmpty() ? "index.html" : name);
            if (asset == null) {
                ctx.next();
            } else {
                serve(ctx, asset);
            }
        });
    }

    private static void serve(RoutingContext ctx, Asset asset) {
        HttpServerResponse response = ctx.response()
                .putHeader("Cache-Control", "no-cache")
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("ETag", asset.etag());
        if (asset.etag().equals(ctx.request().getHeader("If-None-Match"))) {
            response.setStatusCode(304).end();
        } else {
            response.putHeader("Content-Type", asset.type()).end(Buffer.buffer(asset.body()));
        }
    }

    private record Asset(String type, byte[] body, String etag) {
        static Asset load(String name, String type) {
            try (InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
                if (in == null) {
                    throw new IllegalStateException("dashboard file missing from the jar: " + RESOURCES + name);
                }
                byte[] bytes = in.readAllBytes();
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
                String etag = "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
                return new Asset(type, bytes, etag);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
