package io.gitfleet.demo.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.demo.DemoAgents;
import io.gitfleet.demo.DemoImages;
import io.gitfleet.demo.DemoRepo;
import io.gitfleet.demo.ImageServer;
import io.gitfleet.tls.Pem;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every guard of {@code gitfleet serve} at once, in separate processes: HTTPS with a private CA made by openssl
 * here, agents required to present a client certificate ({@code --tls-client-ca}) and configured with
 * {@code tls: {caFile, certFile, keyFile}}, the read API behind {@code --read-token-file}, and status commits
 * signed with {@code --signing-key}. The canary of the example upgrade installs, and {@code git verify-commit}
 * accepts every status commit.
 */
class TrustChainE2E {
    private static final String READ_TOKEN = "read-token-for-the-e2e-suite";

    @TempDir
    Path tmp;

    @Test
    void aCanaryInstallsOverMutualTlsAndTheStatusHistoryVerifies() throws Exception {
        Path project = FleetUnderTest.project();
        Path reconcilerJar = project.resolve("reconciler/target/gitfleet.jar");
        Path agentJar = project.resolve("agent/target/gitfleet-agent.jar");
        for (Path jar : List.of(reconcilerJar, agentJar)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: the E2E suite runs after `package`");
            }
        }
        Path ca = tmp.resolve("ca");
        Files.createDirectories(ca);
        openssl(ca, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "ca.key", "-out", "ca.crt", "-subj", "/CN=fleet CA", "-days", "2");
        Path[] server = issue(ca, "reconciler");
        Path[] client = issue(ca, "nodes");
        Path key = tmp.resolve("status-key");
        run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "gitfleet", "-f", key.toString());
        Files.writeString(tmp.resolve("read-token"), READ_TOKEN + "\n");

        Path images = Files.createDirectories(tmp.resolve("images"));
        DemoImages.Image installed = DemoImages.make(images, "v1.34.1");
        DemoImages.Image target = DemoImages.make(images, "v1.35.1");
        List<String> nodes;
        try (Stream<Path> files = Files.list(project.resolve("example-fleet-repo/nodes"))) {
            nodes = files.map(p -> p.getFileName().toString().replace(".yaml", "")).sorted().toList();
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String base = "https://127.0.0.1:" + port;
        SSLContext trustCa = Pem.clientContext(ca.resolve("ca.crt"), null, null);
        HttpClient http = HttpClient.newBuilder().sslContext(trustCa).connectTimeout(Duration.ofSeconds(2)).build();
        Process reconciler = null;
        try (ImageServer imageServer = new ImageServer(images);
             DemoAgents agents = new DemoAgents(tmp.resolve("nodes")).withConfigLines(List.of("tls: {caFile: "
                     + ca.resolve("ca.crt") + ", certFile: " + client[0] + ", keyFile: " + client[1] + "}"))) {
            DemoRepo repo = DemoRepo.create(tmp, project.resolve("example-fleet-repo"), installed, target,
                    imageServer);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                    reconcilerJar.toString(), "io.gitfleet.reconciler.cli.GitfleetCommand", "serve", "--repo",
                    repo.bare.toString(), "--listen", "127.0.0.1:" + port, "--data-dir",
                    tmp.resolve("reconciler").toString(), "--poll", "1s", "--status-interval", "1s",
                    "--tls-cert", server[0].toString(), "--tls-key", server[1].toString(), "--tls-client-ca",
                    ca.resolve("ca.crt").toString(), "--read-token-file", tmp.resolve("read-token").toString(),
                    "--signing-key", key.toString()));
            reconciler = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("reconciler.log").toFile()).start();
            Awaitility.await("gitfleet serve answers /healthz over HTTPS").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200)).until(() -> status(http, base + "/healthz", null) == 200);

            agents.start(agentJar, base, nodes, installed, null);
            repo.proposeUpgrade("upgrade");
            repo.merge("upgrade", "Merge branch 'upgrade': upgrade the OS");
            Awaitility.await("the canary completed").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        var u = StatusReads.upgradeAt(repo.bare, "gitfleet/status", "os-1-35");
                        return u != null && u.status().nodes().stream()
                                .anyMatch(r -> r.phase() == io.gitfleet.schema.NodePhase.Completed);
                    });
            assertEquals(List.of(), agents.dead(), "no agent died");

            // the read API: the read token reads, no token or an agent's token does not
            assertEquals(401, status(http, base + "/api/v1/nodes", null));
            assertEquals(401, status(http, base + "/api/v1/nodes", "Bearer gitfleet-demo-token-cp-1"));
            assertEquals(200, status(http, base + "/api/v1/nodes", "Bearer " + READ_TOKEN));
            // the agent API: the right CA and token but no client certificate is refused
            assertEquals(401, report(http, base, "cp-1"));

            Path allowed = tmp.resolve("allowed_signers");
            Files.writeString(allowed, "gitfleet@localhost namespaces=\"git\" "
                    + Files.readString(Path.of(key + ".pub")));
            String verdicts = DemoRepo.git(repo.bare, "-c", "gpg.ssh.allowedSignersFile=" + allowed, "log",
                    "--format=%G?", "gitfleet/status").strip();
            assertTrue(!verdicts.isEmpty() && verdicts.lines().allMatch("G"::equals),
                    "every status commit verifies: " + verdicts);
        } finally {
            if (reconciler != null) {
                reconciler.destroy();
                reconciler.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A file on the status branch, or "" while it is not there. */
    private static String show(DemoRepo repo, String path) {
        try {
            return DemoRepo.git(repo.bare, "show", "gitfleet/status:" + path);
        } catch (IOException e) {
            return "";
        }
    }

    private static int status(HttpClient http, String url, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int report(HttpClient http, String base, String node) throws Exception {
        String body = "{\"apiVersion\":\"gitfleet.io/v1\",\"kind\":\"Report\",\"metadata\":{\"name\":\"" + node
                + "\"},\"status\":{\"agentVersion\":\"e2e\"}}";
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes/" + node + "/report"))
                .header("Authorization", "Bearer gitfleet-demo-token-" + node)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Path[] issue(Path ca, String name) throws IOException {
        Files.writeString(ca.resolve(name + ".ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                + "extendedKeyUsage=serverAuth,clientAuth\n");
        openssl(ca, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        openssl(ca, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
        return new Path[] {ca.resolve(name + ".crt"), ca.resolve(name + ".key")};
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        run(dir, cmd.toArray(String[]::new));
    }

    private static void run(Path dir, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
