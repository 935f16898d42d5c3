package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.pass.ObservationSource;
import io.gitfleet.reconciler.pass.RecordedObservations;
import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.reconciler.store.StatusView;
import io.gitfleet.schema.Report;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest report of every node, in memory: what the server's passes plan against. Nodes not heard from since
 * the server started fall back to what the status branch recorded, so a restart forgets nothing.
 */
public final class ReportBook implements ObservationSource {
    private final Map<String, Observation> latest = new ConcurrentHashMap<>();
    private final ObservationSource recorded = new RecordedObservations();

    /**
     * Records a report. Returns whether it changed something a pass cares about (components, slots, health,
     * the task's phase or failure, fell-back versions) — byte progress and heartbeats do not.
     */
    public boolean record(String node, Report.Status report, Instant at) {
        Observation before = latest.put(node, new Observation(report, at));
        return before == null || meaningfullyDifferent(before.report(), report);
    }

    public Observation get(String node) {
        return latest.get(node);
    }

    public Map<String, Observation> snapshot() {
        return Map.copyOf(latest);
    }

    @Override
    public Map<String, Observation> observations(StatusView status) throws IOException {
        Map<String, Observation> out = new HashMap<>(recorded.observations(status));
        out.putAll(latest);
        return out;
    }

    static boolean meaningfullyDifferent(Report.Status a, Report.Status b) {
        if (!a.components().equals(b.components()) || !Objects.equals(a.slots(), b.slots())
                || !a.failedVersions().equals(b.failedVersions())) {
            return true;
        }
        boolean healthyA = a.health() == null || a.health().healthy();
        boolean healthyB = b.health() == null || b.health().healthy();
        if (healthyA != healthyB) {
            return true;
        }
        Report.Task x = a.task();
        Report.Task y = b.task();
        if (x == null || y == null) {
            return x != y;
        }
        return !Objects.equals(x.upgrade(), y.upgrade()) || x.attempt() != y.attempt() || x.phase() != y.phase()
                || !Objects.equals(x.failureReason(), y.failureReason());
    }
}
