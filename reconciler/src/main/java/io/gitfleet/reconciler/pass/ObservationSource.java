package io.gitfleet.reconciler.pass;

import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.reconciler.store.StatusView;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * Where a pass gets the nodes' latest reports. {@code reconcile --once} reads them from the status branch
 * ({@link RecordedObservations}); the server will answer from the reports it holds in memory.
 */
@FunctionalInterface
public interface ObservationSource {
    Map<String, Observation> observations(StatusView status) throws IOException;

    /**
     * Since when this source has heard agents directly, or null when its reports are only what was recorded. A
     * node is not failed for a silence that began before then: while nobody listened, its reports went nowhere.
     */
    default Instant listeningSince() {
        return null;
    }
}
