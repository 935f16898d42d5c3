package io.gitfleet.reconciler.server;

import io.gitfleet.tls.Pem;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS for {@code gitfleet serve --tls-cert FILE --tls-key FILE [--tls-client-ca FILE]}: the PEM files are read
 * and checked (the key must belong to the certificate) before they are used, and read again every
 * {@link Settings#reloadEvery()}: a renewed pair is swapped into the running server for new connections
 * ({@link HttpServer#updateSSLOptions}), a pair caught half-written is left for the next look (the old one keeps
 * serving). With a client CA, clients may present a certificate signed by it, and the agent API requires one
 * (webhooks and browsers cannot present one; they have their own checks).
 */
public final class ServerTls {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    /**
     * @param clientCa     CA certificates that sign agents' client certificates, or null (no mutual TLS)
     * @param reloadEvery  how often the files are looked at for a renewal
     */
    public record Settings(Path cert, Path key, Path clientCa, Duration reloadEvery) {
        public Settings {
            reloadEvery = reloadEvery == null ? Duration.ofSeconds(30) : reloadEvery;
        }
    }

    /** The bytes of one checked set of files. */
    private record Material(byte[] cert, byte[] key, byte[] clientCa) {
        boolean same(Material o) {
            return o != null && Arrays.equals(cert, o.cert) && Arrays.equals(key, o.key)
                    && Arrays.equals(clientCa, o.clientCa);
        }
    }

    private final Settings settings;
    private volatile Material current;
    private volatile X509Certificate serving;
    private String lastProblem;

    private ServerTls(Settings settings) {
        this.settings = settings;
    }

    /** Reads and checks the files once; a problem is one sentence naming the file. */
    public static ServerTls load(Settings settings) throws IOException {
        ServerTls tls = new ServerTls(settings);
        tls.current = tls.read();
        return tls;
    }

    public Settings settings() {
        return settings;
    }

    public boolean clientCertificates() {
        return settings.clientCa() != null;
    }

    /** The certificate being served (the latest that was applied). */
    public X509Certificate serving() {
        return serving;
    }

    private Material read() throws IOException {
        byte[] cert = Files.readAllBytes(settings.cert());
        byte[] key = Files.readAllBytes(settings.key());
        List<X509Certificate> chain = Pem.certificates(settings.cert());
        PrivateKey k = Pem.privateKey(settings.key());
        Pem.checkPair(chain.get(0), k, settings.cert(), settings.key());
        byte[] ca = null;
        if (settings.clientCa() != null) {
            ca = Files.readAllBytes(settings.clientCa());
            Pem.certificates(settings.clientCa());
        }
        // the bytes checked are the bytes used: read again after the checks would race a renewal
        if (!Arrays.equals(cert, Files.readAllBytes(settings.cert()))
                || !Arrays.equals(key, Files.readAllBytes(settings.key()))) {
            throw new IOException(settings.cert() + " or " + settings.key() + " changed while being read");
        }
        serving = chain.get(0);
        return new Material(cert, key, ca);
    }

    /** The server options with TLS on, for the first {@code listen}. */
    HttpServerOptions apply(HttpServerOptions options) {
        ServerSSLOptions ssl = sslOptions(current);
        options.setSsl(true).setKeyCertOptions(ssl.getKeyCertOptions()).setClientAuth(ssl.getClientAuth());
        if (ssl.getTrustOptions() != null) {
            options.setTrustOptions(ssl.getTrustOptions());
        }
        return options;
    }

    private ServerSSLOptions sslOptions(Material m) {
        ServerSSLOptions ssl = new ServerSSLOptions().setKeyCertOptions(new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(m.cert())).setKeyValue(Buffer.buffer(m.key())));
        if (m.clientCa() != null) {
            // REQUEST, not REQUIRED: forges' webhooks and browsers cannot present one; the agent API requires it
            ssl.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(m.clientCa())))
                    .setClientAuth(ClientAuth.REQUEST);
        }
        return ssl;
    }

    /**
     * Looks at the files and, when they changed and check out, swaps them into {@code server}. Completes with true
     * when new files were applied.
     */
    public synchronized Future<Boolean> reload(HttpServer server) {
        Material next;
        X509Certificate before = serving;
        try {
            next = read();
        } catch (IOException | RuntimeException e) {
            serving = before;
            String problem = "tls: keeping the certificate in use; the files cannot be used yet: " + e.getMessage();
            if (!problem.equals(lastProblem)) {
                LOG.warn(problem);
                lastProblem = problem;
            }
            return Future.succeededFuture(false);
        }
        lastProblem = null;
        if (next.same(current)) {
            return Future.succeededFuture(false);
        }
        X509Certificate applied = serving;
        serving = before;
        return server.updateSSLOptions(sslOptions(next), true).map(updated -> {
            if (updated) {
                current = next;
                serving = applied;
                LOG.info("tls: new certificate in use for new connections: {}, valid until {}",
                        applied.getSubjectX500Principal().getName(), applied.getNotAfter().toInstant());
            }
            return updated;
        });
    }
}
