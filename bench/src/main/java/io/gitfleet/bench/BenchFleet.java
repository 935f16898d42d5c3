package io.gitfleet.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/** A synthetic fleet repo made with the git CLI: N worker nodes with bench tokens, one OS catalog. */
final class BenchFleet {
    final Path bare;
    final Path work;
    final int nodes;

    private BenchFleet(Path bare, Path work, int nodes) {
        this.bare = bare;
        this.work = work;
        this.nodes = nodes;
    }

    static String name(int i) {
        return String.format("node-%05d", i);
    }

    static String token(String node) {
        return "bench-token-" + node;
    }

    static BenchFleet create(Path root, int nodes) throws Exception {
        Path work = root.resolve("work");
        Path bare = root.resolve("fleet.git");
        Files.createDirectories(work.resolve("nodes"));
        Files.createDirectories(work.resolve("catalogs"));
        Files.createDirectories(work.resolve("upgrades"));
        write(work.resolve("fleet.yaml"), """
                apiVersion: gitfleet.io/v1
                kind: Fleet
                metadata: {name: fleet}
                spec:
                  nodeTimeout: 30m
                  silentAfter: 10m
                """);
        write(work.resolve("catalogs/os.yaml"), """
                apiVersion: gitfleet.io/v1
                kind: Catalog
                metadata: {name: os}
                spec:
                  component: os
                  channels: {stable: v1.35.1}
                  images:
                    - {version: v1.34.1, url: "http://127.0.0.1/os-v1.34.1.img.zst", sha256: %s, size: 1073741824}
                    - {version: v1.35.1, url: "http://127.0.0.1/os-v1.35.1.img.zst", sha256: %s, size: 1073741824}
                """.formatted("ab".repeat(32), "cd".repeat(32)));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < nodes; i++) {
            String n = name(i);
            String digest = HexFormat.of().formatHex(sha.digest(token(n).getBytes(StandardCharsets.UTF_8)));
            write(work.resolve("nodes/" + n + ".yaml"), "apiVersion: gitfleet.io/v1\nkind: Node\nmetadata: {name: " + n
                    + "}\nspec: {role: worker, datacenter: dc" + (i % 4) + ", tokenSha256: " + digest + "}\n");
        }
        git(root, "init", "-q", "--bare", "-b", "main", bare.toString());
        git(work, "init", "-q", "-b", "main");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "A fleet of " + nodes + " nodes");
        git(work, "push", "-q", bare.toString(), "main");
        return new BenchFleet(bare, work, nodes);
    }

    /** Commits an upgrade of every node to v1.35.1 with no disruption limit; returns the new head. */
    String mergeUpgrade() throws Exception {
        return mergeUpgrade("os-all", "stable", "Upgrade every node to the stable OS");
    }

    /**
     * Commits another upgrade of every node, {@code upgrade} to {@code version} (added to the catalog in the same
     * commit), for a fleet that finished the one before; returns the new head.
     */
    String mergeNextUpgrade(String upgrade, String version) throws Exception {
        Path catalog = work.resolve("catalogs/os.yaml");
        write(catalog, Files.readString(catalog, StandardCharsets.UTF_8)
                + "    - {version: %s, url: \"http://127.0.0.1/os-%s.img.zst\", sha256: %s, size: 1073741824}\n"
                .formatted(version, version, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(version.getBytes(StandardCharsets.UTF_8)))));
        return mergeUpgrade(upgrade, version, "Upgrade every node to " + version);
    }

    /** Commits and pushes an upgrade of every node with no disruption limit, with what else the work tree holds. */
    private String mergeUpgrade(String upgrade, String version, String message) throws Exception {
        write(work.resolve("upgrades/" + upgrade + ".yaml"), """
                apiVersion: gitfleet.io/v1
                kind: Upgrade
                metadata: {name: %s}
                spec:
                  version: %s
                  catalog: {ref: catalogs/os.yaml}
                  strategy: {maxUnavailable: 0}
                """.formatted(upgrade, version));
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", message);
        git(work, "push", "-q", bare.toString(), "main");
        return git(work, "rev-parse", "HEAD").strip();
    }

    /** The phase the status branch records for {@code upgrade}, or "" while it records none. */
    String upgradePhase(String upgrade) throws Exception {
        Process p = new ProcessBuilder("git", "--git-dir=" + bare, "show",
                io.gitfleet.reconciler.store.StatusStore.DEFAULT_BRANCH + ":"
                        + io.gitfleet.reconciler.store.StatusPaths.UPGRADES + "/" + upgrade + ".yaml")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^  phase: (\\w+)$").matcher(text);
        return m.find() ? m.group(1) : "";
    }

    /** How many node status files the server has pushed to the fleet repo's status branch (0 before the first). */
    long recordedNodes() throws Exception {
        Process p = new ProcessBuilder("git", "--git-dir=" + bare, "ls-tree", "-r", "--name-only",
                "refs/heads/" + io.gitfleet.reconciler.store.StatusStore.DEFAULT_BRANCH, "--",
                io.gitfleet.reconciler.store.StatusPaths.NODES).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long n;
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8)).lines()) {
            n = lines.filter(l -> l.endsWith(".yaml")).count();
        }
        p.waitFor();
        return n;
    }

    private static void write(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    static String git(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-c", "user.name=bench", "-c",
                "user.email=bench@localhost"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("git " + String.join(" ", args) + ": " + out);
        }
        return out;
    }
}
