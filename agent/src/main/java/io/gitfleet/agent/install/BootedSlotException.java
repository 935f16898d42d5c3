package io.gitfleet.agent.install;

/** The chosen target is (or holds) the running system. */
public final class BootedSlotException extends InstallException {
    public BootedSlotException(String slot, String why) {
        super("refusing to write slot " + slot + ": " + why);
    }
}
