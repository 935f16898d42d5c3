package io.gitfleet.reconciler.cli;

import io.gitfleet.schema.FleetLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A fleet repo's working directory as repo path → bytes: the same input a commit gives the loader. Symbolic links
 * are refused: followed, a link such as {@code nodes/x.yaml -> /etc/shadow} would read (and show in problems) a file
 * outside the fleet directory, and a commit holds a link's target path, not the linked file.
 */
public final class FleetDirectory {
    private FleetDirectory() {
    }

    public static Map<String, byte[]> read(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new UsageException(root + " is not a directory");
        }
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (rel.startsWith(".git/") || !FleetLoader.isFleetPath(rel)) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    throw new UsageException(rel + " is a symbolic link (to " + Files.readSymbolicLink(p)
                            + "); fleet files must be regular files inside the fleet directory");
                }
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    files.put(rel, Files.readAllBytes(p));
                }
            }
        }
        return files;
    }
}
