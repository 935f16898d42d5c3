package io.gitfleet.reconciler.catalog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The last good copy of each {@code url} catalog, on disk so that a restart does not lose it: one file per URL,
 * named by the URL's sha256, holding a short text header (url, etag, fetched-at) and the body. A copy is
 * replaced atomically (temp file, fsync, rename), so a crash leaves the old copy or the new one, never half.
 */
public final class CatalogCache {
    private static final String MAGIC = "gitfleet-catalog-cache 1";

    private final Path dir;

    public CatalogCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The copy of {@code url}, or empty when there is none or the file is not one this cache wrote. */
    public Optional<CachedCatalog> read(String url) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file(url));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        int end = indexOf(bytes, "\n\n".getBytes(StandardCharsets.US_ASCII));
        if (end < 0) {
            return Optional.empty();
        }
        String[] lines = new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length != 4 || !lines[0].equals(MAGIC) || !lines[1].equals("url: " + url)
                || !lines[2].startsWith("etag: ") || !lines[3].startsWith("fetched-at: ")) {
            return Optional.empty();
        }
        String etag = lines[2].substring("etag: ".length());
        Instant at;
        try {
            at = Instant.parse(lines[3].substring("fetched-at: ".length()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        byte[] body = java.util.Arrays.copyOfRange(bytes, end + 2, bytes.length);
        return Optional.of(new CachedCatalog(body, etag.isEmpty() ? null : etag, at));
    }

    public void write(String url, CachedCatalog copy) throws IOException {
        Files.createDirectories(dir);
        ByteArrayOutputStream out = new ByteArrayOutputStream(copy.body().length + 256);
        String header = MAGIC + "\nurl: " + url + "\netag: " + (copy.etag() == null ? "" : copy.etag())
                + "\nfetched-at: " + copy.fetchedAt() + "\n\n";
        out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(copy.body());
        Path target = file(url);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(out.toByteArray());
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory();
    }

    /** The rename itself is durable only once the directory is flushed. */
    private void syncDirectory() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory; the rename is still atomic there
        }
    }

    Path file(String url) {
        return dir.resolve(sha256(url) + ".catalog");
    }

    private static String sha256(String url) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(url.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
