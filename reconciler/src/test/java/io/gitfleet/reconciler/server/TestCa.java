package io.gitfleet.reconciler.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A private certificate authority made with the {@code openssl} binary in a test's folder. */
final class TestCa {
    final Path dir;
    final Path cert;
    private final Path key;

    private TestCa(Path dir) {
        this.dir = dir;
        this.cert = dir.resolve("ca.crt");
        this.key = dir.resolve("ca.key");
    }

    static TestCa create(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        TestCa ca = new TestCa(dir);
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", ca.key.toString(), "-out", ca.cert.toString(), "-subj", "/CN=" + name, "-days", "2");
        return ca;
    }

    /** A leaf certificate and its PKCS#8 key: {@code name.crt}, {@code name.key}; for 127.0.0.1 and a client. */
    Path[] issue(String name) throws IOException {
        Path crt = dir.resolve(name + ".crt");
        Path k = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                + "extendedKeyUsage=serverAuth,clientAuth\n");
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                k.toString(), "-out", csr.toString(), "-subj", "/CN=" + name);
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", cert.toString(), "-CAkey", key.toString(),
                "-CAcreateserial", "-out", crt.toString(), "-days", "2", "-extfile", ext.toString());
        return new Path[] {crt, k};
    }

    static void openssl(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
