package io.gitfleet.reconciler.pass;

import io.gitfleet.reconciler.git.FetchFailedException;
import io.gitfleet.reconciler.git.PushFailedException;
import io.gitfleet.reconciler.store.NotLeaseHolderException;
import io.gitfleet.reconciler.store.StatusRaceLostException;
import io.gitfleet.schema.InvalidDocumentException;
import java.io.IOException;

/** Sorts a step's exception into stall, wait or retry, with the reason code the status shows. */
final class Failures {
    private Failures() {
    }

    static PassFailure classify(String step, Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof NothingAcceptedException n) {
            return new PassFailure(step, FailureKind.STALL, n.reason(), message);
        }
        if (e instanceof InvalidDocumentException) {
            return new PassFailure(step, FailureKind.STALL, "InvalidStatus", "the status branch holds a document "
                    + "that is not valid: " + message);
        }
        if (e instanceof FetchFailedException) {
            return new PassFailure(step, FailureKind.WAIT, "FetchFailed", message);
        }
        if (e instanceof PushFailedException) {
            return new PassFailure(step, FailureKind.WAIT, "PushFailed", message);
        }
        if (e instanceof BranchMissingException) {
            return new PassFailure(step, FailureKind.WAIT, "BranchMissing", message);
        }
        if (e instanceof NotLeaseHolderException) {
            return new PassFailure(step, FailureKind.WAIT, "NotLeaseHolder", message);
        }
        if (e instanceof StatusRaceLostException) {
            return new PassFailure(step, FailureKind.RETRY, "StatusRaceLost", message);
        }
        if (e instanceof IOException) {
            return new PassFailure(step, FailureKind.RETRY, "GitError", message);
        }
        return new PassFailure(step, FailureKind.RETRY, "InternalError", message);
    }
}
