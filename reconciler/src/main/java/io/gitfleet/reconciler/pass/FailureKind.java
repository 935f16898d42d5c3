package io.gitfleet.reconciler.pass;

/** What the loop does after a failed step: the Flux split between stalled, waiting and retrying. */
public enum FailureKind {
    /** Needs a person (history rewritten, unsigned commit): the condition stays until they act. */
    STALL,
    /** Clears by itself (the remote is down): try again at the next poll. */
    WAIT,
    /** A transient error: retry soon, with backoff. */
    RETRY
}
