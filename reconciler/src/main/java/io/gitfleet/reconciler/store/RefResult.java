package io.gitfleet.reconciler.store;

/** How an attempt to move a branch ended. A lost race is an expected outcome, not an exception. */
public enum RefResult {
    /** The branch now points at the new commit. */
    COMMITTED,
    /** Nothing meaningful changed: no commit was written. */
    NO_CHANGE,
    /** Another writer moved the branch since it was read: re-read, recompute, retry. */
    LOCK_FAILURE
}
