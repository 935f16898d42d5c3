package io.gitfleet.demo;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** OS images for the demo: a few MiB shaped like a root filesystem (zeros, text, noise), zstd-compressed. */
public final class DemoImages {
    static final int EXPANDED = 6 * 1024 * 1024;

    /** One image: its expanded bytes (for the slot a node starts with), and the served file's digest. */
    public record Image(String version, Path raw, Path zst, String sha256, long size) {
        public String fileName() {
            return zst.getFileName().toString();
        }
    }

    private DemoImages() {
    }

    public static Image make(Path dir, String version) throws IOException {
        byte[] raw = rootfs(version);
        Path rawFile = dir.resolve("os-" + version + ".img");
        Path zst = dir.resolve("os-" + version + ".img.zst");
        Files.write(rawFile, raw);
        try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(zst), 9)) {
            out.write(raw);
        }
        return new Image(version, rawFile, zst, sha256(Files.readAllBytes(zst)), raw.length);
    }

    private static byte[] rootfs(String version) {
        byte[] b = new byte[EXPANDED];
        Random rnd = new Random(version.hashCode());
        byte[] text = ("gitfleet demo root filesystem " + version + "\n/etc/os-release VERSION_ID=" + version
                + "\nusr/bin usr/lib var/log boot/vmlinuz\n").getBytes(StandardCharsets.UTF_8);
        int at = 0;
        while (at < b.length) {
            int kind = rnd.nextInt(3);
            int len = Math.min(b.length - at, 4096 * (1 + rnd.nextInt(16)));
            if (kind == 1) {
                for (int i = 0; i < len; i++) {
                    b[at + i] = text[i % text.length];
                }
            } else if (kind == 2) {
                byte[] noise = new byte[len / 4];
                rnd.nextBytes(noise);
                System.arraycopy(noise, 0, b, at, noise.length);
            }
            at += len;
        }
        // the image's own os-release comes first, where a version probe of the booted slot can read it
        byte[] osRelease = ("NAME=\"gitfleet demo\"\nVERSION_ID=" + version + "\n").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(osRelease, 0, b, 0, osRelease.length);
        return b;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
