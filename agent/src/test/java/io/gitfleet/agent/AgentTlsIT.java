package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.agent.git.PinnedCatalogFetch;
import io.gitfleet.agent.install.AgentTls;
import io.gitfleet.agent.testing.FakeReconciler;
import io.gitfleet.agent.testing.RootfsImage;
import io.gitfleet.agent.testing.TestCa;
import io.gitfleet.agent.testing.ZstdCli;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.tls.Pem;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's {@code tls: {caFile, certFile, keyFile}} against HTTPS servers on 127.0.0.1 whose certificates come
 * from CAs made with openssl here: the reconciler, images and pinned catalogs are trusted through the private CA,
 * a client certificate is presented when given, and each refusal is one sentence naming the field to change.
 */
class AgentTlsIT {
    static final Duration T = Duration.ofSeconds(30);
    static final long IMAGE_BYTES = 2 * 1024 * 1024 + 77;

    @TempDir
    static Path shared;
    static Path raw;
    static byte[] zst;
    static String sha;

    @TempDir
    Path dir;
    TestCa ca;
    TestCa other;
    Path[] serverPair;
    Path[] clientPair;
    FakeReconciler reconciler;
    FakeReconciler elsewhere;
    TestNode node;

    @BeforeAll
    static void image() throws Exception {
        raw = RootfsImage.create(shared.resolve("v2.img"), IMAGE_BYTES, 9);
        Path z = ZstdCli.compress(raw, shared.resolve("v2.img.zst"), "-3");
        zst = Files.readAllBytes(z);
        sha = RootfsImage.sha256(z);
    }

    @BeforeEach
    void cas() throws Exception {
        ca = TestCa.create(dir.resolve("ca"), "fleet CA");
        other = TestCa.create(dir.resolve("other"), "someone else's CA");
        serverPair = ca.issue("reconciler");
        clientPair = ca.issue("node-1");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
        for (FakeReconciler r : new FakeReconciler[] {reconciler, elsewhere}) {
            if (r != null) {
                r.close();
            }
        }
    }

    /** A server presenting {@code pair}, trusting client certificates from the fleet's CA. */
    private SSLContext serverTls(Path[] pair) throws IOException {
        return Pem.serverContext(pair[0], pair[1], ca.cert);
    }

    private String tlsYaml(boolean clientCert) {
        return "tls: {caFile: " + ca.cert + (clientCert ? ", certFile: " + clientPair[0] + ", keyFile: "
                + clientPair[1] : "") + "}";
    }

    static Instruction install(String url) {
        return Instruction.of("node-1", new Instruction.Spec("os-2", 1, null, Action.INSTALL, "os", "v2.0.0",
                "0123456789abcdef0123456789abcdef01234567", new Instruction.ImageRef(url, sha, IMAGE_BYTES, Map.of()),
                null, false));
    }

    @Test
    void installsOverHttpsThroughThePrivateCaPresentingItsClientCertificate() throws Exception {
        reconciler = new FakeReconciler("secret-token", serverTls(serverPair), true)
                .serve("/images/v2.img.zst", zst);
        node = new TestNode(Files.createDirectories(dir.resolve("node")), reconciler, tlsYaml(true));
        node.start();
        reconciler.await(r -> r.status().slots() != null, T);
        reconciler.instruct(install(reconciler.url() + "/images/v2.img.zst"));
        reconciler.awaitPhase(NodePhase.Completed, T);
        node.assertSlotHolds(node.slotB, raw);
    }

    @Test
    void aServerOutsideTheCaIsRefusedInOneSentence() throws Exception {
        reconciler = new FakeReconciler("secret-token", serverTls(serverPair), false);
        String endpoint = reconciler.url() + "/api/v1/nodes/node-1/report";
        AgentTls.Files wrong = new AgentTls.Files(other.cert.toString(), null, null);
        ServerUnavailableException e = assertThrows(ServerUnavailableException.class, () -> client(wrong).roundTrip(
                report(), Duration.ZERO));
        assertEquals("cannot reach " + endpoint + ": its certificate is not signed by a CA this agent trusts: "
                + "tls.caFile " + other.cert, e.getMessage());
        ServerUnavailableException jdk = assertThrows(ServerUnavailableException.class, () -> client(null)
                .roundTrip(report(), Duration.ZERO));
        assertEquals("cannot reach " + endpoint + ": its certificate is not signed by a CA this agent trusts: the "
                + "Java runtime's CAs (set tls.caFile for a private CA)", jdk.getMessage());
        // the right CA gets through
        client(new AgentTls.Files(ca.cert.toString(), null, null)).roundTrip(report(), Duration.ZERO);
    }

    @Test
    void mutualTlsWithoutAClientCertificateIsRefused() throws Exception {
        reconciler = new FakeReconciler("secret-token", serverTls(serverPair), true);
        ServerUnavailableException e = assertThrows(ServerUnavailableException.class, () -> client(
                new AgentTls.Files(ca.cert.toString(), null, null)).roundTrip(report(), Duration.ZERO));
        assertTrue(e.getMessage().endsWith(": the server wants a client certificate: set tls.certFile and "
                + "tls.keyFile") || e.getMessage().endsWith(": the server asked for a client certificate and closed the "
                + "connection: set tls.certFile and tls.keyFile"), e.getMessage());
        client(new AgentTls.Files(ca.cert.toString(), clientPair[0].toString(), clientPair[1].toString()))
                .roundTrip(report(), Duration.ZERO);
    }

    @Test
    void aRenewedClientCertificateIsPresentedFromTheNextConnection() throws Exception {
        reconciler = new FakeReconciler("secret-token", serverTls(serverPair), true);
        Path cert = Files.copy(clientPair[0], dir.resolve("node.crt"));
        Path key = Files.copy(clientPair[1], dir.resolve("node.key"));
        AgentTls.Files files = new AgentTls.Files(ca.cert.toString(), cert.toString(), key.toString());
        client(files).roundTrip(report(), Duration.ZERO);
        java.math.BigInteger first = Pem.certificates(cert).get(0).getSerialNumber();
        assertEquals(List.of(first), reconciler.clientSerials());

        Path[] renewed = ca.issue("node-1-renewed");
        Files.copy(renewed[0], cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        client(files).roundTrip(report(), Duration.ZERO); // the half-renewed pair is not used
        Files.copy(renewed[1], key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        client(files).roundTrip(report(), Duration.ZERO);
        assertEquals(List.of(first, first, Pem.certificates(renewed[0]).get(0).getSerialNumber()),
                reconciler.clientSerials());
    }

    @Test
    void imagesAndCatalogsHonourTheSameCa() throws Exception {
        reconciler = new FakeReconciler("secret-token", serverTls(serverPair), false);
        Path[] foreign = other.issue("images");
        elsewhere = new FakeReconciler("x", Pem.serverContext(foreign[0], foreign[1], null), false)
                .serve("/images/v2.img.zst", zst);
        node = new TestNode(Files.createDirectories(dir.resolve("node")), reconciler, tlsYaml(false));
        node.start();
        reconciler.await(r -> r.status().slots() != null, T);
        reconciler.instruct(install(elsewhere.url() + "/images/v2.img.zst"));
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals("download failed: " + elsewhere.url() + "/images/v2.img.zst: its certificate is not signed by a "
                + "CA this agent trusts: tls.caFile " + ca.cert, failed.status().task().failureReason());
        node.assertBootedSlotUntouched(node.slotA, (byte) 0xAA);

        // a pinned catalog: fetched through the private CA, refused from a host outside it
        byte[] catalog = Files.readAllBytes(Path.of("..", "example-fleet-repo", "catalogs", "os.yaml"));
        String pin = RootfsImage.sha256(Files.write(dir.resolve("catalog.yaml"), catalog));
        reconciler.serve("/catalogs/os.yaml", catalog);
        elsewhere.serve("/catalogs/os.yaml", catalog);
        AgentTls.Files files = new AgentTls.Files(ca.cert.toString(), null, null);
        assertEquals("os", new PinnedCatalogFetch(dir.resolve("c1")).setTls(files)
                .get(reconciler.url() + "/catalogs/os.yaml", pin).component());
        IOException refused = assertThrows(IOException.class, () -> new PinnedCatalogFetch(dir.resolve("c2"))
                .setTls(files).get(elsewhere.url() + "/catalogs/os.yaml", pin));
        assertEquals("127.0.0.1: its certificate is not signed by a CA this agent trusts: tls.caFile " + ca.cert,
                refused.getMessage());
    }

    @Test
    void aBrokenTlsBlockIsABadConfig() throws Exception {
        Path cfg = dir.resolve("agent.yaml");
        String base = "node: node-1\nstateDir: " + dir.resolve("s") + "\ninstaller: command\ncommand: {argv: [true]}\n";
        Files.writeString(cfg, base + "tls: {caFile: " + ca.cert + ", certFile: " + clientPair[0] + "}\n");
        IOException half = assertThrows(IOException.class, () -> AgentConfig.load(cfg));
        assertTrue(half.getMessage().endsWith("tls.certFile and tls.keyFile go together (mutual TLS)"),
                half.getMessage());
        Files.writeString(cfg, base + "tls: {caFile: " + clientPair[1] + "}\n");
        IOException notCa = assertThrows(IOException.class, () -> AgentConfig.load(cfg));
        assertTrue(notCa.getMessage().endsWith("tls: " + clientPair[1] + " holds no PEM certificate "
                + "(-----BEGIN CERTIFICATE-----)"), notCa.getMessage());
        Files.writeString(cfg, base + "tls: {caFile: " + ca.cert + ", certFile: " + clientPair[0] + ", keyFile: "
                + serverPair[1] + "}\n");
        IOException mismatch = assertThrows(IOException.class, () -> AgentConfig.load(cfg));
        assertTrue(mismatch.getMessage().endsWith("the key in " + serverPair[1] + " does not belong to the "
                + "certificate in " + clientPair[0]), mismatch.getMessage());
    }

    private ReconcilerClient client(AgentTls.Files files) throws IOException {
        Path token = dir.resolve("token");
        Files.writeString(token, "secret-token\n", StandardCharsets.UTF_8);
        return new ReconcilerClient(HttpClient.newBuilder().sslContext(AgentTls.context(files)).build(),
                reconciler.url(), "node-1", token).setTls(files);
    }

    private static Report report() {
        return Report.of("node-1", new Report.Status("test", Map.of("os", "v1.0.0"),
                new Report.Slots("a", "a", null, null, null), new Report.Health(true, null), null, null));
    }
}
