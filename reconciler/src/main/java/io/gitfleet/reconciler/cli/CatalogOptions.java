package io.gitfleet.reconciler.cli;

import io.gitfleet.reconciler.catalog.CatalogFetchSettings;
import java.util.List;
import picocli.CommandLine.Option;

/** How {@code catalog: {url: …}} sources are fetched: shared by {@code serve} and {@code reconcile}. */
final class CatalogOptions {
    @Option(names = "--catalog-allowed-hosts", paramLabel = "HOST", split = ",",
            description = "hosts url catalogs may be fetched from, redirects included (comma list; '*' for any; "
                    + "default: none, so url catalogs are refused)")
    List<String> allowedHosts = List.of();

    @Option(names = "--catalog-max-bytes", paramLabel = "BYTES",
            description = "refuse a url catalog larger than this (default 4194304, 4 MiB)")
    long maxBytes = CatalogFetchSettings.DEFAULT_MAX_BYTES;

    CatalogFetchSettings settings() {
        if (maxBytes <= 0) {
            throw new UsageException("--catalog-max-bytes " + maxBytes + ": give a number of bytes above 0");
        }
        // a url catalog is outside the approval: whoever serves it chooses the images, so no host is trusted
        // unless the operator names it (or says '*')
        boolean any = allowedHosts.contains("*");
        return new CatalogFetchSettings(any ? List.of() : allowedHosts, maxBytes, CatalogFetchSettings.DEFAULT_TIMEOUT,
                any);
    }
}
