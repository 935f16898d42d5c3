package io.gitfleet.reconciler.store;

import java.io.IOException;

/** This replica does not hold the lease on the status branch (any more): it must not write or act. */
public final class NotLeaseHolderException extends IOException {
    public NotLeaseHolderException(String message) {
        super(message);
    }
}
