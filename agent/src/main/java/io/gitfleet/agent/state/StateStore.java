package io.gitfleet.agent.state;

import io.gitfleet.schema.Documents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code STATE_DIR/state.json}, replaced atomically and durably on every save. The save before it stays as
 * {@code state.json.prev} (a hard link to the replaced file, so no byte is copied): a {@code state.json} found
 * unreadable is set aside and the agent resumes from the previous save, as after a crash just before the last
 * transition, instead of forgetting the versions that failed to boot on this node.
 */
public final class StateStore {
    private final Path file;
    private final Path previous;
    private String recovered;

    public StateStore(Path stateDir) {
        this.file = stateDir.resolve("state.json");
        this.previous = stateDir.resolve("state.json.prev");
    }

    /** After a {@link #load} that fell back to the previous save: what happened, for the log; else null. */
    public String recovered() {
        return recovered;
    }

    public Path file() {
        return file;
    }

    public AgentState load() throws IOException {
        recovered = null;
        if (!Files.exists(file)) {
            return AgentState.fresh();
        }
        try {
            return read(file);
        } catch (RuntimeException e) {
            // Only a broken disk can get here (saves are atomic); keep the evidence and say so loudly.
            Path aside = file.resolveSibling("state.json.unreadable-" + System.currentTimeMillis());
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            String what = "the agent state " + file + " is unreadable (moved to " + aside + "): "
                    + firstLine(e.getMessage());
            if (Files.exists(previous)) {
                try {
                    AgentState before = read(previous);
                    recovered = what + "; resumed from the previous save " + previous;
                    return before;
                } catch (RuntimeException again) {
                    what += "; the previous save " + previous + " is unreadable too";
                }
            }
            throw new IOException(what, e);
        }
    }

    private static AgentState read(Path path) throws IOException {
        return Documents.MAPPER.readValue(Files.readAllBytes(path), AgentState.class);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "not JSON";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public void save(AgentState state) throws IOException {
        if (Files.exists(file)) {
            // the file about to be replaced becomes the previous save; the rename below leaves this name on it
            Files.deleteIfExists(previous);
            try {
                Files.createLink(previous, file);
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(file, previous, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        AtomicFile.write(file, Documents.toJsonBytes(state));
    }
}
