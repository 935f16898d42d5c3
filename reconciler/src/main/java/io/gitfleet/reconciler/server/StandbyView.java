package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.FleetReader;
import io.gitfleet.reconciler.pass.RecordedObservations;
import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.reconciler.store.CommitStatusView;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.LoadedFleet;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What a standby replica shows: the status branch as the holder wrote it, and the fleet at the commit the holder
 * acted on. It reads again only what changed since its last look.
 */
final class StandbyView {
    private static final Logger LOG = LoggerFactory.getLogger(StandbyView.class);

    private final StatusStore store;
    private final FleetMirror mirror;
    private final ServerState state;
    private ObjectId head;
    private LoadedFleet fleet;
    private String approvedCommit;
    private Map<String, Observation> reports = Map.of();
    private ObjectId nodesTree;

    StandbyView(StatusStore store, FleetMirror mirror, ServerState state) {
        this.store = store;
        this.mirror = mirror;
        this.state = state;
    }

    /** Fetches the status branch first when asked, then shows it. */
    void look(boolean fetch) {
        if (fetch) {
            try {
                store.refresh();
            } catch (IOException | RuntimeException e) {
                LOG.warn("standby fetch failed", e);
            }
        }
        try {
            ObjectId now = store.head();
            if (now == null || now.equals(head)) {
                return;
            }
            CommitStatusView view = store.read();
            FleetStatus fs = view.fleet().orElse(null);
            String applied = fs == null ? null : fs.status().approvedCommit();
            if (applied != null && !applied.equals(approvedCommit)) {
                fleet = FleetReader.load(mirror.repository(), ObjectId.fromString(applied));
                approvedCommit = applied;
            }
            // most commits touch an upgrade or a few nodes: node files are parsed again only when nodes/ changed
            ObjectId nodes = view.subtree("nodes");
            if (nodes == null || !nodes.equals(nodesTree)) {
                reports = Map.copyOf(new RecordedObservations().observations(view));
                nodesTree = nodes;
            }
            state.standby(fs, view.upgrades(), fleet, reports);
            head = now.copy();
        } catch (IOException | RuntimeException e) {
            LOG.warn("standby: cannot read the status branch", e);
        }
    }
}
