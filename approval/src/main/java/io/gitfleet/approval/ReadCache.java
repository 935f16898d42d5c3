package io.gitfleet.approval;

import io.gitfleet.schema.Document;
import io.gitfleet.schema.ReadResult;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What {@link CommitFiles#load(org.eclipse.jgit.lib.Repository, ObjectId, ReadCache)} read at the last commit it
 * loaded: per path, the blob and the document read from it (or the problems found). Reading a document is a pure
 * function of its path and bytes, and a blob id names its bytes, so an unchanged file is never parsed twice. Holds
 * one commit's files: a fleet's size, not its history. Not thread-safe; one loader owns it.
 */
public final class ReadCache {
    private Map<String, Entry> entries = new HashMap<>();
    private long misses;

    /** What was read at {@code path} from this very blob, or null. */
    Entry get(String path, ObjectId blob) {
        Entry e = entries.get(path);
        return e != null && e.blob().equals(blob) ? e : null;
    }

    void missed() {
        misses++;
    }

    void replace(Map<String, Entry> read) {
        entries = read;
    }

    /** Documents read from their bytes so far (the others came from the cache). */
    public long misses() {
        return misses;
    }

    record Entry(ObjectId blob, ReadResult<? extends Document> result) {
    }
}
