package io.gitfleet.agent.state;

import io.gitfleet.schema.Documents;
import io.gitfleet.version.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.core.type.TypeReference;

/**
 * The highest version this node installed, per component, in {@code STATE_DIR/highest-versions.json}: its own
 * small file, replaced atomically, so that losing or repairing {@code state.json} does not lower it. A verifying
 * agent refuses to install below it unless the approved manifest sets {@code allowDowngrade}. An unreadable file
 * is an error, never an empty record: forgetting would re-open the downgrade it exists to close.
 */
public final class VersionRatchet {
    public static final String FILE = "highest-versions.json";

    private final Path file;

    public VersionRatchet(Path stateDir) {
        this.file = stateDir.resolve(FILE);
    }

    public Path file() {
        return file;
    }

    /** Component → highest version installed; empty when nothing was recorded yet. */
    public Map<String, String> load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        try {
            Map<String, String> m = Documents.MAPPER.readValue(bytes, new TypeReference<Map<String, String>>() {
            });
            return m == null ? Map.of() : m;
        } catch (RuntimeException e) {
            throw new IOException("the version record " + file + " is unreadable, so downgrades cannot be ruled out;"
                    + " repair or remove it", e);
        }
    }

    /** Raises the record for {@code component} to {@code version} when that is higher (or the first). */
    public synchronized void record(String component, String version) throws IOException {
        Optional<Version> v = Version.tryParse(version);
        if (v.isEmpty()) {
            return;
        }
        Map<String, String> m = new TreeMap<>(load());
        Optional<Version> was = Version.tryParse(m.get(component));
        if (was.isPresent() && was.get().compareTo(v.get()) >= 0) {
            return;
        }
        m.put(component, version);
        AtomicFile.write(file, Documents.toJsonBytes(m));
    }

    /**
     * Pure: why installing {@code target} would be a downgrade, or empty.
     *
     * @param highest the recorded highest version (or null), {@code current} what the node runs now (or null)
     */
    public static Optional<String> refusal(String component, String target, String highest, String current,
                                           boolean allowDowngrade) {
        if (allowDowngrade) {
            return Optional.empty();
        }
        Optional<Version> to = Version.tryParse(target);
        if (to.isEmpty()) {
            return Optional.of(component + " " + target + " is not a version this node can compare, so it cannot"
                    + " rule out a downgrade");
        }
        for (String floor : new String[] {highest, current}) {
            Optional<Version> f = Version.tryParse(floor);
            if (f.isPresent() && to.get().compareTo(f.get()) < 0) {
                String what = floor == highest ? "the highest version this node installed"
                        : "the version this node runs";
                return Optional.of("refusing a downgrade: " + component + " " + target + " is older than " + floor
                        + ", " + what + ", and the approved manifest does not set allowDowngrade");
            }
        }
        return Optional.empty();
    }
}
