package io.gitfleet.reconciler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The command line as a newcomer types it: the example fleet, and copies of it broken on purpose. */
class CliTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    static Run gitfleet(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = GitfleetCommand.execute(args, new PrintWriter(out), new PrintWriter(err));
        Run run = new Run(exit, out.toString(), err.toString());
        assertFalse((run.out + run.err).contains("Exception") || (run.out + run.err).contains("\tat "),
                "a stack trace reached the user:\n" + run.err);
        return run;
    }

    static Path example() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("example-fleet-repo"))) {
                return p.resolve("example-fleet-repo");
            }
        }
        throw new IllegalStateException("example-fleet-repo not found");
    }

    Path copy() throws IOException {
        Path dir = tmp.resolve("fleet");
        try (Stream<Path> walk = Files.walk(example())) {
            for (Path p : walk.toList()) {
                Path target = dir.resolve(example().relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return dir;
    }

    @Test
    void theExampleFleetIsValid() {
        Run run = gitfleet("validate", example().toString());
        assertEquals(0, run.exit, run.err);
        assertTrue(run.out.endsWith("valid (9 nodes, 2 catalogs, 2 upgrades)\n"), run.out);
    }

    static Stream<Arguments> breakages() {
        String bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                + "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        return Stream.of(
                Arguments.of("upgrades/os-1-35.yaml", "  version: stable", "  version: 1.10",
                        "upgrades/os-1-35.yaml: /spec/version: must be a string, but YAML reads 1.10 as the number 1.1; "
                                + "quote it: \"1.10\" (line 7)"),
                Arguments.of("upgrades/os-1-35.yaml", "  paused: false", "  paused: false\n  paused: true",
                        "upgrades/os-1-35.yaml: /spec/paused: the key 'paused' appears twice (line 24)"),
                Arguments.of("upgrades/os-1-35.yaml", "  promoted: false", "  promotd: true",
                        "upgrades/os-1-35.yaml: /spec/promotd: is not a known field (check its spelling and "
                                + "indentation) (line 24)"),
                Arguments.of("upgrades/os-1-35.yaml", "  version: stable", "  version: v1.34.3",
                        "upgrades/os-1-35.yaml: /spec/version: v1.34.3 is blocked by the catalog"),
                Arguments.of("upgrades/os-1-35.yaml", "    ref: catalogs/os.yaml", "    ref: catalogs/gone.yaml",
                        "upgrades/os-1-35.yaml: /spec/catalog/ref: catalogs/gone.yaml does not exist"),
                Arguments.of("nodes/worker-1.yaml", "  name: worker-1", "  name: worker-9",
                        "nodes/worker-1.yaml: /metadata/name: is 'worker-9' but must equal the file name 'worker-1' "
                                + "(line 4)"),
                Arguments.of("nodes/worker-1.yaml", "  role: worker", "  role: boss",
                        "nodes/worker-1.yaml: /spec/role: must be one of controller, worker (line 6)"),
                Arguments.of("nodes/worker-1.yaml", "kind: Node", "kind: Upgrade",
                        "nodes/worker-1.yaml: /kind: is Upgrade, but this file must hold a Node (line 2)"),
                Arguments.of("catalogs/os.yaml", null, bomb,
                        "catalogs/os.yaml: /: the document expands to more than 200000 values; alias bombs are refused"),
                Arguments.of("catalogs/os.yaml", null, "spec: [unclosed\n",
                        "catalogs/os.yaml: /: not valid YAML: expected ',' or ']', but got <stream end> (line 2)"),
                Arguments.of("catalogs/os.yaml", null, "",
                        "catalogs/os.yaml: /: the file is empty"),
                Arguments.of("catalogs/os.yaml", "    - v1.34.3", "    - 1.34",
                        "catalogs/os.yaml: /spec/blocked/0: must be a string, but YAML reads 1.34 as the number 1.34; "
                                + "quote it: \"1.34\" (line 40)"),
                Arguments.of("fleet.yaml", "  nodeTimeout: 15m", "  nodeTimeout: forever",
                        "fleet.yaml: /spec/nodeTimeout: 'forever' must be a duration such as 90s, 15m, 4h or 1h30m "
                                + "(line 13)"));
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("breakages")
    void eachBreakageGivesItsLineAndExitOne(String file, String find, String replace, String expected)
            throws IOException {
        Path dir = copy();
        Path target = dir.resolve(file);
        String text = Files.readString(target);
        if (find != null) {
            assertTrue(text.contains(find), "fixture drifted: " + find);
        }
        Files.writeString(target, find == null ? replace : text.replace(find, replace), StandardCharsets.UTF_8);
        Run run = gitfleet("validate", dir.toString());
        assertEquals(1, run.exit);
        List<String> lines = run.err.lines().toList();
        assertTrue(lines.contains(expected), "expected\n  " + expected + "\nin\n" + run.err);
    }

    @Test
    void serveRefusesHalfATlsPairAndAShortReadTokenBeforeStarting(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        Path cert = Files.writeString(tmp.resolve("tls.crt"), "x");
        Run half = gitfleet("serve", "--repo", tmp.toString(), "--data-dir", tmp.resolve("data").toString(),
                "--tls-cert", cert.toString());
        assertEquals(2, half.exit, half.out + half.err);
        assertTrue(half.err.contains("--tls-cert and --tls-key go together"), half.err);
        Path token = Files.writeString(tmp.resolve("read-token"), "short\n");
        Run shortToken = gitfleet("serve", "--repo", tmp.toString(), "--data-dir", tmp.resolve("data").toString(),
                "--read-token-file", token.toString());
        assertEquals(2, shortToken.exit, shortToken.out + shortToken.err);
        assertTrue(shortToken.err.contains("--read-token-file " + token + ": the token must have at least 16 "
                + "characters"), shortToken.err);
        assertFalse(shortToken.err.contains("short"), "the token is not printed: " + shortToken.err);
    }

    @Test
    void aMalformedAllowedSignersLineIsNamedByFileAndLine() throws IOException {
        Path dir = copy();
        Files.createDirectories(dir.resolve(".gitfleet"));
        Files.writeString(dir.resolve(".gitfleet/allowed_signers"), "# operators\n"
                + "alice@example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk2k6KV6uYQ9aQWmC5hS0ZB6iE3bOe8sX6eCzKp0v0a\n"
                + "bob@example.org ssh-ed25519\n"
                + "carol@example.org valid-after=tomorrow ssh-ed25519 AAAA\n");
        Run run = gitfleet("validate", dir.toString());
        assertEquals(1, run.exit, run.out + run.err);
        assertTrue(run.err.contains(".gitfleet/allowed_signers: line 3: no key after the key type"), run.err);
        assertTrue(run.err.contains(".gitfleet/allowed_signers: line 4: valid-after must be a time like 20250101 or "
                + "202501011200Z"), run.err);
        assertFalse(run.err.contains("line 2"), run.err);
        assertFalse(run.err.contains("Exception") || run.err.contains("\tat "), run.err);
    }

    @Test
    void anUnsafeFileNameIsRefusedByItsName() throws IOException {
        Path dir = copy();
        Files.writeString(dir.resolve("nodes/Bad..Name.yaml"), Files.readString(dir.resolve("nodes/worker-1.yaml")));
        Run run = gitfleet("validate", dir.toString());
        assertEquals(1, run.exit);
        assertTrue(run.err.contains("nodes/Bad..Name.yaml: /metadata/name: is 'worker-1' but must equal the file "
                + "name 'Bad..Name'"), run.err);
    }

    @Test
    void everyCommandAnswersHelp() {
        for (String command : new String[] {"serve", "plan", "validate", "reconcile", "history", "retry"}) {
            Run run = gitfleet(command, "--help");
            assertEquals(0, run.exit, command + ": " + run.err);
            assertTrue(run.out.startsWith("Usage: gitfleet " + command), run.out);
        }
    }

    @Test
    void badUsageExitsTwo() {
        assertEquals(2, gitfleet("validate").exit);
        Run missing = gitfleet("validate", tmp.resolve("nowhere").toString());
        assertEquals(2, missing.exit);
        assertTrue(missing.err.startsWith("gitfleet: "), missing.err);
        assertEquals(2, gitfleet("plan", example().toString(), "-o", "xml").exit);
        assertEquals(2, gitfleet("plan", example().toString(), "--now", "yesterday").exit);
    }

    @Test
    void planShowsOrderWavesAndRefusals() throws IOException {
        Run run = gitfleet("plan", example().toString(), "--now", "2026-11-24T10:00:00Z");
        assertEquals(0, run.exit, run.err);
        List<String> lines = run.out.lines().toList();
        assertTrue(lines.get(0).startsWith("UPGRADE "), run.out);
        assertTrue(run.out.contains("os-1-35           worker-1   worker       v1.34.1   v1.35.1   1 (canary)   Upgrade"),
                run.out);
        assertTrue(run.out.contains("os-1-35           cp-3       controller   v1.34.1   v1.35.1   9            Upgrade"),
                run.out);
        assertTrue(run.out.contains("Blocked   os v1.34.1 does not support kubernetes v1.35.0; upgrade os first"),
                run.out);

        Path observed = tmp.resolve("observed.yaml");
        Files.writeString(observed, "worker-1: {os: v1.36.0-rc.1, kubernetes: v1.35.0}\n");
        Run rejected = gitfleet("plan", example().toString(), "--observed", observed.toString(), "-o", "yaml");
        assertEquals(1, rejected.exit);
        assertTrue(rejected.out.contains("phase: Rejected"), rejected.out);
        assertTrue(rejected.out.contains("worker-1: the node runs os v1.36.0-rc.1; v1.35.1 would be a downgrade"),
                rejected.out);

        Files.writeString(observed, "worker-1: {os: 1.10}\n");
        Run bad = gitfleet("plan", example().toString(), "--observed", observed.toString());
        assertEquals(2, bad.exit);
        assertEquals("gitfleet: " + observed + ": /worker-1/os: must be a version string; quote it\n", bad.err);
    }

    /** A password in --repo never reaches the output, the conditions or the logs: it is used, not shown. */
    @Test
    void aPasswordInTheRepoUrlIsNeverPrinted() {
        Run r = gitfleet("reconcile", "--once", "--repo", "http://ops:S3CRET@127.0.0.1:1/fleet.git", "--data-dir",
                tmp.resolve("data").toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue((r.out() + r.err()).contains("cannot fetch http://ops@127.0.0.1:1/fleet.git"), r.out() + r.err());
        assertFalse((r.out() + r.err()).contains("S3CRET"), r.out() + r.err());
    }

    /** A token file with a line break inside is refused by its name; the token itself is never printed. */
    @Test
    void aTokenFileWithALineBreakIsRefusedWithoutPrintingIt() throws IOException {
        Path token = tmp.resolve("token");
        Files.writeString(token, "ghp_S3CRETPART1\nS3CRETPART2\n");
        Run r = gitfleet("reconcile", "--once", "--repo", "http://127.0.0.1:1/fleet.git", "--token-file",
                token.toString(), "--data-dir", tmp.resolve("data").toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--token-file " + token + ": must hold the secret on one line"), r.err());
        assertFalse((r.out() + r.err()).contains("S3CRET"), r.out() + r.err());
    }

    /** validate and plan read only what is inside the fleet directory: a symbolic link out of it is refused. */
    @Test
    void aSymbolicLinkOutOfTheFleetDirectoryIsRefused() throws IOException {
        Path dir = copy();
        Path outside = tmp.resolve("outside.yaml");
        Files.writeString(outside, "root:S3CRET-HASH:19000:0:99999:7:::\n");
        Files.createSymbolicLink(dir.resolve("nodes/leak.yaml"), outside);
        for (String command : List.of("validate", "plan")) {
            Run r = gitfleet(command, dir.toString());
            assertEquals(2, r.exit(), command + ": " + r.out() + r.err());
            assertTrue(r.err().contains("nodes/leak.yaml is a symbolic link"), r.err());
            assertFalse((r.out() + r.err()).contains("S3CRET"), r.out() + r.err());
        }
    }
}
