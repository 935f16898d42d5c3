package io.gitfleet.reconciler.store;

import io.gitfleet.schema.Kind;
import io.gitfleet.schema.Problem;
import io.gitfleet.schema.SchemaCheck;
import tools.jackson.databind.JsonNode;
import io.gitfleet.schema.Document;
import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.InvalidDocumentException;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.ReadResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns an update into the files that really change: each document is written as YAML and checked against its
 * schema, and dropped when the branch already holds the same content. A node file whose only difference is
 * {@code lastSeen} is a heartbeat and is dropped too, so heartbeats never make commits.
 */
final class StatusChanges {
    private StatusChanges() {
    }

    static SortedMap<String, byte[]> meaningful(StatusView current, StatusUpdate update) throws IOException {
        SortedMap<String, byte[]> out = new TreeMap<>();
        for (Map.Entry<String, Document> w : update.writes().entrySet()) {
            String path = w.getKey();
            Optional<byte[]> before = current.read(path);
            if (w.getValue() == null) {
                if (before.isPresent()) {
                    out.put(path, null);
                }
                continue;
            }
            byte[] bytes = serialize(path, w.getValue());
            if (before.isPresent() && (Arrays.equals(before.get(), bytes) || heartbeatOnly(path, before.get(),
                    w.getValue()))) {
                continue;
            }
            out.put(path, bytes);
        }
        return out;
    }

    /** YAML bytes of a document, refused unless valid against its schema and named like its file. */
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
        // The YAML is written from this very tree, so checking the tree checks the file (DocumentsTest proves the
        // round trip); re-reading the YAML would double the cost of every status commit.
        JsonNode tree = Documents.toTree(doc);
        List<Problem> problems = SchemaCheck.get().check(path, Kind.of(type), tree, null);
        if (!problems.isEmpty()) {
            throw new InvalidDocumentException(problems);
        }
        return Documents.toYaml(tree).getBytes(StandardCharsets.UTF_8);
    }

    static SortedMap<String, byte[]> serializeAll(StatusUpdate update) {
        SortedMap<String, byte[]> out = new TreeMap<>();
        update.writes().forEach((path, doc) -> out.put(path, doc == null ? null : serialize(path, doc)));
        return out;
    }

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
