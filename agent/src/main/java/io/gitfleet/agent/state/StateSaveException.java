package io.gitfleet.agent.state;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The agent state could not be saved (a full or read-only state dir): the transition did not happen. The agent
 * reports it and retries instead of exiting, which would only restart into the same failure.
 */
public final class StateSaveException extends UncheckedIOException {
    public StateSaveException(String message, IOException cause) {
        super(message, cause);
    }

    /** The sentence for logs and the report: what could not be saved, and the system's reason. */
    public String reason() {
        String why = getCause().getMessage();
        if (getCause() instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            why = fs.getReason();
        }
        return getMessage() + ": " + why;
    }
}
