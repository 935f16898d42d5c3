package io.gitfleet.agent.install;

import io.gitfleet.tls.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The agent's TLS: the config's {@code tls: {caFile, certFile, keyFile}} as one {@link SSLContext} shared by the
 * round trip with the reconciler, image downloads and pinned catalog fetches; and the JDK's TLS failures told as
 * one sentence that says what to change.
 */
public final class AgentTls {
    /** {@code caFile}: trusted instead of the JDK's CAs; {@code certFile}+{@code keyFile}: mutual TLS. */
    public record Files(String caFile, String certFile, String keyFile) {
    }

    /** A context and the key manager that notices a server asking for a client certificate. */
    private record Built(SSLContext context, AskingKeyManager keys) {
    }

    private static final Map<Files, Built> BUILT = new ConcurrentHashMap<>();
    /** How long after a server asked for a client certificate a dropped connection is blamed on its absence. */
    private static final long ASKED_WINDOW_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    private AgentTls() {
    }

    /** The context for {@code files}, built once per set of files; the JDK's default context when null. */
    public static SSLContext context(Files files) throws IOException {
        if (files == null || files.caFile() == null && files.certFile() == null) {
            return defaultContext();
        }
        return built(files).context();
    }

    private static Built built(Files files) throws IOException {
        Built b = BUILT.get(files);
        if (b == null) {
            AskingKeyManager keys = new AskingKeyManager(files);
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(new KeyManager[] {keys}, Pem.trustManagers(path(files.caFile())), new SecureRandom());
                keys.context = ctx;
                b = new Built(ctx, keys);
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException("tls: cannot build a TLS context: " + e.getMessage(), e);
            }
            BUILT.put(files, b);
        }
        return b;
    }

    /**
     * Looks at {@code certFile} and {@code keyFile} again and, when a renewed pair checks out, presents it from the
     * next connection (cached TLS sessions are dropped: a resumed session would carry the old certificate on). The
     * round trip calls it every time: two small reads.
     */
    public static void refresh(Files files) {
        Built b = files == null ? null : BUILT.get(files);
        if (b != null) {
            b.keys().refresh();
        }
    }

    /** Problems with the tls block, as sentences naming the field: checked when the config is loaded. */
    public static java.util.List<String> problems(Files files) {
        java.util.List<String> p = new java.util.ArrayList<>();
        if (files == null) {
            return p;
        }
        if ((files.certFile() == null) != (files.keyFile() == null)) {
            p.add("tls.certFile and tls.keyFile go together (mutual TLS)");
            return p;
        }
        try {
            context(files);
        } catch (IOException e) {
            p.add("tls: " + e.getMessage());
        }
        return p;
    }

    private static SSLContext defaultContext() throws IOException {
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException("no TLS in this Java runtime", e);
        }
    }

    private static Path path(String file) {
        return file == null ? null : Path.of(file);
    }

    /** Whether the failure is TLS refusing the peer (a configuration matter, not worth retrying at once). */
    public static boolean isTlsRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    /**
     * One sentence for a connection that TLS refused: which side refused what, and which field of {@code tls}
     * decides it; empty when the failure is not about TLS.
     */
    public static Optional<String> refusal(IOException e, Files files) {
        String all = chain(e);
        String ca = files == null || files.caFile() == null ? "the Java runtime's CAs (set tls.caFile for a private CA)"
                : "tls.caFile " + files.caFile();
        boolean noCert = files == null || files.certFile() == null;
        if (!isTlsRefusal(e)) {
            // TLS 1.3: a server that refuses the absent client certificate just closes the connection
            return noCert && askedRecently(files)
                    ? Optional.of("the server asked for a client certificate and closed the connection: set "
                    + "tls.certFile and tls.keyFile") : Optional.empty();
        }
        if (all.contains("PKIX path") || all.contains("unable to find valid certification path")
                || all.contains("signature check failed")) {
            return Optional.of("its certificate is not signed by a CA this agent trusts: " + ca);
        }
        if (all.contains("No subject alternative") || all.contains("No name matching")) {
            return Optional.of("its certificate is not for this address (" + firstLine(all) + ")");
        }
        if (all.contains("NotAfter") || all.contains("validity check failed") || all.contains("expired")) {
            return Optional.of("its certificate has expired or is not valid yet");
        }
        if (all.contains("certificate_required") || all.contains("bad_certificate")
                || all.contains("unknown_ca") || all.contains("certificate_unknown")) {
            return Optional.of(noCert ? "the server wants a client certificate: set tls.certFile and tls.keyFile"
                    : "the server refused the client certificate in tls.certFile " + files.certFile());
        }
        return Optional.of("TLS failed: " + firstLine(all));
    }

    private static boolean askedRecently(Files files) {
        Built b = files == null ? null : BUILT.get(files);
        return b != null && System.nanoTime() - b.keys().askedAt < ASKED_WINDOW_NANOS;
    }

    private static String chain(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getMessage()).append(" | ");
        }
        return b.toString();
    }

    private static String firstLine(String all) {
        int bar = all.indexOf(" | ");
        return bar < 0 ? all : all.substring(0, bar);
    }

    /**
     * Presents the configured client certificate (if any) and notes when a server asks for one: with TLS 1.3 a
     * server that refuses a handshake without one only closes the connection afterwards.
     */
    private static final class AskingKeyManager extends X509ExtendedKeyManager {
        private final Files files;
        private volatile X509ExtendedKeyManager delegate;
        private volatile byte[][] loaded;
        private volatile long askedAt = System.nanoTime() - 2 * ASKED_WINDOW_NANOS;
        private String lastProblem;
        private volatile SSLContext context;

        AskingKeyManager(Files files) throws IOException {
            this.files = files;
            byte[][] now = read();
            KeyManager[] real = Pem.keyManagers(path(files.certFile()), path(files.keyFile()));
            this.delegate = real == null ? null : (X509ExtendedKeyManager) real[0];
            this.loaded = now;
        }

        private byte[][] read() throws IOException {
            if (files.certFile() == null) {
                return null;
            }
            return new byte[][] {java.nio.file.Files.readAllBytes(Path.of(files.certFile())),
                java.nio.file.Files.readAllBytes(Path.of(files.keyFile()))};
        }

        /**
         * A renewed client certificate is used from the next handshake: the files are compared with what was loaded
         * (two small reads per new connection); a pair caught half-written keeps the old one until both match.
         */
        private synchronized void refresh() {
            if (files.certFile() == null) {
                return;
            }
            try {
                byte[][] now = read();
                if (java.util.Arrays.equals(now[0], loaded[0]) && java.util.Arrays.equals(now[1], loaded[1])) {
                    return;
                }
                KeyManager[] real = Pem.keyManagers(path(files.certFile()), path(files.keyFile()));
                delegate = (X509ExtendedKeyManager) real[0];
                loaded = now;
                lastProblem = null;
                SSLContext ctx = context;
                if (ctx != null) {
                    javax.net.ssl.SSLSessionContext sessions = ctx.getClientSessionContext();
                    for (java.util.Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements(); ) {
                        javax.net.ssl.SSLSession session = sessions.getSession(ids.nextElement());
                        if (session != null) {
                            session.invalidate();
                        }
                    }
                }
                io.gitfleet.log.LogLine.write(io.gitfleet.log.LogLine.Level.INFO, "agent",
                        "tls: using the renewed client certificate in " + files.certFile(), null);
            } catch (IOException | RuntimeException e) {
                String problem = "tls: keeping the client certificate in use; " + e.getMessage();
                if (!problem.equals(lastProblem)) {
                    io.gitfleet.log.LogLine.write(io.gitfleet.log.LogLine.Level.INFO, "agent", problem, null);
                    lastProblem = problem;
                }
            }
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            askedAt = System.nanoTime();
            refresh();
            return delegate == null ? null : delegate.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            askedAt = System.nanoTime();
            refresh();
            return delegate == null ? null : delegate.chooseEngineClientAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return delegate == null ? null : delegate.getClientAliases(keyType, issuers);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate == null ? null : delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate == null ? null : delegate.getPrivateKey(alias);
        }
    }
}
