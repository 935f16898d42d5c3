package io.gitfleet.reconciler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Report;
import io.gitfleet.tls.Pem;
import io.gitfleet.webhooks.WebhookSecrets;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --tls-cert --tls-key --tls-client-ca}: HTTPS with a private CA made by openssl here, agents
 * required to present a client certificate, and a renewed certificate served without a restart.
 */
class TlsServeIT {
    @TempDir
    Path tmp;
    private ReconcilerServer server;
    private TestCa ca;
    private Path serverCert;
    private Path serverKey;
    private String base;

    @BeforeEach
    void start() throws Exception {
        ca = TestCa.create(tmp.resolve("ca"), "gitfleet test CA");
        Path[] pair = ca.issue("server");
        serverCert = tmp.resolve("tls.crt");
        serverKey = tmp.resolve("tls.key");
        Files.copy(pair[0], serverCert);
        Files.copy(pair[1], serverKey);
        FleetRepos repos = FleetRepos.create(tmp.resolve("repos"));
        ServerSettings settings = new ServerSettings(repos.bare.toString(), GitAuth.NONE, tmp.resolve("data"),
                "127.0.0.1", 0, "main", "gitfleet/status", Duration.ofHours(1), Duration.ofMillis(200),
                WebhookSecrets.shared("s"), null, null)
                .withSecurity(new ServerSecurity(new ServerTls.Settings(serverCert, serverKey, ca.cert,
                        Duration.ofMillis(100)), null, null));
        server = new ReconcilerServer(settings, Clock.systemUTC());
        base = "https://127.0.0.1:" + server.start();
        ServerIT.eventually("the first pass loaded the fleet", () -> server.state().ready());
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anAgentWithThePrivateCaAndItsClientCertificateGetsIn() throws Exception {
        Path[] client = ca.issue("worker-1");
        HttpResponse<String> ok = report(Pem.clientContext(ca.cert, client[0], client[1]));
        assertTrue(ok.statusCode() == 200 || ok.statusCode() == 204, ok.statusCode() + " " + ok.body());

        // the right CA but no client certificate: the agent API refuses, in one sentence
        HttpResponse<String> noCert = report(Pem.clientContext(ca.cert, null, null));
        assertEquals(401, noCert.statusCode(), noCert.body());
        assertTrue(noCert.body().contains("requires a client certificate signed by its client CA"), noCert.body());

        // a client certificate from another CA gets nowhere: the JDK does not even offer it (the server names the
        // CAs it accepts), so the agent API refuses the round trip as if there were none
        TestCa other = TestCa.create(tmp.resolve("other"), "another CA");
        Path[] foreign = other.issue("worker-1");
        HttpResponse<String> foreignCert = report(Pem.clientContext(ca.cert, foreign[0], foreign[1]));
        assertEquals(401, foreignCert.statusCode(), foreignCert.body());

        // a client that does not trust the private CA refuses the server
        assertThrows(SSLHandshakeException.class, () -> report(Pem.clientContext(other.cert, null, null)));
        assertThrows(SSLHandshakeException.class, () -> report(SSLContext.getDefault()));

        // read API and probes work over TLS without a client certificate (browsers have none)
        HttpResponse<String> health = HttpClient.newBuilder().sslContext(Pem.clientContext(ca.cert, null, null))
                .build().send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
    }

    @Test
    void aRenewedCertificateIsServedOnceBothFilesAreInPlace() throws Exception {
        BigInteger first = servedSerial();
        assertEquals(((X509Certificate) Pem.certificates(serverCert).get(0)).getSerialNumber(), first);
        Path[] renewed = ca.issue("server-renewed");
        BigInteger next = Pem.certificates(renewed[0]).get(0).getSerialNumber();
        assertNotEquals(first, next);

        // the certificate arrives first: it does not match the key yet, so the old pair keeps serving
        Files.copy(renewed[0], serverCert, StandardCopyOption.REPLACE_EXISTING);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> server.tls().reload(server.http())
                .toCompletionStage().toCompletableFuture().get() == Boolean.FALSE);
        assertEquals(first, servedSerial(), "a half-renewed pair is not served");

        Files.copy(renewed[1], serverKey, StandardCopyOption.REPLACE_EXISTING);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> next.equals(servedSerial()));
    }

    /** The serial of the certificate a new connection is shown. */
    private BigInteger servedSerial() throws Exception {
        HttpResponse<String> r = HttpClient.newBuilder().sslContext(Pem.clientContext(ca.cert, null, null)).build()
                .send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
        return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
    }

    private HttpResponse<String> report(SSLContext tls) throws Exception {
        String body = Documents.toJson(Report.of("worker-1", new Report.Status("test", Map.of("os", "v1.34.1"),
                new Report.Slots("a", "a", null, null, null), new Report.Health(true, null), null, null)));
        return HttpClient.newBuilder().sslContext(tls).build().send(HttpRequest.newBuilder(
                        URI.create(base + "/api/v1/nodes/worker-1/report"))
                .header("Authorization", "Bearer " + HttpAgent.token("worker-1"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
