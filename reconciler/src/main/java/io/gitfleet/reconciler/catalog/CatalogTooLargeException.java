package io.gitfleet.reconciler.catalog;

/** The body went past the size cap; reading stopped there. */
public final class CatalogTooLargeException extends CatalogFetchException {
    public CatalogTooLargeException(long maxBytes) {
        super("larger than " + CatalogFetchSettings.size(maxBytes));
    }
}
