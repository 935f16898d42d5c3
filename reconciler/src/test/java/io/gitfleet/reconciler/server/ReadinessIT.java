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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Until its first pass has loaded the fleet, the server tells agents to come back ({@code 503 not_ready} with
 * {@code Retry-After}), not that their token is wrong, and {@code /readyz} says it is not ready; then both open.
 */
class ReadinessIT {
    @TempDir
    Path tmp;
    private ReconcilerServer server;
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void agentsWaitForTheFirstPassInsteadOfBeingRefused() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp.resolve("repos"));
        ServerSettings settings = new ServerSettings(repos.bare.toString(), GitAuth.NONE, tmp.resolve("data"),
                "127.0.0.1", 0, "main", "gitfleet/status", Duration.ofHours(1), Duration.ofMillis(200),
                WebhookSecrets.shared("s"), null, null)
                .withReplica(new ReplicaSettings("replica-a", null, Duration.ofSeconds(15)));
        ReconcilerServer.Hooks hooks = new ReconcilerServer.Hooks();
        hooks.beforePass = () -> {
            entered.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        server = new ReconcilerServer(settings, Clock.systemUTC(), hooks);
        String base = "http://127.0.0.1:" + server.start();
        assertTrue(entered.await(30, TimeUnit.SECONDS), "the first pass started and is held");

        HttpResponse<String> early = report(base);
        assertEquals(503, early.statusCode(), early.body());
        assertTrue(early.body().contains("\"error\":\"not_ready\""), early.body());
        assertEquals("5", early.headers().firstValue("Retry-After").orElse(""));
        HttpResponse<String> notReady = get(base + "/readyz");
        assertEquals(503, notReady.statusCode());
        assertTrue(notReady.body().contains("\"ready\":false"), notReady.body());

        release.countDown();
        ServerIT.eventually("the first pass loaded the fleet", () -> server.state().ready());
        HttpResponse<String> ready = get(base + "/readyz");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"role\":\"holder\"") && ready.body().contains("\"replica\":\"replica-a\""),
                ready.body());
        HttpResponse<String> later = report(base);
        assertTrue(later.statusCode() == 200 || later.statusCode() == 204, later.statusCode() + " " + later.body());
    }

    private HttpResponse<String> report(String base) throws Exception {
        String body = Documents.toJson(Report.of("worker-1", new Report.Status("test", Map.of("os", "v1.34.1"),
                new Report.Slots("a", "a", null, null, null), new Report.Health(true, null), null, null)));
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes/worker-1/report"))
                .header("Authorization", "Bearer " + HttpAgent.token("worker-1"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
