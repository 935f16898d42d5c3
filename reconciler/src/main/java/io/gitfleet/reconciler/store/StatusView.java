package io.gitfleet.reconciler.store;

import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.Plan;
import io.gitfleet.schema.UpgradeNodeStatus;
import io.gitfleet.schema.UpgradeStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Read access to one state of the status branch (a commit, possibly with pending changes laid over it).
 * Reads are lazy: looking up one node reads one shard, not the whole tree. An upgrade is read whole, its rows
 * gathered from {@code upgrades/NAME/nodes/}; a branch written before rows had files of their own keeps them
 * inside {@code upgrades/NAME.yaml}, and is read the same way (the next write of that upgrade moves them).
 */
public interface StatusView {
    /** Rows in rollout order, as the planner wrote them; rows without an order last, by name. */
    Comparator<UpgradeStatus.NodeRow> ROW_ORDER = Comparator.comparing(UpgradeStatus.NodeRow::order,
            Comparator.nullsLast(Comparator.naturalOrder())).thenComparing(UpgradeStatus.NodeRow::node);

    /** The status commit this view starts from; null when the branch does not exist yet. */
    String commit();

    /** The bytes at {@code path}, or empty. */
    Optional<byte[]> read(String path) throws IOException;

    /**
     * Paths of the files directly in {@code folder} ("upgrades", "plans") or, for a folder of sharded node files
     * ("nodes", "upgrades/NAME/nodes"), in all its shards.
     */
    List<String> list(String folder) throws IOException;

    default Optional<FleetStatus> fleet() throws IOException {
        return read(StatusPaths.FLEET).map(b -> DocumentReader.require(StatusPaths.FLEET, b, FleetStatus.class));
    }

    /** The upgrade with all its rows. */
    default Optional<UpgradeStatus> upgrade(String name) throws IOException {
        Optional<UpgradeStatus> header = upgradeSummary(name);
        return header.isEmpty() ? header : Optional.of(withRows(header.get(), rows(name)));
    }

    /**
     * The upgrade's own document: phase, versions, counts, without the rows (except on a branch written before
     * rows had files of their own). Costs one file however large the fleet.
     */
    default Optional<UpgradeStatus> upgradeSummary(String name) throws IOException {
        String path = StatusPaths.upgrade(name);
        return read(path).map(b -> DocumentReader.require(path, b, UpgradeStatus.class));
    }

    /** The rows of {@code upgrade} stored in files of their own, by node name. */
    default SortedMap<String, UpgradeStatus.NodeRow> rows(String upgrade) throws IOException {
        SortedMap<String, UpgradeStatus.NodeRow> out = new TreeMap<>();
        for (String path : list(StatusPaths.rows(upgrade))) {
            if (StatusPaths.typeOf(path) == UpgradeNodeStatus.class) {
                Optional<byte[]> bytes = read(path);
                if (bytes.isPresent()) {
                    UpgradeStatus.NodeRow row = readRow(path, bytes.get());
                    out.put(row.node(), row);
                }
            }
        }
        return out;
    }

    default Optional<NodeStatus> node(String name) throws IOException {
        String path = StatusPaths.node(name);
        return read(path).map(b -> DocumentReader.require(path, b, NodeStatus.class));
    }

    /** Every upgrade with all its rows. */
    default SortedMap<String, UpgradeStatus> upgrades() throws IOException {
        SortedMap<String, UpgradeStatus> out = new TreeMap<>();
        for (Map.Entry<String, UpgradeStatus> e : upgradeSummaries().entrySet()) {
            out.put(e.getKey(), withRows(e.getValue(), rows(e.getKey())));
        }
        return out;
    }

    /** Every upgrade's own document, without the rows: what {@code gitfleet status} needs. */
    default SortedMap<String, UpgradeStatus> upgradeSummaries() throws IOException {
        return readAll(StatusPaths.UPGRADES, UpgradeStatus.class);
    }

    default SortedMap<String, NodeStatus> nodes() throws IOException {
        return readAll(StatusPaths.NODES, NodeStatus.class);
    }

    default SortedMap<String, Plan> plans() throws IOException {
        return readAll(StatusPaths.PLANS, Plan.class);
    }

    private <T extends io.gitfleet.schema.Document> SortedMap<String, T> readAll(String folder, Class<T> type)
            throws IOException {
        SortedMap<String, T> out = new TreeMap<>();
        for (String path : list(folder)) {
            if (StatusPaths.typeOf(path) != type) {
                continue;
            }
            Optional<byte[]> bytes = read(path);
            if (bytes.isPresent()) {
                T doc = DocumentReader.require(path, bytes.get(), type);
                out.put(doc.name(), doc);
            }
        }
        return out;
    }

    /** One row file; its name must be the node's. */
    static UpgradeStatus.NodeRow readRow(String path, byte[] bytes) {
        UpgradeNodeStatus doc = DocumentReader.require(path, bytes, UpgradeNodeStatus.class);
        String file = StatusPaths.nameOf(path);
        if (doc.status() == null || !file.equals(doc.name()) || !file.equals(doc.status().node())) {
            throw new io.gitfleet.schema.InvalidDocumentException(List.of(new io.gitfleet.schema.Problem(path,
                    "/metadata/name", "and /status/node must equal the file name '" + file + "'")));
        }
        return doc.status();
    }

    /**
     * The upgrade with {@code rows}: rows in files of their own win; none means the rows are still inside the
     * upgrade's document (a branch written by an older gitfleet) or there are none.
     */
    static UpgradeStatus withRows(UpgradeStatus header, SortedMap<String, UpgradeStatus.NodeRow> rows) {
        UpgradeStatus.State s = header.status();
        if (s == null || rows.isEmpty()) {
            return header;
        }
        List<UpgradeStatus.NodeRow> ordered = new ArrayList<>(rows.values());
        ordered.sort(ROW_ORDER);
        return new UpgradeStatus(header.apiVersion(), header.kind(), header.metadata(), new UpgradeStatus.State(
                s.phase(), s.reason(), s.message(), s.component(), s.desiredVersion(), s.resolvedVersion(),
                s.approvedCommit(), s.phaseSince(), s.counts(), ordered, s.startedAt()));
    }

    /**
     * A value equal for two views whose {@code folder} holds the same files (equal keys: equal contents; unequal
     * keys may still hold equal contents). Lets a writer skip recomputing what it computed from the same input.
     */
    Object contentKey(String folder) throws IOException;

    /** This view with {@code changes} (path → bytes, null = deleted) laid over it. */
    default StatusView with(Map<String, byte[]> changes) {
        return new OverlayStatusView(this, changes);
    }
}
