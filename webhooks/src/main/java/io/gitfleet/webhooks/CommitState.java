package io.gitfleet.webhooks;

/** A commit status as gitfleet means it; each client maps it to its forge's word. */
public enum CommitState {
    /** The plan is being computed. */
    PENDING,
    /** The plan would be accepted. */
    SUCCESS,
    /** The plan would be rejected: the forge can block the merge on this. */
    FAILURE,
    /** gitfleet could not compute the plan (the pull request may be fine). */
    ERROR
}
