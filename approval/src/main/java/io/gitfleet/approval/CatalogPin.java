package io.gitfleet.approval;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * A {@code url} catalog is approved by the digest of its content written next to the URL in the manifest
 * ({@code catalog: {url, sha256}}): whoever serves the URL can then withhold the catalog, never change it.
 */
public final class CatalogPin {
    private CatalogPin() {
    }

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Empty when {@code content} is what {@code pinned} names (or nothing is pinned); otherwise the sentence. */
    public static Optional<String> mismatch(byte[] content, String pinned) {
        if (pinned == null) {
            return Optional.empty();
        }
        String got = sha256(content);
        return got.equals(pinned.toLowerCase(Locale.ROOT)) ? Optional.empty()
                : Optional.of("content sha256 " + got + " does not match the pinned sha256 " + pinned);
    }
}
