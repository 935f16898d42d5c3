package io.gitfleet.reconciler.store;

import io.gitfleet.schema.Document;
import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.InvalidDocumentException;
import io.gitfleet.schema.Kind;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.Problem;
import io.gitfleet.schema.ReadResult;
import io.gitfleet.schema.SchemaCheck;
import io.gitfleet.schema.UpgradeNodeStatus;
import io.gitfleet.schema.UpgradeStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * Turns an update into the files that really change. An upgrade is split into its own document (phase, counts) and
 * one file per node row; a row equal to the one there is not even written out. Each changed document is written as
 * YAML and dropped when the branch already holds the same bytes. A node file whose only difference is
 * {@code lastSeen} is a heartbeat and is dropped too, so heartbeats never make commits.
 */
final class StatusChanges {
    /**
     * Whether each written document is checked against its schema. The documents are built from records by the
     * one serializer whose output the tests check against the schemas (every test runs with assertions on, which
     * turns this on); checking them again on every write doubled the cost of recording status.
     */
    static final boolean CHECK = StatusChanges.class.desiredAssertionStatus()
            || Boolean.getBoolean("gitfleet.checkStatusWrites");

    private StatusChanges() {
    }

    /** The files to commit: meaningful changes only (no heartbeats, nothing equal to what is there). */
    static SortedMap<String, byte[]> meaningful(StatusView current, StatusUpdate update) throws IOException {
        return changes(current, update, true);
    }

    /** Every change to lay over {@code current} (heartbeats included), e.g. for a writer's pending view. */
    static SortedMap<String, byte[]> all(StatusView current, StatusUpdate update) throws IOException {
        return changes(current, update, false);
    }

    private static SortedMap<String, byte[]> changes(StatusView current, StatusUpdate update, boolean meaningful)
            throws IOException {
        SortedMap<String, byte[]> out = new TreeMap<>();
        for (Map.Entry<String, Document> w : update.writes().entrySet()) {
            String path = w.getKey();
            Document doc = w.getValue();
            if (StatusPaths.typeOf(path) == UpgradeStatus.class) {
                upgrade(current, path, (UpgradeStatus) doc, out);
                continue;
            }
            Optional<byte[]> before = current.read(path);
            if (doc == null) {
                if (before.isPresent()) {
                    out.put(path, null);
                }
                continue;
            }
            byte[] bytes = serialize(path, doc);
            if (before.isPresent() && (Arrays.equals(before.get(), bytes)
                    || meaningful && heartbeatOnly(path, before.get(), doc))) {
                continue;
            }
            out.put(path, bytes);
        }
        return out;
    }

    /** The upgrade's own file without rows, and one file per row that changed; rows gone are deleted. */
    private static void upgrade(StatusView current, String path, UpgradeStatus doc, SortedMap<String, byte[]> out)
            throws IOException {
        String name = StatusPaths.nameOf(path);
        Optional<byte[]> before = current.read(path);
        SortedMap<String, UpgradeStatus.NodeRow> rows = current.rows(name);
        if (doc == null) {
            if (before.isPresent()) {
                out.put(path, null);
            }
            if (!rows.isEmpty()) {
                out.put(StatusPaths.UPGRADES + "/" + name, null);    // the folder of its rows, whole
            }
            return;
        }
        UpgradeStatus.State s = doc.status();
        UpgradeStatus header = s == null ? doc : new UpgradeStatus(doc.apiVersion(), doc.kind(), doc.metadata(),
                new UpgradeStatus.State(s.phase(), s.reason(), s.message(), s.component(), s.desiredVersion(),
                        s.resolvedVersion(), s.approvedCommit(), s.phaseSince(), s.counts(), List.of(), s.startedAt()));
        byte[] bytes = serialize(path, header);
        if (before.isEmpty() || !Arrays.equals(before.get(), bytes)) {
            out.put(path, bytes);
        }
        java.util.Set<String> gone = new java.util.HashSet<>(rows.keySet());
        List<UpgradeStatus.NodeRow> changed = new java.util.ArrayList<>();
        for (UpgradeStatus.NodeRow row : s == null ? List.<UpgradeStatus.NodeRow>of() : s.nodes()) {
            gone.remove(row.node());
            if (!row.equals(rows.get(row.node()))) {
                changed.add(row);
            }
        }
        byte[][] serialized = serializeRows(name, changed);
        for (int i = 0; i < serialized.length; i++) {
            UpgradeStatus.NodeRow row = changed.get(i);
            String rowPath = StatusPaths.row(name, row.node());
            Optional<byte[]> old = rows.containsKey(row.node()) ? current.read(rowPath) : Optional.empty();
            if (old.isEmpty() || !Arrays.equals(old.get(), serialized[i])) {
                out.put(rowPath, serialized[i]);
            }
        }
        for (String node : gone) {
            out.put(StatusPaths.row(name, node), null);
        }
    }

    /** Below this many changed rows, serializing them on more than one core costs more than it saves. */
    private static final int PARALLEL_ROWS = 256;

    /**
     * The YAML of each row, in order. Many rows (a merge that starts thousands of nodes) are written on every core:
     * each row is a document of its own, and the waiting agents are answered only once they are committed.
     */
    private static byte[][] serializeRows(String upgrade, List<UpgradeStatus.NodeRow> rows) {
        java.util.stream.IntStream indexes = java.util.stream.IntStream.range(0, rows.size());
        if (rows.size() >= PARALLEL_ROWS) {
            indexes = indexes.parallel();
        }
        byte[][] out = new byte[rows.size()][];
        indexes.forEach(i -> out[i] = serialize(StatusPaths.row(upgrade, rows.get(i).node()),
                UpgradeNodeStatus.of(rows.get(i))));
        return out;
    }

    /** YAML bytes of a document, named like its file (and, under assertions, valid against its schema). */
    static byte[] serialize(String path, Document doc) {
        Class<? extends Document> type = StatusPaths.typeOf(path);
        if (type == null || !type.isInstance(doc)) {
            throw new IllegalArgumentException(path + " cannot hold a " + doc.kind());
        }
        String name = StatusPaths.nameOf(path);
        if (name != null && !name.equals(doc.name())) {
            throw new InvalidDocumentException(List.of(new Problem(path, "/metadata/name", "is '" + doc.name()
                    + "' but must equal the file name '" + name + "'")));
        }
        Written key = new Written(path, doc);
        byte[] known = RECENT.get(key);
        if (known != null) {
            return known;
        }
        // The YAML is written from this very tree, so checking the tree checks the file (DocumentsTest proves the
        // round trip); re-reading the YAML would double the cost again.
        JsonNode tree = Documents.toTree(doc);
        if (CHECK) {
            List<Problem> problems = SchemaCheck.get().check(path, Kind.of(type), tree, null);
            if (!problems.isEmpty()) {
                throw new InvalidDocumentException(problems);
            }
        }
        byte[] bytes = Documents.toYaml(tree).getBytes(StandardCharsets.UTF_8);
        RECENT.put(key, bytes);
        return bytes;
    }

    /** A document and the file it goes to: what its bytes depend on (records compare by value). */
    private record Written(String path, Document doc) {
    }

    /**
     * The bytes of the documents serialized last, by value. A pass's changes are serialized when they are queued
     * and again when the batch is committed (on the same plan, so equal documents): the second time, a merge that
     * starts 10,000 nodes would otherwise write 10,000 rows of YAML again. Bounded; the bytes are never changed.
     */
    private static final Map<Written, byte[]> RECENT = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Written, byte[]> eldest) {
                    return size() > 32_768;
                }
            });

    private static boolean heartbeatOnly(String path, byte[] before, Document after) {
        if (!(after instanceof NodeStatus now)) {
            return false;
        }
        ReadResult<NodeStatus> old = DocumentReader.read(path, before, NodeStatus.class, null);
        return old.ok() && withoutLastSeen(old.document()).equals(withoutLastSeen(now));
    }

    private static NodeStatus withoutLastSeen(NodeStatus n) {
        NodeStatus.State s = n.status();
        return new NodeStatus(n.apiVersion(), n.kind(), n.metadata(), s == null ? null
                : new NodeStatus.State(s.components(), s.slots(), s.health(), s.task(), s.failedVersions(), null,
                        s.versionUnknown()));
    }
}
