package io.gitfleet.agent.state;

import static io.gitfleet.agent.state.Event.*;
import static io.gitfleet.agent.state.State.*;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The whole state machine of the agent, in one place: state × event → state. Anything not listed is a bug
 * and fails the task. RESTART says where a task resumes after the agent died in that state: a transfer starts
 * over (its hash and unsynced bytes are gone), everything past the boot switch resumes where it was. Who handles
 * each state, and which events it fires there, is {@link io.gitfleet.agent.state.handlers.Handlers}.
 */
public final class TransitionTable {
    private static final Map<State, Map<Event, State>> TABLE = new EnumMap<>(State.class);

    static {
        for (State done : new State[] {IDLE, SKIPPED, COMPLETED, FAILED, ROLLED_BACK}) {
            on(done, INSTRUCT, INSTRUCTED);
            on(done, RESTART, done);
        }
        on(INSTRUCTED, AT_TARGET, SKIPPED);
        on(INSTRUCTED, IMAGE_CHECKED, DOWNLOADING);
        on(INSTRUCTED, COMMAND_CHECKED, RUNNING_COMMAND);
        on(INSTRUCTED, ROLLBACK_CHECKED, ROLLBACK_STAGED);
        on(INSTRUCTED, REFUSED, FAILED);
        on(INSTRUCTED, RESTART, INSTRUCTED);

        on(DOWNLOADING, FLOWING, WRITING);
        on(DOWNLOADING, RESTART, DOWNLOADING);
        on(WRITING, RECONNECTING, DOWNLOADING);
        on(WRITING, WRITTEN, VERIFYING);
        on(WRITING, RESTART, DOWNLOADING);
        on(VERIFYING, VERIFIED, STAGED);
        on(VERIFYING, RESTART, DOWNLOADING);

        on(STAGED, HOOKS_DONE, REBOOTING);
        on(STAGED, KEPT_STAGED, COMPLETED);
        // staged ahead (stage only): nothing is armed yet, so a withdrawal drops the staged slot safely
        on(STAGED, CANCEL, FAILED);
        on(STAGED, RESTART, STAGED);
        on(STAGED, BOOTED_TARGET, CHECKING_HEALTH);
        on(STAGED, BOOTED_OTHER, FAILED);
        on(REBOOTING, NOT_REBOOTED, REBOOTING);
        on(REBOOTING, RESTART, REBOOTING);
        on(REBOOTING, BOOTED_TARGET, CHECKING_HEALTH);
        on(REBOOTING, BOOTED_OTHER, FAILED);
        on(CHECKING_HEALTH, HEALTHY, COMPLETED);
        on(CHECKING_HEALTH, RESTART, CHECKING_HEALTH);
        on(CHECKING_HEALTH, BOOTED_OTHER, FAILED);

        on(RUNNING_COMMAND, COMMAND_DONE, CHECKING_HEALTH);
        on(RUNNING_COMMAND, COMMAND_DONE_REBOOT, REBOOTING);
        on(RUNNING_COMMAND, RESTART, RUNNING_COMMAND);
        on(RUNNING_COMMAND, UNDONE, ROLLED_BACK);
        on(RUNNING_COMMAND, UNDONE_REBOOT, ROLLBACK_REBOOTING);

        on(ROLLBACK_STAGED, HOOKS_DONE, ROLLBACK_REBOOTING);
        on(ROLLBACK_STAGED, RESTART, ROLLBACK_STAGED);
        on(ROLLBACK_STAGED, BOOTED_TARGET, ROLLED_BACK);
        on(ROLLBACK_STAGED, BOOTED_OTHER, FAILED);
        on(ROLLBACK_REBOOTING, NOT_REBOOTED, ROLLBACK_REBOOTING);
        on(ROLLBACK_REBOOTING, RESTART, ROLLBACK_REBOOTING);
        on(ROLLBACK_REBOOTING, BOOTED_TARGET, ROLLED_BACK);
        on(ROLLBACK_REBOOTING, BOOTED_OTHER, FAILED);

        // Every working state can fail; the cancellable ones can also be cancelled.
        for (State s : State.values()) {
            if (!s.terminal()) {
                on(s, FAIL, FAILED);
            }
            if (s.cancellable()) {
                on(s, CANCEL, FAILED);
            }
        }
    }

    private TransitionTable() {
    }

    private static void on(State from, Event event, State to) {
        TABLE.computeIfAbsent(from, k -> new EnumMap<>(Event.class)).put(event, to);
    }

    public static Optional<State> next(State from, Event event) {
        return Optional.ofNullable(TABLE.getOrDefault(from, Map.of()).get(event));
    }

    /** The table as rows, for docs and tests. */
    public static Map<State, Map<Event, State>> rows() {
        return TABLE;
    }
}
