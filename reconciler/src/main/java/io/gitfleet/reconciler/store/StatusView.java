package io.gitfleet.reconciler.store;

import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.Plan;
import io.gitfleet.schema.UpgradeStatus;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Read access to one state of the status branch (a commit, possibly with pending changes laid over it).
 * Reads are lazy: looking up one node reads one shard, not the whole tree.
 */
public interface StatusView {
    /** The status commit this view starts from; null when the branch does not exist yet. */
    String commit();

    /** The bytes at {@code path}, or empty. */
    Optional<byte[]> read(String path) throws IOException;

    /** Paths of the files directly in {@code folder} ("upgrades") or, for "nodes", in all its shards. */
    List<String> list(String folder) throws IOException;

    default Optional<FleetStatus> fleet() throws IOException {
        return read(StatusPaths.FLEET).map(b -> DocumentReader.require(StatusPaths.FLEET, b, FleetStatus.class));
    }

    default Optional<UpgradeStatus> upgrade(String name) throws IOException {
        String path = StatusPaths.upgrade(name);
        return read(path).map(b -> DocumentReader.require(path, b, UpgradeStatus.class));
    }

    default Optional<NodeStatus> node(String name) throws IOException {
        String path = StatusPaths.node(name);
        return read(path).map(b -> DocumentReader.require(path, b, NodeStatus.class));
    }

    default SortedMap<String, UpgradeStatus> upgrades() throws IOException {
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
