package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.pass.ObservationSource;
import io.gitfleet.reconciler.pass.RecordedObservations;
import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.reconciler.store.StatusView;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.Report;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest report of every node, in memory: what the server's passes plan against. Nodes not heard from since
 * the server started fall back to what the status branch recorded, so a restart forgets nothing.
 */
public final class ReportBook implements ObservationSource {
    private final Map<String, Observation> latest = new ConcurrentHashMap<>();
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    /** What the status branch recorded when the server started; read once, then memory is newer. */
    private volatile Map<String, Observation> recorded;
    /** When this server began to hear agents (it took the lease); null before. */
    private volatile Instant listeningSince;

    /**
     * Records a report. Returns whether it changed something a pass cares about (components, slots, health,
     * the task's phase or failure, fell-back versions) — byte progress and heartbeats do not.
     */
    public boolean record(String node, Report.Status report, Instant at) {
        Observation before = latest.put(node, new Observation(report, at));
        boolean meaningful = before == null || meaningfullyDifferent(before.report(), report);
        if (meaningful) {
            changed.add(node);
        }
        return meaningful;
    }

    /**
     * The nodes whose reports changed meaningfully since the last call, as status documents to record. Their
     * {@code lastSeen} rides along; a heartbeat alone never makes a status commit.
     */
    public List<NodeStatus> drainChanged() {
        List<NodeStatus> out = new ArrayList<>();
        for (String node : List.copyOf(changed)) {
            changed.remove(node);
            Observation o = latest.get(node);
            Report.Status r = o.report();
            out.add(NodeStatus.of(node, new NodeStatus.State(r.components(), r.slots(), r.health(), r.task(),
                    r.failedVersions(), o.receivedAt().truncatedTo(ChronoUnit.SECONDS), r.versionUnknown())));
        }
        return out;
    }

    /**
     * Forgets everything heard: a replica that takes the lease over starts from what the status branch recorded
     * and the agents' next reports, not from what it heard the last time it acted. From {@code now} on it listens:
     * a node in flight that the branch last heard from long ago gets a full {@code nodeTimeout} from now to
     * report, since its reports had nowhere to go while no replica acted.
     */
    public void reset(Instant now) {
        latest.clear();
        changed.clear();
        recorded = null;
        listeningSince = now;
    }

    @Override
    public Instant listeningSince() {
        return listeningSince;
    }

    public Observation get(String node) {
        return latest.get(node);
    }

    /** Every node's latest report: in memory, or as the status branch recorded it before this server started. */
    public Map<String, Observation> all() {
        Map<String, Observation> out = new HashMap<>(recorded == null ? Map.of() : recorded);
        out.putAll(latest);
        return out;
    }

    @Override
    public Map<String, Observation> observations(StatusView status) throws IOException {
        if (recorded == null) {
            recorded = Map.copyOf(new RecordedObservations().observations(status));
        }
        Map<String, Observation> out = new HashMap<>(recorded);
        out.putAll(latest);
        return out;
    }

    static boolean meaningfullyDifferent(Report.Status a, Report.Status b) {
        if (!a.components().equals(b.components()) || !Objects.equals(a.slots(), b.slots())
                || !a.failedVersions().equals(b.failedVersions())
                // which versions are unknown is news; the reason's text is not (it may carry a tool's timestamps)
                || !a.versionUnknown().keySet().equals(b.versionUnknown().keySet())) {
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
