package io.gitfleet.reconciler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Report;
import io.gitfleet.webhooks.WebhookSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --read-token-file}: the read API, the dashboard and {@code /metrics} answer only the read token
 * (Bearer, or HTTP Basic's password for browsers); an agent's token reads nothing, its own node's data included;
 * the probes and the agent API keep their own rules. Without the option they are open (the other tests).
 */
class ReadAccessIT {
    private static final String READ_TOKEN = "read-token-0123456789abcdef";
    private static final List<String> GUARDED = List.of("/api/v1/fleet", "/api/v1/nodes", "/api/v1/upgrades",
            "/api/v1/history", "/metrics", "/", "/dashboard/dashboard.js");

    @TempDir
    Path tmp;
    private ReconcilerServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void onlyTheReadTokenReads() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp.resolve("repos"));
        ServerSettings settings = new ServerSettings(repos.bare.toString(), GitAuth.NONE, tmp.resolve("data"),
                "127.0.0.1", 0, "main", "gitfleet/status", Duration.ofHours(1), Duration.ofMillis(200),
                WebhookSecrets.shared("s"), null, null)
                .withSecurity(new ServerSecurity(null, READ_TOKEN, null));
        server = new ReconcilerServer(settings, Clock.systemUTC());
        String base = "http://127.0.0.1:" + server.start();
        ServerIT.eventually("the first pass loaded the fleet", () -> server.state().ready());

        // the agent round trip still works with the node's own token
        HttpResponse<String> report = report(base);
        assertTrue(report.statusCode() == 200 || report.statusCode() == 204, report.body());

        String basic = "Basic " + Base64.getEncoder().encodeToString(("operator:" + READ_TOKEN)
                .getBytes(StandardCharsets.UTF_8));
        for (String path : GUARDED) {
            HttpResponse<String> none = get(base + path, null);
            assertEquals(401, none.statusCode(), path);
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), path);
            assertTrue(none.body().contains("need the read token"), none.body());
            assertEquals(401, get(base + path, "Bearer " + HttpAgent.token("worker-1")).statusCode(),
                    "an agent's token reads nothing: " + path);
            assertEquals(401, get(base + path, "Bearer " + READ_TOKEN + "x").statusCode(), path);
            assertEquals(200, get(base + path, "Bearer " + READ_TOKEN).statusCode(), path);
            assertEquals(200, get(base + path, basic).statusCode(), path);
        }
        assertTrue(get(base + "/api/v1/nodes", "Bearer " + READ_TOKEN).body().contains("worker-2"));
        for (String open : List.of("/healthz", "/readyz", "/api/v1/version")) {
            assertEquals(200, get(base + open, null).statusCode(), open);
        }
    }

    private HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> report(String base) throws Exception {
        String body = Documents.toJson(Report.of("worker-1", new Report.Status("test", Map.of("os", "v1.34.1"),
                new Report.Slots("a", "a", null, null, null), new Report.Health(true, null), null, null)));
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes/worker-1/report"))
                .header("Authorization", "Bearer " + HttpAgent.token("worker-1"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
