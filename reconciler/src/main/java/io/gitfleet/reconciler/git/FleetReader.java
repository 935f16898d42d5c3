package io.gitfleet.reconciler.git;

import io.gitfleet.approval.CommitFiles;
import io.gitfleet.schema.LoadedFleet;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * Reads a fleet (or one file) at a commit straight from the object database. The reading itself is
 * {@link CommitFiles}, shared with the agent's verification, so both read an approved commit the same way.
 */
public final class FleetReader {
    private FleetReader() {
    }

    public static LoadedFleet load(Repository repo, ObjectId commit) throws IOException {
        return CommitFiles.load(repo, commit);
    }

    /** Like {@link #load(Repository, ObjectId)}, parsing only the files {@code cache} has not read (by blob). */
    public static LoadedFleet load(Repository repo, ObjectId commit, io.gitfleet.approval.ReadCache cache)
            throws IOException {
        return CommitFiles.load(repo, commit, cache);
    }

    /** The files gitfleet reads at {@code commit}, path → bytes. */
    public static Map<String, byte[]> files(Repository repo, ObjectId commit) throws IOException {
        return CommitFiles.files(repo, commit);
    }

    /** One file at a commit, or empty. */
    public static Optional<byte[]> file(Repository repo, ObjectId commit, String path) throws IOException {
        return CommitFiles.file(repo, commit, path);
    }
}
