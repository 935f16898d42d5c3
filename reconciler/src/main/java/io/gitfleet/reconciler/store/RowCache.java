package io.gitfleet.reconciler.store;

import io.gitfleet.schema.UpgradeStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Rows already read, by the id of their file's content and its path (the path names the node; equal content under
 * another path is another node's file only if names match, which the key makes sure of). A pass reads every row of
 * every upgrade; between two passes only a few files change, so parsing them all again would make each pass cost
 * the fleet's size in YAML. Bounded: the least recently used rows go first.
 */
final class RowCache {
    static final int CAPACITY = Integer.getInteger("gitfleet.rowCache", 400_000);

    private static final Map<Key, UpgradeStatus.NodeRow> ROWS = new LinkedHashMap<>(1 << 16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, UpgradeStatus.NodeRow> eldest) {
            return size() > CAPACITY;
        }
    };

    private RowCache() {
    }

    static synchronized UpgradeStatus.NodeRow get(ObjectId blob, String path) {
        return ROWS.get(new Key(blob, StatusPaths.nameOf(path)));
    }

    static synchronized void put(ObjectId blob, String path, UpgradeStatus.NodeRow row) {
        ROWS.put(new Key(blob.copy(), StatusPaths.nameOf(path)), row);
    }

    private record Key(ObjectId blob, String node) {
    }
}
