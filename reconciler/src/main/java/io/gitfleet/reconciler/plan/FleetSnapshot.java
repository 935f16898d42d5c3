package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.LoadedFleet;
import java.util.Map;

/**
 * The fleet as the approved commit says it, plus what the reconciler fetched or ran for it.
 *
 * @param commit         the approved commit every instruction will name
 * @param remoteCatalogs catalogs of {@code catalog.url} sources, by URL; an absent URL has not been fetched
 * @param remoteErrors   why a URL catalog could not be had, by URL
 * @param gates          the latest results of each upgrade's external gates, by upgrade; absent: not run yet
 */
public record FleetSnapshot(String commit, LoadedFleet fleet, Map<String, Catalog.Spec> remoteCatalogs,
                            Map<String, String> remoteErrors, Map<String, GateResults> gates) {
    public FleetSnapshot {
        remoteCatalogs = Map.copyOf(remoteCatalogs);
        remoteErrors = Map.copyOf(remoteErrors);
        gates = gates == null ? Map.of() : Map.copyOf(gates);
    }

    public FleetSnapshot(String commit, LoadedFleet fleet, Map<String, Catalog.Spec> remoteCatalogs,
                         Map<String, String> remoteErrors) {
        this(commit, fleet, remoteCatalogs, remoteErrors, null);
    }

    public static FleetSnapshot of(String commit, LoadedFleet fleet) {
        return new FleetSnapshot(commit, fleet, Map.of(), Map.of());
    }

    public FleetSnapshot withGates(Map<String, GateResults> results) {
        return new FleetSnapshot(commit, fleet, remoteCatalogs, remoteErrors, results);
    }
}
