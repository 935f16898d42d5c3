package io.gitfleet.reconciler.git;

import io.gitfleet.reconciler.store.RefResult;
import java.io.IOException;
import java.util.List;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;

/**
 * Pushes one commit to one ref of the remote by compare-and-swap: the remote takes it only if its branch is
 * still at the expected old commit (or absent, when none is expected). A refusal for that reason is a lost race.
 */
public final class PushRefCommand {
    private final Repository repo;
    private String url;
    private GitAuth auth = GitAuth.NONE;
    private String ref;
    private ObjectId newId;
    private ObjectId expectedOld;
    private org.eclipse.jgit.lib.ProgressMonitor progress = NullProgressMonitor.INSTANCE;

    public PushRefCommand(Repository repo) {
        this.repo = repo;
    }

    public PushRefCommand setUrl(String url) {
        this.url = url;
        return this;
    }

    public PushRefCommand setAuth(GitAuth auth) {
        this.auth = auth;
        return this;
    }

    public PushRefCommand setBranch(String branch) {
        this.ref = Constants.R_HEADS + branch;
        return this;
    }

    /** A full ref name, for refs outside the branches (the lease's {@code refs/gitfleet/lease}). */
    public PushRefCommand setRef(String ref) {
        this.ref = ref;
        return this;
    }

    public PushRefCommand setNewId(ObjectId newId) {
        this.newId = newId;
        return this;
    }

    /** Null: the remote branch must not exist yet. */
    public PushRefCommand setExpectedOld(ObjectId expectedOld) {
        this.expectedOld = expectedOld;
        return this;
    }

    /** Where a long push shows its progress ({@link TransferProgress}); none by default. */
    public PushRefCommand setProgress(org.eclipse.jgit.lib.ProgressMonitor progress) {
        this.progress = progress;
        return this;
    }

    private static boolean lostRace(String message) {
        return message != null && (message.contains("failed to update ref") || message.contains("lock"));
    }

    private RefResult fail(String ref, RemoteRefUpdate done) throws PushFailedException {
        throw new PushFailedException(url, ref, done.getStatus()
                + (done.getMessage() == null ? "" : " (" + done.getMessage() + ")"));
    }

    /**
     * Pushes; a lost race is {@link RefResult#LOCK_FAILURE}. When the remote is a plain path and the refusal came
     * from a lock its owner left behind when it died ({@link StaleLocks}), the lock is removed, with a warning,
     * and the push made once more.
     */
    public RefResult call() throws IOException {
        RefResult r = push();
        if (r == RefResult.LOCK_FAILURE && clearStaleLocks()) {
            return push();
        }
        return r;
    }

    /** Removes the ref's stale locks on a plain-path remote ({@link StaleLocks}); true if any. */
    private boolean clearStaleLocks() {
        String local = FleetMirror.localPath(url);
        if (local == null) {
            return false;
        }
        java.io.File gitDir = org.eclipse.jgit.lib.RepositoryCache.FileKey.resolve(new java.io.File(local),
                org.eclipse.jgit.util.FS.DETECTED);
        return gitDir != null && StaleLocks.clear(gitDir.toPath(), ref);
    }

    private RefResult push() throws IOException {
        try (Transport t = Transport.open(repo, url)) {
            auth.configure(t);
            RemoteRefUpdate update = new RemoteRefUpdate(repo, null, newId, ref, true, null,
                    expectedOld == null ? ObjectId.zeroId() : expectedOld);
            PushResult result = t.push(progress, List.of(update));
            TransferProgress.finished(progress);
            RemoteRefUpdate done = result.getRemoteUpdate(ref);
            return switch (done.getStatus()) {
                case OK -> RefResult.COMMITTED;
                // the remote already has this very commit: another writer computed the same status from the same
                // parent in the same second and pushed it first. Not our swap: recompute on top of it.
                case UP_TO_DATE -> RefResult.LOCK_FAILURE;
                case REJECTED_REMOTE_CHANGED, REJECTED_NONFASTFORWARD -> RefResult.LOCK_FAILURE;
                // git's receive-pack answers "failed to update ref" / "cannot lock ref" when another push
                // holds the ref's lock or moved it under us: the same lost race, retried by the store
                case REJECTED_OTHER_REASON -> lostRace(done.getMessage()) ? RefResult.LOCK_FAILURE
                        : fail(ref, done);
                default -> fail(ref, done);
            };
        } catch (java.net.URISyntaxException e) {
            throw new PushFailedException(url, ref, e.getMessage());
        } catch (org.eclipse.jgit.errors.TransportException e) {
            // receive-pack reports a stale old id as "failed to lock" on some servers
            if (String.valueOf(e.getMessage()).contains("lock")) {
                return RefResult.LOCK_FAILURE;
            }
            throw new PushFailedException(url, ref, e.getMessage());
        }
    }
}
