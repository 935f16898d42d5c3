package io.gitfleet.reconciler.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Fleet repos for tests, made with the git CLI: a bare "forge" repo holding the example fleet on {@code main},
 * and a work clone in which changes arrive as merge commits from branches, as a forge's merge button makes them.
 */
public final class FleetRepos {
    public final Path bare;
    public final GitCli work;

    private FleetRepos(Path bare, GitCli work) {
        this.bare = bare;
        this.work = work;
    }

    public static Path exampleFleet() {
        for (Path p : new Path[] {Path.of("..", "example-fleet-repo"), Path.of("example-fleet-repo")}) {
            if (Files.isRegularFile(p.resolve("fleet.yaml"))) {
                return p;
            }
        }
        throw new AssertionError("example-fleet-repo not found from " + Path.of("").toAbsolutePath());
    }

    /** {@code root/fleet.git} (bare) with the example fleet committed on main, and {@code root/work}. */
    public static FleetRepos create(Path root) throws IOException {
        Path bare = root.resolve("fleet.git");
        Path workDir = root.resolve("work");
        Files.createDirectories(bare);
        new GitCli(bare).run("init", "-q", "--bare", "-b", "main");
        Files.createDirectories(workDir);
        GitCli work = new GitCli(workDir);
        work.run("init", "-q", "-b", "main");
        copyTree(exampleFleet(), workDir);
        work.run("add", "-A");
        work.run("commit", "-q", "-m", "The example fleet");
        work.run("remote", "add", "origin", bare.toString());
        work.run("push", "-q", "origin", "main");
        return new FleetRepos(bare, work);
    }

    /** Edits a file on a new branch and merges it into main with {@code --no-ff}; returns main's new head. */
    public String mergeChange(String branch, String path, String content, String... commitArgs) throws IOException {
        work.run("checkout", "-q", "-b", branch, "main");
        Path file = work.dir().resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        work.run("add", "-A");
        work.run(concat(new String[] {"commit", "-q", "-m", "Change " + path}, commitArgs));
        work.run("checkout", "-q", "main");
        work.run(concat(new String[] {"merge", "-q", "--no-ff", "-m", "Merge branch '" + branch + "'", branch},
                commitArgs));
        work.run("push", "-q", "origin", "main");
        return work.run("rev-parse", "main");
    }

    public String read(String path) throws IOException {
        return Files.readString(work.dir().resolve(path));
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
