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
    private java.nio.file.Path pack;

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

    /**
     * The pack that holds every object {@code newId} adds to {@code expectedOld} (null: not known). A remote that is
     * a plain path on this machine then takes the pack as it is instead of a receive-pack session, which would
     * inflate and hash every object once more: a merge that starts 10,000 nodes pushes 10,000 new objects.
     */
    public PushRefCommand setPack(java.nio.file.Path pack) {
        this.pack = pack;
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
        java.io.File gitDir = localGitDir();
        return gitDir != null && StaleLocks.clear(gitDir.toPath(), ref);
    }

    /** The git directory of a plain-path remote, or null for a remote elsewhere (or no repository there). */
    private java.io.File localGitDir() {
        String local = FleetMirror.localPath(url);
        return local == null ? null : org.eclipse.jgit.lib.RepositoryCache.FileKey.resolve(new java.io.File(local),
                org.eclipse.jgit.util.FS.DETECTED);
    }

    /**
     * The push to a repository on this machine, with the pack already written: the pack and its index are linked
     * (or copied) into the remote's packs, then the remote's ref is moved by compare-and-swap under its own lock,
     * as receive-pack would move it. Every object the new commit reaches is then in the remote: the pack holds the
     * new ones, and the rest are reachable from {@code expectedOld}, which the swap proves is the remote's head. A
     * lost swap leaves the pack's objects unreferenced until the next repack drops them.
     */
    private RefResult pushLocally(java.io.File gitDir) throws IOException {
        try (Repository remote = new org.eclipse.jgit.storage.file.FileRepositoryBuilder().setGitDir(gitDir)
                .setMustExist(true).build()) {
            if (!(remote.getObjectDatabase() instanceof org.eclipse.jgit.internal.storage.file.ObjectDirectory odb)) {
                throw new PushFailedException(url, ref, "not a repository of files");
            }
            java.nio.file.Path packs = odb.getPackDirectory().toPath();
            java.nio.file.Files.createDirectories(packs);
            String name = pack.getFileName().toString();
            String base = name.substring(0, name.length() - ".pack".length());
            // the index last: git's readers find a pack by its index
            share(pack, packs.resolve(name));
            share(pack.resolveSibling(base + ".idx"), packs.resolve(base + ".idx"));
            org.eclipse.jgit.lib.RefUpdate u = remote.updateRef(ref);
            u.setExpectedOldObjectId(expectedOld == null ? ObjectId.zeroId() : expectedOld);
            u.setNewObjectId(newId);
            u.setForceUpdate(true);
            u.setRefLogMessage("push", false);
            org.eclipse.jgit.lib.RefUpdate.Result r = u.update();
            TransferProgress.finished(progress);
            return switch (r) {
                case NEW, FAST_FORWARD, FORCED -> RefResult.COMMITTED;
                // the ref is locked by another writer or not at expectedOld, or (NO_CHANGE) already at this very
                // commit, which another writer computed and pushed first: a lost race, as over a transport
                case LOCK_FAILURE, NO_CHANGE, REJECTED -> RefResult.LOCK_FAILURE;
                default -> throw new PushFailedException(url, ref, "the remote's ref could not be moved: " + r);
            };
        }
    }

    /** Puts {@code from} at {@code to}: a hard link where the file system allows one, else a copy moved in. */
    private static void share(java.nio.file.Path from, java.nio.file.Path to) throws IOException {
        if (java.nio.file.Files.exists(to)) {
            return;
        }
        try {
            java.nio.file.Files.createLink(to, from);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // the same pack, linked by an earlier attempt
        } catch (IOException | UnsupportedOperationException e) {
            java.nio.file.Path tmp = java.nio.file.Files.createTempFile(to.getParent(), "gitfleet_", ".tmp");
            try {
                java.nio.file.Files.copy(from, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                java.nio.file.Files.move(tmp, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                java.nio.file.Files.deleteIfExists(tmp);
            }
        }
    }

    private RefResult push() throws IOException {
        java.io.File local = pack == null ? null : localGitDir();
        if (local != null) {
            return pushLocally(local);
        }
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
