package io.gitfleet.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The example fleet repo's files as repo path → bytes, the way a commit hands them to the loader. */
public final class ExampleFleet {
    private ExampleFleet() {
    }

    public static Path dir() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("example-fleet-repo"))) {
                return p.resolve("example-fleet-repo");
            }
        }
        throw new IllegalStateException("example-fleet-repo not found above " + here);
    }

    public static Map<String, byte[]> files() {
        Path root = dir();
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
