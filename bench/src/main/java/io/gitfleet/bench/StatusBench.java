package io.gitfleet.bench;

import io.gitfleet.reconciler.store.CommitStatusCommand;
import io.gitfleet.reconciler.store.StatusPaths;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusUpdate;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The status-branch benchmark (not a test): a commit of 10 changed node files into 1,000 / 10,000 / 100,000-node
 * trees by gitfleet, against the git CLI doing the same with plumbing on a temporary index, timed in interleaved
 * rounds (one commit of each per round, medians reported); and the branch's size
 * after 1,000 such commits, before and after {@code git gc}. Run by {@code bench/status-bench.sh}.
 */
public final class StatusBench {
    private static final int CHANGED = 10;

    private StatusBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Scratch.create();
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int history = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        System.out.println("gitfleet status-branch benchmark in " + root + " (median of " + reps
                + " interleaved rounds)");
        try {
            run(root, reps, history);
        } finally {
            Scratch.remove(root);
        }
    }

    private static final int WARMUP_ROUNDS = 3;

    private static void run(Path root, int reps, int history) throws Exception {
        // warm the JIT on a throw-away repo, so the first measured size is not the slowest for that reason
        Files.createDirectories(root);
        try (Repository warm = seeded(root.resolve("warmup-1000.git"), 1_000)) {
            StatusStore store = new StatusStore(warm, StatusStore.DEFAULT_BRANCH, null);
            for (int r = 1; r <= 200; r++) {
                gitfleetCommit(store, 1_000, r);
            }
        }
        int[] sizes = {1_000, 10_000, 100_000};
        List<Repository> repos = new ArrayList<>();
        Path cli = root.resolve("cli-10000.git");
        seeded(cli, 10_000).close();
        try {
            List<StatusStore> stores = new ArrayList<>();
            for (int size : sizes) {
                Repository repo = seeded(root.resolve("gitfleet-" + size + ".git"), size);
                repos.add(repo);
                stores.add(new StatusStore(repo, StatusStore.DEFAULT_BRANCH, null));
            }
            // round-robin: one commit of each size per round, so that a busy moment of a shared machine hits every
            // size alike; the first rounds warm up and are not counted
            List<List<Long>> times = new ArrayList<>();
            for (int k = 0; k <= sizes.length; k++) {
                times.add(new ArrayList<>());
            }
            for (int r = 0; r < reps + WARMUP_ROUNDS; r++) {
                int gen = r + 1;
                for (int k = 0; k < sizes.length; k++) {
                    long t = gitfleetCommit(stores.get(k), sizes[k], gen);
                    if (r >= WARMUP_ROUNDS) {
                        times.get(k).add(t);
                    }
                }
                long t = gitCliCommit(root, cli, 10_000, gen);
                if (r >= WARMUP_ROUNDS) {
                    times.get(sizes.length).add(t);
                }
            }
            double g1k = median(times.get(0));
            double g10k = median(times.get(1));
            double g100k = median(times.get(2));
            double c10k = median(times.get(3));
            System.out.printf("commit of %d changed nodes, median of %d interleaved rounds, ms: gitfleet 1k %.2f, "
                    + "10k %.2f, 100k %.2f; git CLI 10k %.2f (load average %s)%n", CHANGED, reps, g1k, g10k, g100k,
                    c10k, ServerBenchmark.loadAverage());
            System.out.printf("ratio gitfleet/git CLI at 10k nodes: %.2fx (target <= 1.0x): %s%n", g10k / c10k,
                    g10k / c10k <= 1.0 ? "PASS" : "FAIL");
            System.out.printf("ratio gitfleet 100k/1k nodes: %.2fx (target <= 2x): %s%n", g100k / g1k,
                    g100k / g1k <= 2.0 ? "PASS" : "FAIL");
        } finally {
            repos.forEach(Repository::close);
        }
        size(root, 10_000, history);
    }

    private static byte[] nodeFile(String name, int generation) {
        return Documents.toYaml(nodeDoc(name, generation)).getBytes(StandardCharsets.UTF_8);
    }

    private static NodeStatus nodeDoc(String name, int generation) {
        return NodeStatus.of(name, new NodeStatus.State(Map.of("os", "v1.35." + (generation % 50),
                "kubernetes", "v1.34.1"), new Report.Slots("a", "a", null, null, null), new Report.Health(true, null),
                new Report.Task("os-1-35", 1, null, "v1.35.1", NodePhase.values()[generation % 12], null, null, null,
                        null), null, Instant.ofEpochSecond(1_780_000_000L + generation)));
    }

    /** A bare repo whose status branch holds {@code nodes} node files, written in one commit. */
    private static Repository seeded(Path dir, int nodes) throws IOException {
        new ProcessBuilder("git", "init", "-q", "--bare", dir.toString()).inheritIO().start().onExit().join();
        Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
        Map<String, byte[]> files = new TreeMap<>();
        for (int i = 0; i < nodes; i++) {
            String name = "node-" + i;
            files.put(StatusPaths.node(name), nodeFile(name, 0));
        }
        new CommitStatusCommand(repo).setBranch("refs/heads/gitfleet/status").setExpectedOld(null).setChanges(files)
                .setMessage("seed\n").setIdent(StatusStore.DEFAULT_IDENT).call();
        return repo;
    }

    /** One timed commit by gitfleet of {@link #CHANGED} node files of generation {@code gen}; nanoseconds. */
    private static long gitfleetCommit(StatusStore store, int nodes, int gen) throws IOException {
        long t0 = System.nanoTime();
        store.update(view -> {
            StatusUpdate u = new StatusUpdate();
            for (int k = 0; k < CHANGED; k++) {
                u.put(nodeDoc("node-" + ((gen * 7919 + k * 104729) % nodes), gen));
            }
            return u;
        });
        return System.nanoTime() - t0;
    }

    /** The same commit by the git CLI's plumbing on a temporary index; nanoseconds (writing the inputs not counted). */
    private static long gitCliCommit(Path root, Path dir, int nodes, int gen) throws Exception {
        Path index = root.resolve("cli-index");
        List<Path> blobs = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (int k = 0; k < CHANGED; k++) {
            String name = "node-" + ((gen * 7919 + k * 104729) % nodes);
            Path f = root.resolve("blob-" + k);
            Files.write(f, nodeFile(name, gen));
            blobs.add(f);
            paths.add(StatusPaths.node(name));
        }
        long t0 = System.nanoTime();
        Files.deleteIfExists(index);
        String old = run(dir, index, null, "rev-parse", "gitfleet/status");
        run(dir, index, null, "read-tree", old);
        String[] ids = run(dir, index, String.join("\n", blobs.stream().map(Path::toString).toList()) + "\n",
                "hash-object", "-w", "--stdin-paths").split("\n");
        StringBuilder info = new StringBuilder();
        for (int k = 0; k < CHANGED; k++) {
            info.append("100644 ").append(ids[k]).append('\t').append(paths.get(k)).append('\n');
        }
        run(dir, index, info.toString(), "update-index", "--index-info");
        String tree = run(dir, index, null, "write-tree");
        String commit = run(dir, index, "bench\n", "commit-tree", tree, "-p", old);
        run(dir, index, null, "update-ref", "refs/heads/gitfleet/status", commit, old);
        return System.nanoTime() - t0;
    }

    private static void size(Path root, int nodes, int commits) throws Exception {
        Path dir = root.resolve("size-" + nodes + ".git");
        try (Repository repo = seeded(dir, nodes)) {
            StatusStore store = new StatusStore(repo, StatusStore.DEFAULT_BRANCH, null);
            String before = countObjects(dir);
            long t0 = System.nanoTime();
            for (int c = 1; c <= commits; c++) {
                int gen = c;
                store.update(view -> {
                    StatusUpdate u = new StatusUpdate();
                    for (int k = 0; k < CHANGED; k++) {
                        u.put(nodeDoc("node-" + ((gen * 7919 + k * 104729) % nodes), gen));
                    }
                    return u;
                });
            }
            double ms = (System.nanoTime() - t0) / 1e6 / commits;
            System.out.printf("%d commits of %d changed nodes in a %d-node tree: %.1f ms a commit%n", commits,
                    CHANGED, nodes, ms);
            System.out.println("  seeded:          " + before);
            System.out.println("  after commits:   " + countObjects(dir));
            run(dir, null, null, "gc", "-q");
            System.out.println("  after git gc:    " + countObjects(dir));
        }
    }

    private static String countObjects(Path dir) throws Exception {
        String[] lines = run(dir, null, null, "count-objects", "-v").split("\n");
        Map<String, String> v = new TreeMap<>();
        for (String l : lines) {
            String[] kv = l.split(": ");
            v.put(kv[0], kv[1]);
        }
        return String.format("loose %s objects %.1f MB, packs %.1f MB", v.get("count"),
                Long.parseLong(v.get("size")) / 1024.0, Long.parseLong(v.get("size-pack")) / 1024.0);
    }

    private static String run(Path dir, Path index, String input, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("git", "--git-dir=" + dir));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        pb.environment().put("GIT_AUTHOR_NAME", "gitfleet");
        pb.environment().put("GIT_AUTHOR_EMAIL", "gitfleet@localhost");
        pb.environment().put("GIT_COMMITTER_NAME", "gitfleet");
        pb.environment().put("GIT_COMMITTER_EMAIL", "gitfleet@localhost");
        if (index != null) {
            pb.environment().put("GIT_INDEX_FILE", index.toString());
        }
        Process p = pb.start();
        if (input != null) {
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("git " + String.join(" ", args) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2) / 1e6;
    }
}
