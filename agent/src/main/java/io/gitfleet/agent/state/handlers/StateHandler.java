package io.gitfleet.agent.state.handlers;

import io.gitfleet.agent.state.Task;
import java.io.IOException;

/**
 * The work of one state (or of a group of states the table treats alike): it runs with the task in that state and
 * says what happened as a {@link Step}. Handlers are idempotent: after a crash the same state's handler runs again.
 */
@FunctionalInterface
public interface StateHandler {
    Step handle(Task task) throws IOException, InterruptedException;
}
