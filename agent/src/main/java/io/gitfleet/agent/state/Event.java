package io.gitfleet.agent.state;

/** What happened; with the current {@link State} it picks the next one in {@link TransitionTable}. */
public enum Event {
    /** A new instruction (install or rollback) was accepted. */
    INSTRUCT,
    /** The agent started again (crash, power cut or reboot) with this task in this state. */
    RESTART,
    AT_TARGET,
    IMAGE_CHECKED,
    COMMAND_CHECKED,
    ROLLBACK_CHECKED,
    REFUSED,
    FLOWING,
    RECONNECTING,
    WRITTEN,
    VERIFIED,
    HOOKS_DONE,
    /** The reboot was asked for but the machine is still up in the same boot. */
    NOT_REBOOTED,
    BOOTED_TARGET,
    BOOTED_OTHER,
    COMMAND_DONE,
    COMMAND_DONE_REBOOT,
    /** The command installer's rollback command succeeded (and, with the reboot variant, needs a reboot). */
    UNDONE,
    UNDONE_REBOOT,
    /** Written and verified with {@code install.upgradeActive: false}: done without a boot switch. */
    KEPT_STAGED,
    HEALTHY,
    FAIL,
    CANCEL
}
