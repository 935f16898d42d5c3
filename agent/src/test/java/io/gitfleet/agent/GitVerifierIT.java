package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.agent.git.GitLibraries;
import io.gitfleet.agent.testing.GitVerifierProbe;
import io.gitfleet.agent.testing.SignedFleetRepo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verifyGit against a real bare repository built with the git binary: approved, not approved, disagreeing. */
class GitVerifierIT {
    static final String SHA = "9af3".repeat(16);
    static final String CATALOG = """
                apiVersion: gitfleet.io/v1
                kind: Catalog
                metadata: {name: main}
                spec:
                  component: os
                  channels: {stable: v2.0.0}
                  images:
                    - {version: v2.0.0, url: "https://images.example/os-v2.0.0.img.zst", sha256: %s, size: 4096}
                """.formatted(SHA);
    static final String UPGRADE = """
                apiVersion: gitfleet.io/v1
                kind: Upgrade
                metadata: {name: os-2}
                spec: {component: os, version: stable, catalog: {ref: catalogs/main.yaml}}
                """;

    @TempDir
    Path dir;
    Path work;
    Path bare;
    String approved;
    GitVerifier verifier;

    @BeforeEach
    void fleetRepo() throws Exception {
        bare = dir.resolve("fleet.git");
        work = dir.resolve("work");
        git(dir, "init", "-q", "--bare", "-b", "main", bare.toString());
        git(dir, "clone", "-q", bare.toString(), work.toString());
        write("catalogs/main.yaml", CATALOG);
        write("fleet.yaml", "apiVersion: gitfleet.io/v1\nkind: Fleet\nmetadata: {name: fleet}\nspec: {}\n");
        write("nodes/node-1.yaml", "apiVersion: gitfleet.io/v1\nkind: Node\nmetadata: {name: node-1}\n"
                + "spec: {role: worker}\n");
        write("upgrades/os-2.yaml", UPGRADE);
        approved = commit("approve os-2");
        git(work, "push", "-q", "origin", "HEAD:main");
        verifier = GitVerifier.open(bare.toUri().toString(), "main", dir.resolve("state/fleet.git"),
                dir.resolve("state"), Clock.systemUTC());
    }

    /** The refusal, or empty when approved. */
    static Optional<String> check(GitVerifier verifier, Instruction.Spec spec) {
        return verifier.check("node-1", spec) instanceof GitVerifier.Refused r ? Optional.of(r.reason())
                : Optional.empty();
    }

    Instruction.Spec spec(String commit, String version, String url, String sha, long size) {
        return new Instruction.Spec("os-2", 1, null, Action.INSTALL, "os", version, commit,
                new Instruction.ImageRef(url, sha, size, Map.of()), null, false);
    }

    @Test
    void anInstructionThatMatchesTheApprovedBranchPasses() {
        assertEquals(Optional.empty(), check(verifier, spec(approved, "v2.0.0",
                "https://images.example/os-v2.0.0.img.zst", SHA, 4096)));
    }

    @Test
    void aCommitOffTheApprovedBranchIsRefused() throws Exception {
        git(work, "checkout", "-q", "-b", "proposal");
        write("upgrades/os-2.yaml", "apiVersion: gitfleet.io/v1\nkind: Upgrade\nmetadata: {name: os-2}\n"
                + "spec: {component: os, version: v2.0.0, catalog: {ref: catalogs/main.yaml}, force: true}\n");
        String unmerged = commit("not merged");
        git(work, "push", "-q", "origin", "proposal");
        assertEquals(Optional.of("not approved: commit " + unmerged + " is not on main of " + bare.toUri()),
                check(verifier, spec(unmerged, "v2.0.0", "https://images.example/os-v2.0.0.img.zst", SHA, 4096)));
    }

    @Test
    void anUnknownCommitIsRefused() {
        String made = "1234567890123456789012345678901234567890";
        assertEquals(Optional.of("not approved: commit " + made + " is not on main of " + bare.toUri()),
                check(verifier, spec(made, "v2.0.0", "https://images.example/os-v2.0.0.img.zst", SHA, 4096)));
    }

    @Test
    void aDifferentImageThanTheCatalogIsRefused() {
        Optional<String> r = check(verifier, spec(approved, "v2.0.0", "https://evil.example/os.img.zst", SHA, 4096));
        assertTrue(r.orElseThrow().startsWith("disagrees with Git: the approved catalog at " + approved.substring(0, 12)
                + " has https://images.example/os-v2.0.0.img.zst"), r.orElseThrow());
        assertTrue(check(verifier, spec(approved, "v2.0.0", "https://images.example/os-v2.0.0.img.zst", SHA, 4097))
                .isPresent(), "size must match too");
    }

    @Test
    void aDifferentVersionThanTheManifestIsRefused() {
        assertEquals(Optional.of("disagrees with Git: upgrades/os-2.yaml at " + approved.substring(0, 12)
                        + " targets v2.0.0, the instruction v2.1.0"),
                check(verifier, spec(approved, "v2.1.0", "https://images.example/os-v2.0.0.img.zst", SHA, 4096)));
    }

    @Test
    void aRollbackNeedsTheManifestToAskForIt() {
        Instruction.Spec rollback = new Instruction.Spec("os-2", 2, null, Action.ROLLBACK, "os", "v2.0.0", approved,
                null, null, false);
        assertEquals(Optional.of("disagrees with Git: upgrades/os-2.yaml at " + approved.substring(0, 12)
                + " does not ask for a rollback"), check(verifier, rollback));
    }

    @Test
    void anUnreachableRepositoryFailsClosed() {
        GitVerifier away = GitVerifier.open(dir.resolve("missing.git").toUri().toString(), "main",
                dir.resolve("state/other.git"), dir.resolve("state"), Clock.systemUTC());
        assertTrue(check(away, spec(approved, "v2.0.0", "https://images.example/os-v2.0.0.img.zst", SHA, 4096))
                .orElseThrow().startsWith("cannot verify against "));
    }

    /**
     * As the package runs it: JGit and its libraries in a folder of their own, off the class path, loaded only for
     * the verifier; checked in a process of its own, as the JDK's security providers are shared by a whole JVM.
     */
    @Test
    void jGitFromItsOwnFolderOffTheClassPath() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib-git"));
        List<String> rest = new ArrayList<>();
        for (Path entry : classPath()) {
            String name = entry.getFileName().toString();
            if (name.matches("(org\\.eclipse\\.jgit|bc[a-z]+-jdk|sshd-|JavaEWAH-).*\\.jar")) {
                Path link = lib.resolve(name);
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, entry);
                }
            } else if (!name.matches("(junit|opentest4j|apiguardian|wiremock|awaitility|hamcrest).*")) {
                rest.add(entry.toString());
            }
        }
        assertTrue(Files.list(lib).count() >= 3, "JGit and its libraries found on the test class path");
        // signed commits: the SSH signature verifier is one JGit finds by a service lookup
        SignedFleetRepo signed = SignedFleetRepo.create(dir.resolve("signed"), "", "node-1");
        signed.write("catalogs/main.yaml", CATALOG);
        signed.write("upgrades/os-2.yaml", UPGRADE);
        String head = signed.approve("approve os-2");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + GitLibraries.PROPERTY + "=" + lib, "-cp", String.join(java.io.File.pathSeparator, rest),
                GitVerifierProbe.class.getName(), signed.url(), "", dir.resolve("state-2").toString(), SHA);
        List<String> approvedRun = new ArrayList<>(command);
        approvedRun.set(approvedRun.size() - 3, head);
        assertEquals("Approved[commit=" + head + ", allowDowngrade=false]", lastLine(java(approvedRun)));
        String unsigned = signed.commit("pushed unsigned", false, "main");
        List<String> unsignedRun = new ArrayList<>(command);
        unsignedRun.set(unsignedRun.size() - 3, unsigned);
        String refused = lastLine(java(unsignedRun));
        assertTrue(refused.startsWith("Refused[reason=not approved: commit " + unsigned + " is not on main")
                && refused.endsWith("up to " + head + ", its newest approved commit]"),
                "the unsigned commit stops the chain: " + refused);
        List<String> noJgit = new ArrayList<>(command);
        noJgit.set(1, "-Dnone");
        noJgit.set(noJgit.size() - 3, head);
        assertTrue(java(noJgit).contains("NoClassDefFoundError: org/eclipse/jgit"),
                "without the folder, the agent's class path has no JGit");
    }

    static String lastLine(String output) {
        return output.substring(output.lastIndexOf('\n') + 1);
    }

    /** What the process printed, its log lines (stderr) included: the verdict comes last. */
    static String java(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out;
    }

    /** The test's class path, with a manifest-only jar (how the test runner starts a JVM) expanded. */
    static List<Path> classPath() throws Exception {
        List<Path> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            out.add(p);
            if (entry.endsWith(".jar")) {
                try (JarFile jar = new JarFile(p.toFile())) {
                    Manifest m = jar.getManifest();
                    String more = m == null ? null : m.getMainAttributes().getValue("Class-Path");
                    for (String u : more == null ? new String[0] : more.trim().split("\\s+")) {
                        out.add(Path.of(p.getParent().toUri().resolve(u)));
                    }
                }
            }
        }
        return out.stream().filter(Files::exists).distinct().toList();
    }

    void write(String path, String text) throws Exception {
        Path file = work.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    String commit(String message) throws Exception {
        git(work, "add", "-A");
        git(work, "-c", "user.name=Ops", "-c", "user.email=ops@example.org", "commit", "-q", "-m", message);
        return git(work, "rev-parse", "HEAD").strip();
    }

    static String git(Path cwd, String... args) throws Exception {
        var argv = new java.util.ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "git " + String.join(" ", args) + ": " + out);
        return out;
    }

    @Test
    void aPinnedUrlCatalogIsFetchedCheckedAndKeptByItsDigest() throws Exception {
        String body = """
                apiVersion: gitfleet.io/v1
                kind: Catalog
                metadata: {name: remote}
                spec:
                  component: os
                  images:
                    - {version: v2.0.0, url: "https://images.example/os-v2.0.0.img.zst", sha256: %s, size: 4096}
                """.formatted(SHA);
        byte[][] served = {"not the approved catalog".getBytes(StandardCharsets.UTF_8)};
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/os.yaml", ex -> {
            ex.sendResponseHeaders(200, served[0].length);
            ex.getResponseBody().write(served[0]);
            ex.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/os.yaml";
            String pin = io.gitfleet.approval.CatalogPin.sha256(body.getBytes(StandardCharsets.UTF_8));
            write("upgrades/os-2.yaml", "apiVersion: gitfleet.io/v1\nkind: Upgrade\nmetadata: {name: os-2}\n"
                    + "spec: {component: os, version: v2.0.0, catalog: {url: \"" + url + "\", sha256: " + pin + "}}\n");
            String pinned = commit("pin a url catalog");
            git(work, "push", "-q", "origin", "HEAD:main");
            Instruction.Spec good = spec(pinned, "v2.0.0", "https://images.example/os-v2.0.0.img.zst", SHA, 4096);

            assertEquals(Optional.of("cannot verify: the catalog " + url + " pinned by upgrades/os-2.yaml at "
                    + pinned.substring(0, 12) + ": content sha256 " + io.gitfleet.approval.CatalogPin.sha256(served[0])
                    + " does not match the pinned sha256 " + pin), check(verifier, good));
            served[0] = body.getBytes(StandardCharsets.UTF_8);
            assertEquals(Optional.empty(), check(verifier, good));
            server.stop(0);
            assertEquals(Optional.empty(), check(verifier, good), "kept by digest: the host is not asked again");
            assertTrue(check(verifier, spec(pinned, "v2.0.0", "https://evil.example/os.img.zst", SHA, 4096))
                    .orElseThrow().startsWith("disagrees with Git: the approved catalog at "));
        } finally {
            server.stop(0);
        }
    }
}
