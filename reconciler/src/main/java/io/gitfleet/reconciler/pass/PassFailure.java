package io.gitfleet.reconciler.pass;

/**
 * Why a pass did not get to the end, as a reason code (the status condition's reason) and a sentence.
 *
 * @param step the named step that failed
 */
public record PassFailure(String step, FailureKind kind, String reason, String message) {
}
