package io.gitfleet.agent.state;

import io.gitfleet.schema.NodePhase;

/** The agent's states. Several map to one reported phase; the table in {@link TransitionTable} links them. */
public enum State {
    IDLE(NodePhase.Pending),
    INSTRUCTED(NodePhase.Instructed),
    SKIPPED(NodePhase.Skipped),
    DOWNLOADING(NodePhase.Downloading),
    WRITING(NodePhase.Writing),
    VERIFYING(NodePhase.Verifying),
    /** The bootloader is (being) set to try the new slot once; pre-reboot hooks run here. */
    STAGED(NodePhase.Staged),
    REBOOTING(NodePhase.Rebooting),
    /** Up again in the new slot (or after the command installer): health checks, then mark good. */
    CHECKING_HEALTH(NodePhase.Rebooting),
    /** The command installer's command is running. */
    RUNNING_COMMAND(NodePhase.Writing),
    COMPLETED(NodePhase.Completed),
    FAILED(NodePhase.Failed),
    ROLLBACK_STAGED(NodePhase.Staged),
    ROLLBACK_REBOOTING(NodePhase.Rebooting),
    ROLLED_BACK(NodePhase.RolledBack);

    private final NodePhase phase;

    State(NodePhase phase) {
        this.phase = phase;
    }

    public NodePhase phase() {
        return phase;
    }

    public boolean terminal() {
        return this == IDLE || phase.terminal();
    }

    /** Before the boot switch: a cancel (204, or another instruction) stops the task here, safely. */
    public boolean cancellable() {
        return this == INSTRUCTED || this == DOWNLOADING || this == WRITING || this == VERIFYING;
    }
}
