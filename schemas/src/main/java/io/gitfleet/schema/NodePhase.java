package io.gitfleet.schema;

/** The phase of one node within one upgrade. Constant names are the wire values. */
public enum NodePhase {
    Pending, Skipped, Blocked, Instructed, Downloading, Writing, Verifying, Staged, Rebooting,
    Completed, Failed, RolledBack;

    /** Started and not yet finished: the node is (or is about to be) disrupted. */
    public boolean inFlight() {
        return switch (this) {
            case Instructed, Downloading, Writing, Verifying, Staged, Rebooting -> true;
            default -> false;
        };
    }

    /** Finished for this attempt: only a retry nonce or a new target starts it again. */
    public boolean terminal() {
        return this == Skipped || this == Completed || this == Failed || this == RolledBack;
    }

    /** Phases in which the agent may already have switched the boot slot. */
    public boolean pastBootSwitch() {
        return this == Staged || this == Rebooting;
    }
}
