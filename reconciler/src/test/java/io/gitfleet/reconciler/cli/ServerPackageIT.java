package io.gitfleet.reconciler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code mvn package} leaves for a server: the .deb (checked with dpkg-deb, then unpacked and run as
 * installed) and the tarball (unpacked and run). Runs after {@code package}, so both exist.
 */
class ServerPackageIT {
    private static final Path TARGET = Path.of(System.getProperty("basedir", "."), "target");

    @TempDir
    Path tmp;

    @Test
    void theDebInstallsTheCommandTheServiceAndItsConfig() throws Exception {
        Path deb = only("gitfleet_*_all.deb");
        String info = run(tmp, "dpkg-deb", "-I", deb.toString());
        for (String expected : List.of("Package: gitfleet", "Architecture: all", "Depends: openjdk-17-jre-headless",
                "postinst", "conffiles")) {
            assertTrue(info.contains(expected), "control has " + expected + ":\n" + info);
        }
        String contents = run(tmp, "dpkg-deb", "-c", deb.toString());
        for (String expected : List.of("./usr/bin/gitfleet -> ../lib/gitfleet/bin/gitfleet",
                "./usr/lib/gitfleet/gitfleet.jar", "./usr/lib/gitfleet/lib/org.eclipse.jgit-",
                "./lib/systemd/system/gitfleet.service", "./etc/gitfleet/config", "./var/lib/gitfleet/",
                "./usr/lib/gitfleet/share/example-fleet-repo/fleet.yaml", "./usr/share/doc/gitfleet/install.md")) {
            assertTrue(contents.contains(expected), "the package has " + expected + ":\n" + contents);
        }
        assertTrue(contents.matches("(?s).*-rwxr-xr-x [^\n]*\\./usr/lib/gitfleet/bin/gitfleet\n.*"), contents);
        assertTrue(!contents.contains("zstd-jni"), "the server carries no zstd");

        Path root = tmp.resolve("root");
        run(tmp, "dpkg-deb", "-x", deb.toString(), root.toString());
        String unit = Files.readString(root.resolve("lib/systemd/system/gitfleet.service"));
        assertTrue(unit.contains("User=gitfleet") && unit.contains("GITFLEET_CONFIG=/etc/gitfleet/config")
                && unit.contains("ExecStart=/usr/bin/gitfleet serve --data-dir /var/lib/gitfleet"), unit);
        Path launcher = root.resolve("usr/lib/gitfleet/bin/gitfleet");
        assertTrue(run(tmp, launcher.toString(), "version").startsWith("client  gitfleet "));
        String validated = run(tmp, launcher.toString(), "validate",
                root.resolve("usr/lib/gitfleet/share/example-fleet-repo").toString());
        assertTrue(validated.contains("valid (9 nodes"), validated);
        try (Stream<Path> archives = Files.list(tmp.resolve("cache/gitfleet/cds"))) {
            assertEquals(1, archives.filter(p -> p.toString().endsWith(".jsa")).count(),
                    "the first short command made the class-data archive in the user's cache");
        }
    }

    @Test
    void theTarballRunsWhereItIsUnpacked() throws Exception {
        Path tarball = only("gitfleet-*.tar.gz");
        run(tmp, "tar", "-xzf", tarball.toString(), "-C", tmp.toString());
        Path home;
        try (Stream<Path> dirs = Files.list(tmp)) {
            home = dirs.filter(p -> p.getFileName().toString().startsWith("gitfleet-")).findFirst().orElseThrow();
        }
        assertTrue(Files.isRegularFile(home.resolve("share/gitfleet.service")));
        assertTrue(Files.isRegularFile(home.resolve("share/config.example")));
        assertTrue(run(tmp, home.resolve("bin/gitfleet").toString(), "version").startsWith("client  gitfleet "));
    }

    private static Path only(String glob) throws Exception {
        try (var files = Files.newDirectoryStream(TARGET, glob)) {
            List<Path> found = new java.util.ArrayList<>();
            files.forEach(found::add);
            assertEquals(1, found.size(), "one " + glob + " in " + TARGET + ": " + found);
            return found.get(0);
        }
    }

    /** Runs a command with the temporary folder as HOME and cache; its output, or a failure with it. */
    private static String run(Path home, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_CACHE_HOME", home.resolve("cache").toString());
        pb.environment().remove("GITFLEET_CONFIG");
        pb.environment().remove("GITFLEET_REPO");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }
}
