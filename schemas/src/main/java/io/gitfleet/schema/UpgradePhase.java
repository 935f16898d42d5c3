package io.gitfleet.schema;

/** The phase of an upgrade as a whole. Constant names are the wire values. */
public enum UpgradePhase {
    Pending, Rejected, Waiting, RollingOut, AwaitingPromotion, Paused, Succeeded, Failed, Cancelled,
    RollingBack, RolledBack
}
