package io.gitfleet.reconciler.cli;

import io.gitfleet.schema.FleetLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A fleet repo's working directory as repo path → bytes: the same input a commit gives the loader. */
public final class FleetDirectory {
    private FleetDirectory() {
    }

    public static Map<String, byte[]> read(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new UsageException(root + " is not a directory");
        }
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (!rel.startsWith(".git/") && FleetLoader.isFleetPath(rel)) {
                    files.put(rel, Files.readAllBytes(p));
                }
            }
        }
        return files;
    }
}
