package io.gitfleet.reconciler.git;

import java.io.IOException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * What this reconciler itself checked, kept as refs of its own mirror (in {@code --data-dir}), never taken from the
 * status branch: anyone who can push there could otherwise write "this was checked" next to an unsigned commit, or
 * delete the branch to make the reconciler forget what it acted on. The refs also keep the commits' objects alive
 * in the mirror after a force-push removes them from the remote.
 */
public final class TrustAnchors {
    /** The last approved commit that passed the approval checks (or that an operator accepted). */
    public static final String APPROVED = "refs/gitfleet/approved";
    /** The last status-branch commit this reconciler read or wrote, while the branch's history held together. */
    public static final String STATUS_SEEN = "refs/gitfleet/status-seen";

    private final Repository repo;

    public TrustAnchors(Repository repo) {
        this.repo = repo;
    }

    /** The last approved commit this reconciler accepted, or null on its first pass (or a new data dir). */
    public ObjectId approved() throws IOException {
        return present(APPROVED);
    }

    public void approve(ObjectId commit) throws IOException {
        set(APPROVED, commit);
    }

    /** The last status commit seen while the branch's history held together, or null. */
    public ObjectId statusSeen() throws IOException {
        return present(STATUS_SEEN);
    }

    public void sawStatus(ObjectId commit) throws IOException {
        if (commit != null) {
            set(STATUS_SEEN, commit);
        }
    }

    /** Whether {@code newer} descends from (or is) {@code older}; false when either is missing. */
    public boolean descends(ObjectId older, ObjectId newer) throws IOException {
        if (older == null || newer == null) {
            return false;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            return walk.isMergedInto(walk.parseCommit(older), walk.parseCommit(newer));
        } catch (org.eclipse.jgit.errors.MissingObjectException e) {
            return false;
        }
    }

    private ObjectId present(String name) throws IOException {
        Ref ref = repo.exactRef(name);
        if (ref == null || ref.getObjectId() == null || !repo.getObjectDatabase().has(ref.getObjectId())) {
            return null;
        }
        return ref.getObjectId();
    }

    private void set(String name, ObjectId commit) throws IOException {
        Ref ref = repo.exactRef(name);
        if (ref != null && commit.equals(ref.getObjectId())) {
            return;
        }
        RefUpdate u = repo.updateRef(name);
        u.setNewObjectId(commit);
        u.setForceUpdate(true);
        RefUpdate.Result r = u.update();
        if (r == RefUpdate.Result.LOCK_FAILURE || r == RefUpdate.Result.IO_FAILURE || r == RefUpdate.Result.REJECTED) {
            throw new IOException("cannot record " + name + " = " + commit.name() + " in the mirror: " + r);
        }
    }
}
