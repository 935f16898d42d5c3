package io.gitfleet.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.LoadedFleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fleet loaded through the cache is the fleet loaded from scratch, and only changed files are parsed again. */
class ReadCacheTest {
    @TempDir
    Path dir;

    @Test
    void aNewCommitParsesOnlyWhatItChanged() throws Exception {
        Path work = dir.resolve("fleet");
        copy(Path.of("..", "example-fleet-repo"), work);
        git(work, "init", "-q", "-b", "main");
        ObjectId first = commit(work, "the example fleet");
        try (Repository repo = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build()) {
            ReadCache cache = new ReadCache();
            LoadedFleet a = CommitFiles.load(repo, first, cache);
            assertEquals(fromScratch(repo, first), a);
            long all = cache.misses();
            assertEquals(fleetFiles(work), all, "the first load parses every document");

            // one node changed, one added, one removed, one copied under another name (wrong name inside)
            Path nodes = work.resolve("nodes");
            Files.writeString(nodes.resolve("worker-1.yaml"), Files.readString(nodes.resolve("worker-1.yaml"))
                    .replace("zone: a", "zone: c").replace("zone: b", "zone: c"));
            Files.writeString(nodes.resolve("worker-7.yaml"), Files.readString(nodes.resolve("worker-6.yaml"))
                    .replace("name: worker-6", "name: worker-7"));
            Files.delete(nodes.resolve("worker-2.yaml"));
            Files.copy(nodes.resolve("cp-1.yaml"), nodes.resolve("cp-9.yaml"));
            ObjectId second = commit(work, "three nodes");
            LoadedFleet b = CommitFiles.load(repo, second, cache);
            assertEquals(fromScratch(repo, second), b);
            assertEquals(all + 3, cache.misses(), "worker-1, worker-7 and cp-9 are parsed; the rest is reused");
            assertTrue(b.problems().stream().anyMatch(p -> p.file().equals("nodes/cp-9.yaml")),
                    "the same bytes under another name are read for that name: " + b.problems());
            assertTrue(!b.nodes().containsKey("worker-2") && b.nodes().containsKey("worker-7"));

            // going back reads again what the cache no longer holds (it keeps one commit's files)
            assertEquals(a, CommitFiles.load(repo, first, cache));
            assertEquals(all + 3 + 2, cache.misses(), "worker-1 and worker-2 as they were");
        }
    }

    /** The fleet read from every file's bytes at once, without the cache's path. */
    private static LoadedFleet fromScratch(Repository repo, ObjectId commit) throws IOException {
        java.util.Map<String, Long> tooLarge = new java.util.TreeMap<>();
        return io.gitfleet.schema.FleetLoader.load(CommitFiles.files(repo, commit, tooLarge), tooLarge);
    }

    private static long fleetFiles(Path work) throws IOException {
        try (Stream<Path> files = Files.walk(work)) {
            return files.filter(p -> !p.startsWith(work.resolve(".git")) && p.toString().endsWith(".yaml")).count();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static ObjectId commit(Path work, String message) throws Exception {
        git(work, "add", "-A");
        git(work, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", message);
        return ObjectId.fromString(git(work, "rev-parse", "HEAD").trim());
    }

    private static String git(Path work, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", work.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
