package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.LoadedFleet;
import java.util.Map;

/**
 * The fleet as the approved commit says it, plus the catalogs fetched from URLs for it.
 *
 * @param commit         the approved commit every instruction will name
 * @param remoteCatalogs catalogs of {@code catalog.url} sources, by URL; an absent URL has not been fetched
 * @param remoteErrors   why a URL catalog could not be had, by URL
 */
public record FleetSnapshot(String commit, LoadedFleet fleet, Map<String, Catalog.Spec> remoteCatalogs,
                            Map<String, String> remoteErrors) {
    public FleetSnapshot {
        remoteCatalogs = Map.copyOf(remoteCatalogs);
        remoteErrors = Map.copyOf(remoteErrors);
    }

    public static FleetSnapshot of(String commit, LoadedFleet fleet) {
        return new FleetSnapshot(commit, fleet, Map.of(), Map.of());
    }
}
