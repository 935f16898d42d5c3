package io.gitfleet.reconciler.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Ref locks left by a process that died while it updated a ref. Git takes {@code REF.lock} (and
 * {@code packed-refs.lock}) for the milliseconds of one update and never removes a stale one itself: it refuses
 * every later update of that ref until someone does. A reconciler killed at that moment would leave its mirror's
 * status branch or lease, or a plain-path remote's (whose receive-pack runs in the reconciler's process),
 * unwritable for good. A lock older than {@link #STALE} is removed, with a warning.
 */
public final class StaleLocks {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StaleLocks.class);
    /** Far longer than any ref update holds its lock, even on a loaded machine. */
    public static final Duration STALE = Duration.ofSeconds(60);

    private StaleLocks() {
    }

    /** Removes the lock of {@code ref} and that of the packed refs in {@code gitDir} when stale; true if any. */
    public static boolean clear(Path gitDir, String ref) {
        boolean cleared = false;
        for (String name : List.of(ref + ".lock", "packed-refs.lock")) {
            cleared |= clearIfStale(gitDir.resolve(name), STALE);
        }
        return cleared;
    }

    /**
     * Every ref lock in {@code gitDir} older than {@code olderThan}; how many were removed. A server clears its own
     * mirror this way at start, whatever the locks' age: the data directory is one server's, so any lock there was
     * left by the process before it.
     */
    public static int clearAll(Path gitDir, Duration olderThan) {
        int cleared = clearIfStale(gitDir.resolve("packed-refs.lock"), olderThan) ? 1 : 0;
        Path refs = gitDir.resolve("refs");
        if (!Files.isDirectory(refs)) {
            return cleared;
        }
        try (Stream<Path> files = Files.walk(refs)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(".lock"))::iterator) {
                cleared += clearIfStale(p, olderThan) ? 1 : 0;
            }
        } catch (IOException e) {
            LOG.warn("cannot look for stale ref locks in {}: {}", refs, e.toString());
        }
        return cleared;
    }

    private static boolean clearIfStale(Path lock, Duration olderThan) {
        try {
            Duration age = Duration.between(Files.getLastModifiedTime(lock).toInstant(), Instant.now());
            if (age.compareTo(olderThan) >= 0 && Files.deleteIfExists(lock)) {
                LOG.warn("removed {}: a ref lock {} s old, left by a process that died while it updated the ref",
                        lock, age.toSeconds());
                return true;
            }
        } catch (NoSuchFileException e) {
            // no lock: nothing to clear
        } catch (IOException e) {
            LOG.warn("cannot check {} for a stale lock: {}", lock, e.toString());
        }
        return false;
    }
}
