package io.gitfleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The benchmarks' working folder: their bare repos hold hundreds of MB of loose objects, so it goes when the run
 * ends, unless {@code -Dgitfleet.bench.keep=true} keeps it for a look.
 */
public final class Scratch {
    private Scratch() {
    }

    public static Path create() throws IOException {
        return Files.createTempDirectory("gitfleet-bench");
    }

    /** Deletes {@code root} and everything under it, or says where it was kept. */
    public static void remove(Path root) throws IOException {
        if (Boolean.getBoolean("gitfleet.bench.keep")) {
            System.out.println("kept " + root + " (-Dgitfleet.bench.keep=true)");
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
