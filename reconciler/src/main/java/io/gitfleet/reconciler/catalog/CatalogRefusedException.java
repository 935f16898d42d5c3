package io.gitfleet.reconciler.catalog;

/** The URL, or a redirect, breaks a fetch rule (scheme, allowed hosts, redirect count): no request was sent to it. */
public final class CatalogRefusedException extends CatalogFetchException {
    public CatalogRefusedException(String reason) {
        super(reason);
    }
}
