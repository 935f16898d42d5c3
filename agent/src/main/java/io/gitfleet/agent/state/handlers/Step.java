package io.gitfleet.agent.state.handlers;

import io.gitfleet.agent.state.Event;

/** What a state's handler did: an event for the table (with a detail), or one of three signals for the loop. */
public record Step(Event event, String detail) {
    /** The file bootloader booted within this process: reload the state as a fresh process would. */
    public static final Step REBOOTED_IN_PLACE = new Step(null, "rebooted in place");
    /** A manual install waits for the operator's reboot; the loop keeps reporting meanwhile. */
    public static final Step DORMANT = new Step(null, "waiting for a reboot");
    /** Staged ahead: the loop reports and waits for the instruction to activate (or to be withdrawn). */
    public static final Step STAGED_AHEAD = new Step(null, "staged; waiting for the instruction to activate");

    static Step of(Event event) {
        return new Step(event, null);
    }

    static Step of(Event event, String detail) {
        return new Step(event, detail);
    }
}
