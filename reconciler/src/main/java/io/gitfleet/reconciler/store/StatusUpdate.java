package io.gitfleet.reconciler.store;

import io.gitfleet.schema.Document;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The documents one writer wants on the status branch, the event lines that explain them (planner
 * {@code PlanResult.events()}), and the approved commit they were computed from (the {@code Fleet-Commit} trailer).
 * Documents equal to what is there already are dropped by the store, so callers may put everything they computed.
 */
public final class StatusUpdate {
    private final Map<String, Document> writes = new LinkedHashMap<>();
    private final List<String> events = new ArrayList<>();
    private String approvedCommit;

    public StatusUpdate put(Document doc) {
        writes.put(StatusPaths.of(doc), doc);
        return this;
    }

    public StatusUpdate putAll(Iterable<? extends Document> docs) {
        docs.forEach(this::put);
        return this;
    }

    /** Removes a document (e.g. the plan of a closed pull request). */
    public StatusUpdate delete(String path) {
        writes.put(path, null);
        return this;
    }

    public StatusUpdate events(List<String> lines) {
        events.addAll(lines);
        return this;
    }

    public StatusUpdate approvedCommit(String commit) {
        this.approvedCommit = commit;
        return this;
    }

    /** Path → document; a null document deletes the path. */
    public Map<String, Document> writes() {
        return Collections.unmodifiableMap(writes);
    }

    public List<String> events() {
        return Collections.unmodifiableList(events);
    }

    public String approvedCommit() {
        return approvedCommit;
    }
}
