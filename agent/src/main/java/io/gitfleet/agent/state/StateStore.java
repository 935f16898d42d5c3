package io.gitfleet.agent.state;

import io.gitfleet.schema.Documents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** {@code STATE_DIR/state.json}, replaced atomically and durably on every save. */
public final class StateStore {
    private final Path file;

    public StateStore(Path stateDir) {
        this.file = stateDir.resolve("state.json");
    }

    public Path file() {
        return file;
    }

    public AgentState load() throws IOException {
        if (!Files.exists(file)) {
            return AgentState.fresh();
        }
        try {
            return Documents.MAPPER.readValue(Files.readAllBytes(file), AgentState.class);
        } catch (RuntimeException e) {
            // Only a broken disk can get here (saves are atomic); keep the evidence and say so loudly.
            Path aside = file.resolveSibling("state.json.unreadable-" + System.currentTimeMillis());
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            throw new IOException("the agent state " + file + " is unreadable (moved to " + aside + "): "
                    + e.getMessage(), e);
        }
    }

    public void save(AgentState state) throws IOException {
        AtomicFile.write(file, Documents.toJsonBytes(state));
    }
}
