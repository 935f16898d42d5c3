package io.gitfleet.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * PEM certificates and PKCS#8 private keys (what {@code openssl req}/{@code genpkey} write, and what
 * {@code openssl pkcs8 -topk8 -nocrypt} converts older keys to), and TLS contexts built from them with the JDK
 * alone. Every failure is one {@link IOException} sentence that names the file.
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** Tried in turn: a PKCS#8 key does not say its algorithm in its PEM label. */
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"};

    private Pem() {
    }

    /** Every certificate in the file, in order (a server's own first, then its chain). */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        byte[] bytes = read(file);
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(bytes, "CERTIFICATE")) {
                certs.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new IOException(file + " holds a certificate that cannot be read: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IOException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certs;
    }

    /** The PKCS#8 private key in the file (RSA, EC or EdDSA), unencrypted. */
    public static PrivateKey privateKey(Path file) throws IOException {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        for (String legacy : new String[] {"RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"}) {
            if (text.contains("-----BEGIN " + legacy + "-----")) {
                throw new IOException(file + " holds an " + (legacy.startsWith("ENC") ? "encrypted" : "older") + " "
                        + legacy.toLowerCase(java.util.Locale.ROOT) + "; convert it to an unencrypted PKCS#8 key: "
                        + "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out KEY");
            }
        }
        List<byte[]> ders = blocks(text.getBytes(StandardCharsets.US_ASCII), "PRIVATE KEY");
        if (ders.isEmpty()) {
            throw new IOException(file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(ders.get(0)));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IOException(file + " holds a private key that is not RSA, EC or EdDSA in PKCS#8 form");
    }

    /** Refuses a key that does not belong to the certificate (a renewal caught between its two files). */
    public static void checkPair(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile)
            throws IOException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm();
        };
        try {
            byte[] sample = "gitfleet key check".getBytes(StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                sign.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            sign.initSign(key);
            sign.update(sample);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                verify.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            verify.initVerify(cert.getPublicKey());
            verify.update(sample);
            if (verify.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's: not its pair
        }
        throw new IOException("the key in " + keyFile + " does not belong to the certificate in " + certFile);
    }

    /**
     * A client context: trusts only the CA certificates in {@code caFile} (the JDK's own CAs when null) and, when
     * {@code certFile} and {@code keyFile} are given, presents that certificate (mutual TLS).
     */
    public static SSLContext clientContext(Path caFile, Path certFile, Path keyFile) throws IOException {
        return context(caFile, certFile, keyFile);
    }

    /** A server context presenting {@code certFile}; with {@code clientCa}, it can check client certificates. */
    public static SSLContext serverContext(Path certFile, Path keyFile, Path clientCa) throws IOException {
        return context(clientCa, certFile, keyFile);
    }

    private static SSLContext context(Path caFile, Path certFile, Path keyFile) throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keyManagers(certFile, keyFile), trustManagers(caFile), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build a TLS context from " + caFile + ", " + certFile + ", " + keyFile
                    + ": " + e.getMessage(), e);
        }
    }

    /** Trust managers that trust only the CA certificates in {@code caFile}; null (the JDK's CAs) when null. */
    public static TrustManager[] trustManagers(Path caFile) throws IOException {
        if (caFile == null) {
            return null;
        }
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate ca : certificates(caFile)) {
                trust.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException(caFile + " cannot be used as trusted CAs: " + e.getMessage(), e);
        }
    }

    /** Key managers presenting the certificate in {@code certFile} with its key; null when either is null. */
    public static KeyManager[] keyManagers(Path certFile, Path keyFile) throws IOException {
        if (certFile == null || keyFile == null) {
            return null;
        }
        List<X509Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        checkPair(chain.get(0), key, certFile, keyFile);
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] none = new char[0];
            keys.setKeyEntry("key", key, none, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, none);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException(certFile + " and " + keyFile + " cannot be used: " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (IOException e) {
            throw new IOException(file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static List<byte[]> blocks(byte[] pem, String label) {
        List<byte[]> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
        while (m.find()) {
            if (m.group(1).equals(label)) {
                out.add(Base64.getMimeDecoder().decode(m.group(2)));
            }
        }
        return out;
    }
}
