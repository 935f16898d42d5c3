package io.gitfleet.reconciler.pass;

import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.reconciler.store.StatusView;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.Report;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The node reports recorded on the status branch ({@code nodes/SHARD/NAME.yaml}), each received at its
 * {@code lastSeen}: what {@code reconcile --once} plans against. A node without {@code lastSeen} counts as heard
 * of long ago (silent), so nothing new starts on it.
 */
public final class RecordedObservations implements ObservationSource {
    @Override
    public Map<String, Observation> observations(StatusView status) throws IOException {
        Map<String, Observation> out = new HashMap<>();
        for (NodeStatus n : status.nodes().values()) {
            NodeStatus.State s = n.status();
            Report.Status report = new Report.Status(null, s.components(), s.slots(), s.health(), s.task(),
                    s.failedVersions(), null, null, s.versionUnknown());
            out.put(n.name(), new Observation(report, s.lastSeen() == null ? Instant.EPOCH : s.lastSeen()));
        }
        return out;
    }
}
