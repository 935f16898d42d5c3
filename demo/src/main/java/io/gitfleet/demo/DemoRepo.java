package io.gitfleet.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The demo's fleet repo: a bare repo (the forge) holding the example fleet without its OS upgrade, and a work
 * clone where the operator makes changes on branches and merges them, with the git CLI.
 */
public final class DemoRepo {
    static final String UPGRADE = "upgrades/os-1-35.yaml";

    public final Path bare;
    public final Path work;
    private final String upgradeText;

    private DemoRepo(Path bare, Path work, String upgradeText) {
        this.bare = bare;
        this.work = work;
        this.upgradeText = upgradeText;
    }

    public static DemoRepo create(Path root, Path example, DemoImages.Image from, DemoImages.Image to, ImageServer images)
            throws IOException {
        Path bare = root.resolve("fleet.git");
        Path work = root.resolve("work");
        copyTree(example, work);
        String upgrade = Files.readString(work.resolve(UPGRADE));
        Files.delete(work.resolve(UPGRADE));
        Path catalog = work.resolve("catalogs/os.yaml");
        String text = Files.readString(catalog);
        for (DemoImages.Image image : List.of(from, to)) {
            text = pointAt(text, image, images.url(image.fileName()));
        }
        Files.writeString(catalog, text, StandardCharsets.UTF_8);
        git(root, "init", "-q", "--bare", "-b", "main", bare.toString());
        git(work, "init", "-q", "-b", "main");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "The example fleet, its OS images served on this machine");
        git(work, "remote", "add", "origin", bare.toString());
        git(work, "push", "-q", "origin", "main");
        return new DemoRepo(bare, work, upgrade);
    }

    /** Rewrites one image entry of the catalog to the demo's generated file. */
    private static String pointAt(String catalog, DemoImages.Image image, String url) {
        String marker = "- version: " + image.version() + "\n";
        int at = catalog.indexOf(marker);
        if (at < 0) {
            throw new IllegalStateException("the example OS catalog has no " + image.version());
        }
        int end = catalog.indexOf("\n    - version:", at + marker.length());
        end = end < 0 ? catalog.indexOf("\n  blocked:", at) : end;
        String entry = catalog.substring(at, end);
        String updated = entry.replaceAll("url: .*", "url: " + url)
                .replaceAll("sha256: .*", "sha256: " + image.sha256())
                .replaceAll("size: .*", "size: " + image.size());
        return catalog.substring(0, at) + updated + catalog.substring(end);
    }

    /** Pushes a branch that adds the OS upgrade; returns its head. */
    public String proposeUpgrade(String branch) throws IOException {
        git(work, "checkout", "-q", "-b", branch, "main");
        Files.writeString(work.resolve(UPGRADE), upgradeText, StandardCharsets.UTF_8);
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "Upgrade the OS to the stable channel (v1.35.1)");
        git(work, "push", "-q", "origin", branch);
        return git(work, "rev-parse", "HEAD").strip();
    }

    /** Merges a branch into main with a merge commit, as a forge's merge button does; returns main's head. */
    public String merge(String branch, String title) throws IOException {
        git(work, "checkout", "-q", "main");
        git(work, "merge", "-q", "--no-ff", "-m", title, branch);
        git(work, "push", "-q", "origin", "main");
        return git(work, "rev-parse", "HEAD").strip();
    }

    /** Replaces the one line of the manifest that reads {@code line} (comments never match), on a branch, merged. */
    public String change(String branch, String title, String line, String replacement) throws IOException {
        git(work, "checkout", "-q", "-b", branch, "main");
        Path file = work.resolve(UPGRADE);
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        int at = lines.indexOf(line);
        if (at < 0) {
            throw new IllegalStateException(UPGRADE + " has no line '" + line + "'");
        }
        lines.set(at, replacement);
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        git(work, "commit", "-q", "-am", title);
        return merge(branch, "Merge branch '" + branch + "': " + title);
    }

    /** Writes (or, with null content, deletes) files on a new branch and merges it; returns main's head. */
    public String commitFiles(String branch, String title, java.util.Map<String, String> files) throws IOException {
        git(work, "checkout", "-q", "-b", branch, "main");
        for (java.util.Map.Entry<String, String> f : files.entrySet()) {
            Path file = work.resolve(f.getKey());
            if (f.getValue() == null) {
                git(work, "rm", "-q", f.getKey());
            } else {
                Files.createDirectories(file.getParent());
                Files.writeString(file, f.getValue(), StandardCharsets.UTF_8);
                git(work, "add", f.getKey());
            }
        }
        git(work, "commit", "-q", "-m", title);
        return merge(branch, "Merge branch '" + branch + "': " + title);
    }

    String statusLog() throws IOException {
        return git(bare, "log", "--oneline", "gitfleet/status");
    }

    public static String git(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Demo Operator", "-c",
                "user.email=operator@example.net", "-c", "commit.gpgsign=false"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException("git " + String.join(" ", args) + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out;
    }

    private static void copyTree(Path from, Path to) throws IOException {
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
