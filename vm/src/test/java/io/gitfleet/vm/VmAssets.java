package io.gitfleet.vm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Everything a virtual node is made of, built once per test JVM under {@code vm/target/vm-assets}: the slot images
 * (v1, v2, and v3 whose init exits so the kernel panics) with their zstd files, the node's disk with v1 in slot A,
 * and the read-only disk carrying the agent's node package. The scripts in {@code vm/scripts} do the building;
 * this class finds the inputs, runs them and knows the disk's layout.
 */
final class VmAssets {
    static final long MIB = 1024 * 1024;
    /** The partitions of build-disk.sh, in MiB. */
    static final long BOOT_START = 2;
    static final long SLOT_A_START = 10;
    static final long SLOT_B_START = 42;
    static final long SLOT_SIZE = 32;
    /** Each slot image's file system; smaller than the slot on purpose (the agent reads the slot's size). */
    static final long IMAGE_MIB = 24;

    record Image(String version, Path raw, Path zst, String sha256, long size) {
    }

    private static VmAssets built;

    final Path project;
    final Path dir;
    final Path kernel;
    final Map<String, Image> images;
    final Path disk;
    final Path packageDisk;
    final String packageSource;

    private VmAssets(Path project, Path dir, Path kernel, Map<String, Image> images, Path disk, Path packageDisk,
                     String packageSource) {
        this.project = project;
        this.dir = dir;
        this.kernel = kernel;
        this.images = images;
        this.disk = disk;
        this.packageDisk = packageDisk;
        this.packageSource = packageSource;
    }

    static synchronized VmAssets get() throws Exception {
        if (built == null) {
            long t0 = System.nanoTime();
            built = build();
            System.out.printf(java.util.Locale.ROOT, "VM assets built in %.1f s (node package: %s)%n",
                    (System.nanoTime() - t0) / 1e9, built.packageSource);
        }
        return built;
    }

    static Path cache() {
        String env = System.getenv("GITFLEET_VM_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("gitfleet-vm");
    }

    private static VmAssets build() throws Exception {
        Path project = project();
        for (String tool : List.of("qemu-system-x86_64", "grub-mkimage", "grub-editenv", "busybox", "sfdisk",
                "mkfs.ext4", "zstd")) {
            if (which(tool) == null) {
                throw new IllegalStateException("the VM suite needs " + tool + " (Debian packages qemu-system-x86, "
                        + "grub-pc-bin, grub-common, busybox-static, fdisk, e2fsprogs, zstd)");
            }
        }
        Path kernel = cache().resolve("kernel");
        if (!Files.isRegularFile(kernel.resolve("READY"))) {
            throw new IllegalStateException("no Debian kernel in " + kernel + ": run vm/fetch-kernel.sh first");
        }
        Path dir = project.resolve("vm/target/vm-assets");
        Files.createDirectories(dir);
        Path scripts = project.resolve("vm/scripts");
        Path initrd = dir.resolve("initrd.img");
        run(dir, scripts.resolve("build-initramfs.sh").toString(), kernel.toString(), initrd.toString());
        Map<String, Image> images = new java.util.LinkedHashMap<>();
        for (String[] v : new String[][] {{"1.0.0", "ok"}, {"2.0.0", "ok"}, {"3.0.0", "panic"}}) {
            Path raw = dir.resolve("os-" + v[0] + ".img");
            run(dir, scripts.resolve("build-slot.sh").toString(), kernel.toString(), initrd.toString(), v[0], v[1],
                    raw.toString(), String.valueOf(IMAGE_MIB));
            Path zst = dir.resolve("os-" + v[0] + ".img.zst");
            run(dir, "zstd", "-q", "-f", "-3", raw.toString(), "-o", zst.toString());
            images.put(v[0], new Image(v[0], raw, zst, sha256(zst), Files.size(raw)));
        }
        Path disk = dir.resolve("node.img");
        run(dir, scripts.resolve("build-disk.sh").toString(),
                project.resolve("agent/dist/grub/gitfleet.cfg").toString(), images.get("1.0.0").raw().toString(),
                disk.toString());
        Path tree = dir.resolve("package-root");
        String source = packageTree(project, scripts, tree);
        Path packageDisk = dir.resolve("package.img");
        run(dir, scripts.resolve("build-pkg-disk.sh").toString(), tree.toString(), packageDisk.toString());
        return new VmAssets(project, dir, kernel, Map.copyOf(images), disk, packageDisk, source);
    }

    /**
     * The node package as installed: the .deb of {@code mvn package} ({@code agent/target}) unpacked with dpkg-deb.
     * The suite runs exactly what a node would install; without the package it fails and says how to build it.
     */
    private static String packageTree(Path project, Path scripts, Path tree) throws Exception {
        Path target = project.resolve("agent/target");
        Path deb = null;
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                deb = files.filter(p -> p.getFileName().toString().matches("gitfleet-agent_.*_amd64\\.deb"))
                        .findFirst().orElse(null);
            }
        }
        if (deb == null) {
            throw new IllegalStateException("no node package in " + target + ": build it with mvn package -pl agent "
                    + "-am (the VM suite installs exactly what the package installs)");
        }
        deleteTree(tree);
        Files.createDirectories(tree);
        run(tree.getParent(), "dpkg-deb", "-x", deb.toString(), tree.toString());
        return deb.getFileName().toString();
    }

    /** A private copy of the node's disk for one virtual machine (sparse, so cheap). */
    Path copyDisk(Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(disk, to, StandardCopyOption.REPLACE_EXISTING);
        return to;
    }

    /** sha256 of one partition's bytes in a node disk (the VM must be stopped). */
    static String partitionSha256(Path disk, long startMib, long sizeMib) throws IOException {
        MessageDigest md = sha();
        try (var ch = java.nio.channels.FileChannel.open(disk)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) MIB);
            long pos = startMib * MIB;
            long end = pos + sizeMib * MIB;
            while (pos < end) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n <= 0) {
                    break;
                }
                buf.flip();
                md.update(buf);
                pos += n;
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The GRUB environment block of a node disk (the VM must be stopped), read with debugfs. */
    static String grubenv(Path disk) throws IOException, InterruptedException {
        Path boot = Files.createTempFile(disk.getParent(), "boot", ".img");
        try {
            run(disk.getParent(), "dd", "if=" + disk, "of=" + boot, "bs=1M", "skip=" + BOOT_START, "count=8",
                    "status=none");
            return run(disk.getParent(), "debugfs", "-R", "cat /boot/grub/grubenv", boot.toString())
                    .lines().filter(l -> l.startsWith("gitfleet_")).collect(java.util.stream.Collectors.joining(" "));
        } finally {
            Files.deleteIfExists(boot);
        }
    }

    /** Deletes the grubenv from a node disk's boot partition (the VM must be stopped). */
    static void removeGrubenv(Path disk) throws IOException, InterruptedException {
        Path boot = Files.createTempFile(disk.getParent(), "boot", ".img");
        try {
            run(disk.getParent(), "dd", "if=" + disk, "of=" + boot, "bs=1M", "skip=" + BOOT_START, "count=8",
                    "status=none");
            // A VM that lost power leaves the journal to replay: replay it first (e2fsck exits 1 when it did), or
            // the next mount would replay it over the deletion.
            Process fsck = new ProcessBuilder("e2fsck", "-fy", boot.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (fsck.waitFor() > 1) {
                throw new IOException("e2fsck of the boot partition exited with " + fsck.exitValue());
            }
            run(disk.getParent(), "debugfs", "-w", "-R", "rm /boot/grub/grubenv", boot.toString());
            run(disk.getParent(), "dd", "if=" + boot, "of=" + disk, "bs=1M", "seek=" + BOOT_START, "conv=notrunc",
                    "status=none");
        } finally {
            Files.deleteIfExists(boot);
        }
    }

    /** Overwrites the grubenv's block in a node disk with zeros, as a torn write would leave it. */
    static void tearGrubenv(Path disk) throws IOException, InterruptedException {
        Path boot = Files.createTempFile(disk.getParent(), "boot", ".img");
        long block;
        int blockSize;
        try {
            run(disk.getParent(), "dd", "if=" + disk, "of=" + boot, "bs=1M", "skip=" + BOOT_START, "count=8",
                    "status=none");
            String bmap = run(disk.getParent(), "debugfs", "-R", "bmap /boot/grub/grubenv 0", boot.toString());
            block = Long.parseLong(bmap.lines().filter(l -> l.matches("\\d+")).findFirst().orElseThrow());
            String stats = run(disk.getParent(), "debugfs", "-R", "stats", boot.toString());
            blockSize = Integer.parseInt(stats.lines().filter(l -> l.startsWith("Block size:")).findFirst()
                    .orElseThrow().replaceAll("\\D", ""));
        } finally {
            Files.deleteIfExists(boot);
        }
        try (var ch = java.nio.channels.FileChannel.open(disk, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.allocate(1024), BOOT_START * MIB + block * blockSize);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md = sha();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String run(Path dir, String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    static Path which(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            for (String dir : List.of(d, "/usr/sbin", "/sbin")) {
                Path p = Path.of(dir, tool);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    static Path project() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("vm/scripts")) && Files.isDirectory(p.resolve("agent"))) {
                return p;
            }
        }
        throw new IllegalStateException("project folder not found from " + Path.of("").toAbsolutePath());
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(all::add);
        }
        java.util.Collections.reverse(all);
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
