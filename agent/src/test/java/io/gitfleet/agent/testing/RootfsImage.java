package io.gitfleet.agent.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * A deterministic stand-in for a root file system: runs of zeros, text and random bytes in roughly the
 * proportions that make zstd compress it 2–4×.
 */
public final class RootfsImage {
    private RootfsImage() {
    }

    public static Path create(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] text = ("usr/lib/x86_64-linux-gnu/libc.so.6 GLIBC_2.34 /etc/systemd/system/multi-user.target.wants "
                + "ExecStart=/usr/bin/gitfleet-agent --config /etc/gitfleet/agent.yaml\n").getBytes(StandardCharsets.UTF_8);
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            long written = 0;
            while (written < size) {
                int kind = random.nextInt(10);
                int n = (int) Math.min(block.length, size - written);
                if (kind < 3) {
                    java.util.Arrays.fill(block, 0, n, (byte) 0);
                } else if (kind < 7) {
                    for (int i = 0; i < n; i++) {
                        block[i] = text[(i + random.nextInt(4)) % text.length];
                    }
                } else {
                    random.nextBytes(block);
                }
                out.write(block, 0, n);
                written += n;
            }
        }
        return file;
    }

    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A file standing in for a partition: {@code size} bytes of a recognisable pattern. */
    public static Path partition(Path file, long size, byte fill) throws IOException {
        byte[] block = new byte[64 * 1024];
        java.util.Arrays.fill(block, fill);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return file;
    }
}
