package io.gitfleet.reconciler.catalog;

import java.io.IOException;

/** A {@code url} catalog could not be had; the message is the reason the status shows in parentheses. */
public class CatalogFetchException extends IOException {
    public CatalogFetchException(String reason) {
        super(reason);
    }

    public CatalogFetchException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
