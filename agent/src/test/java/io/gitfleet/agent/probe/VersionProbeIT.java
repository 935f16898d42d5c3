package io.gitfleet.agent.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Probes against real files and real processes: a version, or unknown with the reason, never an exception. */
class VersionProbeIT {
    @TempDir
    Path dir;

    private static void assertUnknown(ProbeResult r, String reason) {
        assertNull(r.version(), "unknown");
        assertTrue(r.unknownReason().contains(reason), r.unknownReason());
    }

    @Test
    void osReleaseReadsTheKeyQuotedOrNot() throws Exception {
        Path file = dir.resolve("os-release");
        Files.writeString(file, String.join("\n", "# a comment: VERSION_ID=0", "NAME=\"Fedora CoreOS\"",
                "VERSION_ID=40", "OSTREE_VERSION='40.20240616.3.0'", "IMAGE_VERSION=\"v1.35.1\"",
                "PRETTY_NAME=\"Fedora \\\"CoreOS\\\" 40\"", ""));
        assertEquals("40", new VersionProbe.OsRelease("VERSION_ID", List.of(file)).read(Map.of()).version());
        assertEquals("40.20240616.3.0", new VersionProbe.OsRelease("OSTREE_VERSION", List.of(file)).read(Map.of())
                .version());
        assertEquals("v1.35.1", new VersionProbe.OsRelease("IMAGE_VERSION", List.of(file)).read(Map.of()).version());
        assertEquals("Fedora \"CoreOS\" 40", new VersionProbe.OsRelease("PRETTY_NAME", List.of(file)).read(Map.of())
                .version());
        assertUnknown(new VersionProbe.OsRelease("BUILD_ID", List.of(file)).read(Map.of()), file + " has no BUILD_ID");
    }

    @Test
    void osReleaseFallsBackToUsrLibAsTheSpecSays() throws Exception {
        Path etc = dir.resolve("etc/os-release");
        Path usrLib = Files.createDirectories(dir.resolve("usr/lib")).resolve("os-release");
        Files.writeString(usrLib, "VERSION_ID=12.5\n");
        VersionProbe probe = new VersionProbe.OsRelease("VERSION_ID", List.of(etc, usrLib));
        assertEquals("12.5", probe.read(Map.of()).version());
        Files.delete(usrLib);
        assertUnknown(probe.read(Map.of()), "no os-release file: " + etc + ", " + usrLib + " do not exist");
    }

    @Test
    void aFileIsItsWholeContentTrimmed() throws Exception {
        Path file = dir.resolve("kubernetes-version");
        Files.writeString(file, "  v1.35.0\n\n");
        VersionProbe probe = new VersionProbe.FileContent(file);
        assertEquals("v1.35.0", probe.read(Map.of()).version());
        Files.writeString(file, "\n  \n");
        assertUnknown(probe.read(Map.of()), file + " gave an empty version");
        Files.writeString(file, "v1\nv2\n");
        assertUnknown(probe.read(Map.of()), file + " gave more than one line or control characters");
        Files.writeString(file, "v".repeat(200));
        assertUnknown(probe.read(Map.of()), "longer than 128 characters");
        Files.write(file, new byte[VersionProbe.MAX_FILE + 1]);
        assertUnknown(probe.read(Map.of()), "larger than 64 KiB");
        Files.delete(file);
        assertUnknown(probe.read(Map.of()), file + " does not exist");
    }

    private Path script(String name, String body) throws Exception {
        Path s = dir.resolve(name);
        Files.writeString(s, "#!/bin/sh\n" + body + "\n");
        s.toFile().setExecutable(true);
        return s;
    }

    @Test
    void aCommandsOutputGivesTheRegexsFirstGroup() throws Exception {
        Path kubelet = script("kubelet", "echo 'W1130 deprecated flag' >&2; echo \"Kubernetes v1.35.0 ($GITFLEET_COMPONENT)\"");
        VersionProbe probe = new VersionProbe.Command(List.of(kubelet.toString(), "--version"),
                Pattern.compile("Kubernetes v(\\S+)"), Duration.ofSeconds(10));
        assertEquals("1.35.0", probe.read(Map.of("GITFLEET_COMPONENT", "kubernetes")).version());
        VersionProbe whole = new VersionProbe.Command(List.of("printf", "  2024.06.01\\n"), null, Duration.ofSeconds(10));
        assertEquals("2024.06.01", whole.read(Map.of()).version());
    }

    @Test
    void aCommandThatFailsHangsOrSaysNothingGivesUnknownWithTheReason() throws Exception {
        Path failing = script("failing", "echo 'kubelet: cannot open /var/lib/kubelet/config.yaml'; exit 3");
        assertUnknown(new VersionProbe.Command(List.of(failing.toString()), Pattern.compile("v(\\S+)"),
                Duration.ofSeconds(10)).read(Map.of()),
                "'" + failing + "' exited with 3: kubelet: cannot open /var/lib/kubelet/config.yaml");
        Path silent = script("silent", "exit 0");
        assertUnknown(new VersionProbe.Command(List.of(silent.toString()), Pattern.compile("v(\\S+)"),
                Duration.ofSeconds(10)).read(Map.of()), "does not match v(\\S+) (it printed nothing)");
        assertUnknown(new VersionProbe.Command(List.of(silent.toString()), null, Duration.ofSeconds(10))
                .read(Map.of()), "gave an empty version");
        Path other = script("other", "echo 'Client Version: unknown'");
        assertUnknown(new VersionProbe.Command(List.of(other.toString()), Pattern.compile("v(\\d\\S*)"),
                Duration.ofSeconds(10)).read(Map.of()), "does not match v(\\d\\S*): Client Version: unknown");
        assertUnknown(new VersionProbe.Command(List.of(dir.resolve("no-such-binary").toString()), null,
                Duration.ofSeconds(10)).read(Map.of()), "could not start");
        Path hanging = script("hanging", "echo v9; sleep 60");
        long started = System.nanoTime();
        ProbeResult r = new VersionProbe.Command(List.of(hanging.toString()), Pattern.compile("v(\\d+)"),
                Duration.ofSeconds(1)).read(Map.of());
        assertUnknown(r, "'" + hanging + "' timed out after 1 s and was killed");
        assertTrue(System.nanoTime() - started >= Duration.ofSeconds(1).toNanos(), "it ran until its timeout");
    }
}
