package io.gitfleet.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One virtual node in QEMU: its own copy of the node disk, the shared read-only package disk, a read-only config
 * disk (/etc/gitfleet-agent), user networking with {@code restrict=on} whose only ways out are two guestfwd
 * forwards to the host's 127.0.0.1 (the reconciler and the image server). The serial console is appended to one
 * file across restarts; waits read it. A restart after {@link #kill()} is a power cut: same disk, new machine.
 */
final class Vm implements AutoCloseable {
    static final String SERVER_URL = "http://10.0.2.100:8080";
    static final String IMAGES_URL = "http://10.0.2.101:8080";
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]|\r");

    final Path dir;
    final Path disk;
    final Path console;
    private final VmAssets assets;
    private final HostFleet fleet;
    private final Path configDisk;
    private Process qemu;
    private boolean killed;
    private final List<String> accel;

    Vm(Path dir, VmAssets assets, HostFleet fleet, List<String> extraConfig) throws Exception {
        this.dir = dir;
        this.assets = assets;
        this.fleet = fleet;
        Files.createDirectories(dir);
        disk = assets.copyDisk(dir.resolve("node.img"));
        console = dir.resolve("console.log");
        Files.deleteIfExists(console);
        Path etc = dir.resolve("etc");
        VmAssets.deleteTree(etc);
        Files.createDirectories(etc);
        List<String> config = new ArrayList<>(List.of(
                "server: " + SERVER_URL,
                "node: " + HostFleet.NODE,
                "tokenFile: /etc/gitfleet-agent/token",
                "stateDir: /var/lib/gitfleet-agent",
                "installer: ab-image",
                "slots: {a: /dev/disk/by-partlabel/root-a, b: /dev/disk/by-partlabel/root-b}",
                "bootloader: {type: grub-env, path: /mnt/boot/boot/grub/grubenv, editenv: /pkg/hostbin/grub-editenv}",
                "reboot: {command: [/bin/busybox, reboot, -f], timeout: 2m}",
                "poll: {longPoll: 20s, progressInterval: 2s, backoffMin: 1s, backoffMax: 4s}"));
        config.addAll(extraConfig);
        Files.writeString(etc.resolve("agent.yaml"), String.join("\n", config) + "\n");
        Files.writeString(etc.resolve("token"), HostFleet.TOKEN);
        configDisk = dir.resolve("config.img");
        Files.deleteIfExists(configDisk);
        VmAssets.run(dir, "mkfs.ext4", "-q", "-F", "-O", "^has_journal", "-L", "gitfleet-etc", "-d", etc.toString(),
                configDisk.toString(), "2M");
        accel = Accel.args();
    }

    void start() throws IOException {
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "pc"));
        cmd.addAll(accel);
        cmd.addAll(List.of("-m", "768", "-smp", "1", "-nographic", "-monitor", "none",
                "-chardev", "file,id=console,path=" + console + ",append=on", "-serial", "chardev:console",
                "-drive", "file=" + disk + ",format=raw,if=virtio,cache=unsafe",
                "-drive", "file=" + assets.packageDisk + ",format=raw,if=virtio,readonly=on",
                "-drive", "file=" + configDisk + ",format=raw,if=virtio,readonly=on",
                "-netdev", "user,id=net0,restrict=on"
                        + ",guestfwd=tcp:10.0.2.100:8080-cmd:busybox nc 127.0.0.1 " + fleet.port
                        + ",guestfwd=tcp:10.0.2.101:8080-cmd:busybox nc 127.0.0.1 " + fleet.images.port(),
                "-device", "virtio-net-pci,netdev=net0,romfile="));
        Files.writeString(console, "\n=== qemu started " + Instant.now() + " ===\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        killed = false;
        qemu = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("qemu.log").toFile())).start();
        Process started = qemu;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
    }

    /** SIGKILL to QEMU: the machine loses power. Returns once the process is gone. */
    void kill() throws InterruptedException {
        killed = true;
        qemu.destroyForcibly();
        qemu.waitFor();
    }

    /** The console so far, without terminal escapes. */
    String text() {
        try {
            // new String() replaces what is not UTF-8 (firmware noise) instead of failing.
            return ANSI.matcher(new String(Files.readAllBytes(console), StandardCharsets.UTF_8)).replaceAll("");
        } catch (IOException e) {
            return "";
        }
    }

    /** A position in the console: waits after it only look at what came later. */
    int mark() {
        return text().length();
    }

    /** Waits for a console line matching {@code regex} after {@code from}; returns the line and its position. */
    Line awaitLine(int from, String regex, Duration timeout) {
        Pattern p = Pattern.compile(regex);
        Line[] found = new Line[1];
        await("the console shows /" + regex + "/", timeout, () -> {
            String t = text();
            Matcher m = p.matcher(t.length() > from ? t.substring(from) : "");
            while (m.find()) {
                int start = t.lastIndexOf('\n', from + m.start()) + 1;
                int end = t.indexOf('\n', from + m.end());
                found[0] = new Line(t.substring(start, end < 0 ? t.length() : end).strip(), from + m.end());
                return true;
            }
            return false;
        });
        return found[0];
    }

    record Line(String text, int end) {
    }

    /** The console's lines after {@code from} that the boot chain and the agent print (the story of a test). */
    String excerpt(int from) {
        String t = text();
        StringBuilder sb = new StringBuilder();
        for (String line : (t.length() > from ? t.substring(from) : "").split("\n")) {
            String s = line.strip();
            if (s.startsWith("gitfleet") || s.matches(".*#[0-9]+ \\([A-Z_]+\\) .*") || s.contains("Kernel panic") || s.contains("instructed:")
                    || s.contains("resuming") || s.startsWith("===") || s.contains("rolled back")
                    || s.contains("Booting `") || s.contains("GRUB environment") || s.startsWith("error:")) {
                sb.append("    ").append(s).append('\n');
            }
        }
        return sb.toString();
    }

    boolean running() {
        return qemu != null && qemu.isAlive();
    }

    /** Waits until {@code condition} holds; fails at once when QEMU died without being killed. */
    void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        await(what, timeout, () -> {
            if (!killed && qemu != null && !qemu.isAlive()) {
                throw new AssertionError("QEMU exited with " + qemu.exitValue() + "; see " + dir.resolve("qemu.log"));
            }
            return condition.getAsBoolean();
        });
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        Callable<Boolean> c = condition::getAsBoolean;
        try {
            org.awaitility.Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100)).until(c);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + what, e);
        }
    }

    @Override
    public void close() {
        if (qemu != null && qemu.isAlive()) {
            qemu.destroyForcibly();
            try {
                qemu.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** TCG unless KVM is known to run a guest here (probed once, the answer cached next to the kernel). */
    static final class Accel {
        private static List<String> args;

        static synchronized List<String> args() throws IOException, InterruptedException {
            if (args == null) {
                String forced = System.getProperty("gitfleet.vm.accel", "auto");
                boolean kvm = forced.equals("kvm") || (forced.equals("auto") && kvmWorks());
                args = kvm ? List.of("-accel", "kvm", "-cpu", "host") : List.of("-accel", "tcg");
            }
            return args;
        }

        /**
         * KVM may open and still not run a guest (nested virtualization can abort on an MSR): boot the kernel with
         * no root and see whether it reaches its panic within 20 s.
         */
        private static boolean kvmWorks() throws IOException, InterruptedException {
            Path dev = Path.of("/dev/kvm");
            if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
                return false;
            }
            String host = VmAssets.run(Path.of("/"), "uname", "-r").strip();
            Path cached = VmAssets.cache().resolve("kvm-works-" + host);
            if (Files.exists(cached)) {
                return Boolean.parseBoolean(Files.readString(cached).strip());
            }
            Path kernel;
            try (var s = Files.list(VmAssets.cache().resolve("kernel/boot"))) {
                kernel = s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).findFirst().orElseThrow();
            }
            Path log = Files.createTempFile("kvm-probe", ".log");
            Process p = new ProcessBuilder("qemu-system-x86_64", "-accel", "kvm", "-cpu", "host", "-m", "256",
                    "-nographic", "-monitor", "none", "-no-reboot", "-serial", "file:" + log, "-kernel",
                    kernel.toString(), "-append", "console=ttyS0 panic=-1").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            boolean works;
            try {
                p.waitFor(20, TimeUnit.SECONDS);
                works = Files.readString(log, StandardCharsets.ISO_8859_1).contains("Kernel panic");
            } finally {
                p.destroyForcibly();
                p.waitFor();
                Files.deleteIfExists(log);
            }
            Files.writeString(cached, Boolean.toString(works));
            return works;
        }
    }
}
