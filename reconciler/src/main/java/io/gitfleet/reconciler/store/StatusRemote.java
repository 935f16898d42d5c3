package io.gitfleet.reconciler.store;

import java.io.IOException;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The shared copy of the status branch (the fleet repo's remote), when there is one. Implemented by the Git
 * mirror; the store only needs these gestures.
 */
public interface StatusRemote {
    /**
     * Fetches {@code branch} from the remote and sets the local branch to it.
     *
     * @return the remote's commit, or null when the remote has no such branch
     */
    ObjectId refresh(String branch) throws IOException;

    /**
     * Pushes {@code branch} from {@code expectedOld} (null: must not exist) to {@code newId}.
     *
     * @return COMMITTED, or LOCK_FAILURE when the remote branch was not at {@code expectedOld}
     */
    RefResult push(String branch, ObjectId expectedOld, ObjectId newId) throws IOException;

    /**
     * As {@link #push(String, ObjectId, ObjectId)}, with the pack that holds every object {@code newId} adds to
     * {@code expectedOld} (null: not known), which a remote on this machine may take as it is.
     */
    default RefResult push(String branch, ObjectId expectedOld, ObjectId newId, java.nio.file.Path pack)
            throws IOException {
        return push(branch, expectedOld, newId);
    }

    /**
     * Fetches {@code ref}, a ref outside the branches (e.g. {@code refs/gitfleet/lease}), and sets the local
     * {@code ref} to it.
     *
     * @return the remote's object, or null when the remote has no such ref
     */
    ObjectId refreshRef(String ref) throws IOException;

    /** Pushes {@code ref} (a full ref name) from {@code expectedOld} (null: must not exist) to {@code newId}. */
    RefResult pushRef(String ref, ObjectId expectedOld, ObjectId newId) throws IOException;
}
