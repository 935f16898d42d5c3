package io.gitfleet.reconciler.store;

import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.FleetStatus.Lease;
import java.io.IOException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The lease on a ref of its own, {@code refs/gitfleet/lease}, so that renewing it never adds to the status branch's
 * history. The ref points at a commit without parent whose tree holds {@code lease.yaml} (a fleet status holding
 * only the lease; none: released): each write replaces the previous commit, which {@code git gc} then drops.
 * It moves by compare-and-swap, locally and on the remote (pushed with the expected old commit).
 */
public final class LeaseRef {
    public static final String REF = "refs/gitfleet/lease";
    static final String FILE = "lease.yaml";

    private final Repository repo;
    private final StatusRemote remote;

    /** What the ref holds: its commit (null: no ref yet) and the lease in it (null: none, or released). */
    public record Read(ObjectId commit, Lease lease) {
    }

    public LeaseRef(Repository repo, StatusRemote remote) {
        this.repo = repo;
        this.remote = remote;
    }

    /** Fetches the remote's ref first (when there is a remote), then reads it. */
    public Read fetch() throws IOException {
        if (remote != null) {
            remote.refreshRef(REF);
        }
        return read();
    }

    /** The ref as the local repository has it. */
    public Read read() throws IOException {
        Ref ref = repo.exactRef(REF);
        if (ref == null) {
            return new Read(null, null);
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(ref.getObjectId());
            try (TreeWalk tw = TreeWalk.forPath(repo, FILE, c.getTree())) {
                if (tw == null) {
                    return new Read(c.copy(), null);
                }
                byte[] bytes = repo.open(tw.getObjectId(0), Constants.OBJ_BLOB).getCachedBytes(64 * 1024);
                FleetStatus doc = DocumentReader.require(REF + ":" + FILE, bytes, FleetStatus.class);
                return new Read(c.copy(), doc.status() == null ? null : doc.status().lease());
            }
        }
    }

    /**
     * Replaces the lease if the ref is still at {@code expectedOld} here and on the remote.
     *
     * @return COMMITTED, or LOCK_FAILURE when another writer moved it (the local ref then follows the remote's)
     */
    public RefResult swap(ObjectId expectedOld, Lease lease, String message) throws IOException {
        ObjectId commit = write(lease, message);
        RefUpdate u = repo.updateRef(REF);
        u.setExpectedOldObjectId(expectedOld == null ? ObjectId.zeroId() : expectedOld);
        u.setNewObjectId(commit);
        u.setForceUpdate(true); // each lease commit stands alone: no history to fast-forward
        RefUpdate.Result r = u.update();
        if (r == RefUpdate.Result.LOCK_FAILURE || r == RefUpdate.Result.REJECTED) {
            return RefResult.LOCK_FAILURE;
        }
        if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED && r != RefUpdate.Result.FAST_FORWARD) {
            throw new IOException("cannot update " + REF + ": " + r);
        }
        if (remote == null || remote.pushRef(REF, expectedOld, commit) == RefResult.COMMITTED) {
            return RefResult.COMMITTED;
        }
        remote.refreshRef(REF);
        return RefResult.LOCK_FAILURE;
    }

    private ObjectId write(Lease lease, String message) throws IOException {
        FleetStatus doc = FleetStatus.of(new FleetStatus.State(null, null, null, null, null, lease));
        byte[] yaml = StatusChanges.serialize(StatusPaths.FLEET, doc);
        try (ObjectInserter ins = repo.newObjectInserter()) {
            TreeFormatter tree = new TreeFormatter();
            tree.append(FILE, FileMode.REGULAR_FILE, ins.insert(Constants.OBJ_BLOB, yaml));
            CommitBuilder c = new CommitBuilder();
            c.setTreeId(ins.insert(tree));
            PersonIdent ident = new PersonIdent(StatusStore.DEFAULT_IDENT, java.time.Instant.now());
            c.setAuthor(ident);
            c.setCommitter(ident);
            c.setMessage(message + "\n");
            ObjectId id = ins.insert(c);
            ins.flush();
            return id;
        }
    }
}
