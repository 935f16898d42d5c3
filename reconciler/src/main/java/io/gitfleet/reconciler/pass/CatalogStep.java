package io.gitfleet.reconciler.pass;

import io.gitfleet.reconciler.catalog.CatalogSources;

/**
 * Fetches the {@code url} catalogs the accepted fleet's upgrades name, for the planner. A failed fetch does not
 * stop the pass: the upgrades that need that catalog plan with its last good copy or are rejected, the others go
 * on, and the fleet status says Waiting/CatalogFetchFailed until the fetch works again.
 */
final class CatalogStep implements Step {
    static final String FETCH_FAILED = "CatalogFetchFailed";

    private final CatalogSources sources;

    CatalogStep(CatalogSources sources) {
        this.sources = sources;
    }

    @Override
    public String name() {
        return "catalog";
    }

    @Override
    public void run(PassState s) {
        s.catalogs = sources.fetch(s.fleet, s.now, s.fetch);
        if (!s.catalogs.failures().isEmpty()) {
            s.issues.add(new PassFailure(name(), FailureKind.WAIT, FETCH_FAILED,
                    String.join("; ", s.catalogs.failures())));
        }
    }
}
