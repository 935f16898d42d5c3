package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gitfleet.agent.testing.RootfsImage;
import io.gitfleet.agent.testing.ZstdCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node package that {@code mvn package} leaves in {@code target/}: its metadata and paths (the paths are what
 * the virtual-machine suite and docs/agent.md rely on), and the packaged launcher run from an unpacked tree on
 * its own runtime, for {@code --version} and for a real install into file slots.
 */
class PackageIT {
    static final String PREFIX = "./usr/lib/gitfleet-agent/";

    @TempDir
    static Path tree;
    static Path deb;

    @BeforeAll
    static void unpack() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> debs = files.filter(p -> p.getFileName().toString().matches("gitfleet-agent_.+_amd64\\.deb"))
                    .toList();
            assertEquals(1, debs.size(), "one agent package in target/: " + debs);
            deb = debs.get(0);
        }
        run(Map.of(), "dpkg-deb", "-x", deb.toString(), tree.toString());
    }

    @Test
    void theControlFileNamesThePackage() throws Exception {
        String info = run(Map.of(), "dpkg-deb", "-I", deb.toString());
        assertTrue(info.contains("Package: gitfleet-agent"), info);
        assertTrue(info.contains("Architecture: amd64"), info);
        String version = info.lines().filter(l -> l.strip().startsWith("Version: ")).findFirst().orElseThrow().strip();
        assertTrue(version.matches("Version: [0-9][0-9A-Za-z.+~]*"), version);
    }

    @Test
    void holdsTheContractPathsWithTheirModes() throws Exception {
        List<String> lines = run(Map.of(), "dpkg-deb", "-c", deb.toString()).lines().toList();
        Map<String, String> modes = lines.stream().map(l -> l.split("\\s+"))
                .collect(Collectors.toMap(f -> f[5], f -> f[0], (a, b) -> a));
        for (String path : List.of(PREFIX + "bin/gitfleet-agent", PREFIX + "runtime/bin/java",
                PREFIX + "runtime/lib/jspawnhelper")) {
            assertEquals("-rwxr-xr-x", modes.get(path), path + " must be executable");
        }
        for (String path : List.of(PREFIX + "lib/gitfleet-agent.jar", "./lib/systemd/system/gitfleet-agent.service",
                "./etc/gitfleet-agent/agent.yaml.example", PREFIX + "runtime/lib/server/libjvm.so",
                PREFIX + "runtime/lib/server/classes.jsa")) {
            assertEquals("-rw-r--r--", modes.get(path), path);
        }
        assertEquals("drwx------", modes.get("./var/lib/gitfleet-agent/"), "the state folder, empty and private");
        assertTrue(modes.keySet().stream().anyMatch(p -> p.matches("\\./usr/lib/gitfleet-agent/lib/zstd-jni-.*\\.jar")),
                "the libraries are in lib/");
        assertTrue(modes.keySet().stream().anyMatch(p -> p.matches(
                "\\./usr/lib/gitfleet-agent/lib/git/org\\.eclipse\\.jgit-.*\\.jar")), "JGit is in lib/git/");
        assertTrue(modes.keySet().stream().noneMatch(p -> p.matches(
                "\\./usr/lib/gitfleet-agent/lib/(org\\.eclipse\\.jgit|bc[a-z]+-jdk|sshd-|JavaEWAH-).*\\.jar")),
                "JGit and its libraries are off the class path (lib/git/ instead)");
        assertTrue(modes.keySet().stream().anyMatch(p -> p.matches(
                "\\./usr/lib/gitfleet-agent/lib/native/libzstd-jni-.*\\.so")), "zstd's native library, unpacked");
        if (Files.exists(Path.of("dist/grub/gitfleet.cfg"))) {
            assertEquals("-rw-r--r--", modes.get("./usr/share/gitfleet-agent/grub/gitfleet.cfg"), "the GRUB fragment");
        }
        String unit = Files.readString(tree.resolve("lib/systemd/system/gitfleet-agent.service"));
        assertTrue(unit.contains("\nExecStart=/usr/lib/gitfleet-agent/bin/gitfleet-agent --config "
                + "/etc/gitfleet-agent/agent.yaml\n"), unit);
        assertArrayEquals(Files.readAllBytes(Path.of("examples/agent.yaml")),
                Files.readAllBytes(tree.resolve("etc/gitfleet-agent/agent.yaml.example")));
    }

    /** Only what the agent needs: the modules jdeps finds plus those looked up at run time. */
    @Test
    void theRuntimeHoldsOnlyTheAgentsModules() throws Exception {
        String listed = run(Map.of(), tree.resolve("usr/lib/gitfleet-agent/runtime/bin/java").toString(),
                "--list-modules");
        TreeSet<String> modules = listed.lines().map(l -> l.split("@")[0]).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("java.base", "java.logging", "java.management", "java.naming",
                "java.net.http", "java.security.jgss", "java.security.sasl", "java.sql", "java.transaction.xa",
                "java.xml", "jdk.crypto.ec", "jdk.random", "jdk.unsupported")), modules);
    }

    /**
     * Every security provider the runtime lists is one it holds: the JDK looks a missing one up on the class path,
     * which would instantiate Bouncy Castle's provider (JGit's) in every agent.
     */
    @Test
    void theRuntimeListsOnlyTheSecurityProvidersItHolds() throws Exception {
        List<String> providers = Files.readAllLines(tree.resolve(
                "usr/lib/gitfleet-agent/runtime/conf/security/java.security")).stream()
                .filter(l -> l.startsWith("security.provider.")).toList();
        assertEquals(List.of("security.provider.1=SUN", "security.provider.2=SunRsaSign", "security.provider.3=SunEC",
                "security.provider.4=SunJSSE", "security.provider.5=SunJCE", "security.provider.6=SunJGSS",
                "security.provider.7=SunSASL", "security.provider.8=JdkLDAP"), providers);
    }

    @Test
    void theLauncherRunsFromAnUnpackedTree() throws Exception {
        String out = run(Map.of("GITFLEET_AGENT_CDS", "off"), launcher(), "--version");
        assertTrue(out.strip().matches("gitfleet-agent [0-9].*"), out);
    }

    /** The launcher's first start makes the class-data archive; the install then runs on it, on the shipped runtime. */
    @Test
    void thePackagedAgentInstallsAnImageIntoAFileSlot() throws Exception {
        Path dir = Files.createDirectories(tree.resolve("node"));
        long size = 3 * 1024 * 1024 + 7;
        Path raw = RootfsImage.create(dir.resolve("v2.img"), size, 11);
        Path zst = ZstdCli.compress(raw, dir.resolve("v2.img.zst"), "-3");
        Path slotA = dir.resolve("slot-a");
        Path slotB = dir.resolve("slot-b");
        Files.write(slotA, new byte[4 << 20]);
        Files.write(slotB, new byte[4 << 20]);
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, "node: packaged\nstateDir: " + dir.resolve("state") + "\n"
                + "slots: {a: " + slotA + ", b: " + slotB + "}\nbootloader: {type: file, path: " + dir.resolve("boot.json")
                + "}\n");
        Path cds = dir.resolve("cds/agent.jsa");
        // No temporary folder: zstd's native library must come from the package, not be unpacked at run time.
        Map<String, String> env = Map.of("GITFLEET_AGENT_CDS", cds.toString(),
                "GITFLEET_AGENT_JAVA_OPTS", "-Djava.io.tmpdir=" + dir.resolve("no-such-folder"));
        String out = run(env, launcher(), "install", "--config", config.toString(), "--image", zst.toUri().toString(),
                "--sha256", RootfsImage.sha256(zst), "--size", Long.toString(size), "--version", "v2");
        assertTrue(out.contains("slot b written and verified"), out);
        assertTrue(Files.size(cds) > 0, "the first start made the class-data archive");
        byte[] written = Arrays.copyOf(Files.readAllBytes(slotB), (int) size);
        assertArrayEquals(Files.readAllBytes(raw), written, "slot b holds the image");
    }

    private static String launcher() {
        return tree.resolve("usr/lib/gitfleet-agent/bin/gitfleet-agent").toString();
    }

    private static String run(Map<String, String> env, String... argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(argv))).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }
}
