package io.gitfleet.reconciler.fault;

import io.gitfleet.reconciler.catalog.CatalogFetchSettings;
import io.gitfleet.reconciler.catalog.CatalogSources;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.pass.ObservationSource;
import io.gitfleet.reconciler.pass.PassOptions;
import io.gitfleet.reconciler.pass.PassResult;
import io.gitfleet.reconciler.pass.ReconcilePass;
import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.reconciler.server.ReportBook;
import io.gitfleet.reconciler.store.RefResult;
import io.gitfleet.reconciler.store.StatusRemote;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusUpdate;
import io.gitfleet.reconciler.store.StatusView;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.UpgradeStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.jgit.lib.ObjectId;

/**
 * One life of the reconciler, in process: the server's parts (its mirror of the fleet repo behind
 * {@code git daemon}, the report book, the batching status writer, the real {@link ReconcilePass}) on a simulated
 * clock, turned one pass at a time by the campaign. It can be armed to die at one point: before a status push
 * reaches the remote, just after it did, or after a status is recorded and before its instructions leave. Death is
 * an {@link Error} that no step catches; the campaign then drops this object and starts another from the status
 * branch, as a restarted server would.
 */
final class CampaignReconciler implements AutoCloseable {
    /** Where an armed reconciler dies. */
    enum KillPoint { BEFORE_PUSH, AFTER_PUSH, BEFORE_INSTRUCT }

    /** The reconciler process died here. */
    static final class Killed extends Error {
        Killed(KillPoint where) {
            super("reconciler killed " + where, null, false, false);
        }
    }

    /** What one pass saw and decided: the inputs the planner invariants are checked against. */
    record Seen(StatusView status, Map<String, UpgradeStatus> previous, Map<String, Observation> observed,
                Instant listeningSince) {
    }

    private final FleetMirror mirror;
    private final StatusWriter writer;
    private final ReportBook reports = new ReportBook();
    private final ReconcilePass pass;
    private final SortedMap<String, Instruction> board = new TreeMap<>();
    private KillPoint armed;
    private int armedAfter;
    private boolean ready;
    private Seen seen;

    /**
     * @param statusInterval how long status changes are batched: several of the campaign's steps, as several reports
     *                       arrive within one interval of a real server
     */
    CampaignReconciler(Path dataDir, String url, Clock clock, Instant now, Duration statusInterval) throws IOException {
        this.mirror = FleetMirror.open(dataDir.resolve("mirror"), url, GitAuth.NONE.withTimeout(Duration.ofSeconds(5)));
        StatusStore store = new StatusStore(mirror.repository(), StatusStore.DEFAULT_BRANCH, new KillableRemote());
        this.writer = new StatusWriter(store, statusInterval, clock);
        reports.reset(now);
        ObservationSource observing = new ObservationSource() {
            @Override
            public Map<String, Observation> observations(StatusView status) throws IOException {
                Map<String, Observation> observed = reports.observations(status);
                seen = new Seen(status, status.upgrades(), observed, reports.listeningSince());
                return observed;
            }

            @Override
            public Instant listeningSince() {
                return reports.listeningSince();
            }
        };
        this.pass = new ReconcilePass(mirror, writer, observing, instructions -> {
            die(KillPoint.BEFORE_INSTRUCT);
            board.clear();
            board.putAll(instructions);
        }, CatalogSources.inDataDir(dataDir, CatalogFetchSettings.DEFAULTS),
                new PassOptions("main", null, false, dataDir.resolve("keys")));
    }

    /** Dies at {@code where}, the {@code after}-th time it is reached from now (1: the next time). */
    void arm(KillPoint where, int after) {
        this.armed = where;
        this.armedAfter = after;
    }

    private void die(KillPoint where) {
        if (armed == where && --armedAfter <= 0) {
            armed = null;
            throw new Killed(where);
        }
    }

    /**
     * An agent's report reaches the server (only once it is ready, as the agent API answers 503 before). Returns
     * whether it changed something a pass cares about: only then does the server's loop run a pass for it.
     */
    boolean report(String node, Report.Status report, Instant at) {
        return reports.record(node, report, at);
    }

    /** Whether the agent API answers: a pass has loaded the fleet. */
    boolean ready() {
        return ready;
    }

    /** The instruction the agent API answers {@code node} with. */
    Instruction instructionFor(String node) {
        return board.get(node);
    }

    /** One turn of the server's loop: the changed reports join the batched status, then one pass. */
    PassResult turn(Instant now, boolean fetch) throws IOException {
        java.util.List<NodeStatus> changed = reports.drainChanged();
        if (!changed.isEmpty()) {
            writer.submit(view -> new StatusUpdate().putAll(changed));
        }
        seen = null;
        PassResult result = pass.run(now, fetch);
        if (result.fleet() != null) {
            ready = true;
        }
        return result;
    }

    /** What the last pass's planner was given, or null when it did not get that far. */
    Seen seen() {
        return seen;
    }

    /** The timer's flush of the batched status. */
    void flushDue() throws IOException {
        writer.flushIfDue();
    }

    /** Commits whatever is pending (the end of a rollout). */
    void flush() throws IOException {
        writer.flush();
    }

    boolean hasPending() {
        return writer.hasPending();
    }

    @Override
    public void close() {
        mirror.close();
    }

    /** The mirror as the store's remote, with the kill points around each push of the status branch. */
    private final class KillableRemote implements StatusRemote {
        @Override
        public ObjectId refresh(String branch) throws IOException {
            return mirror.refresh(branch);
        }

        @Override
        public RefResult push(String branch, ObjectId expectedOld, ObjectId newId) throws IOException {
            die(KillPoint.BEFORE_PUSH);
            RefResult r = mirror.push(branch, expectedOld, newId);
            die(KillPoint.AFTER_PUSH);
            return r;
        }

        @Override
        public ObjectId refreshRef(String ref) throws IOException {
            return mirror.refreshRef(ref);
        }

        @Override
        public RefResult pushRef(String ref, ObjectId expectedOld, ObjectId newId) throws IOException {
            return mirror.pushRef(ref, expectedOld, newId);
        }
    }
}
