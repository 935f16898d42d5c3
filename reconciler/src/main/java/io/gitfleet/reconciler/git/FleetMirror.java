package io.gitfleet.reconciler.git;

import io.gitfleet.reconciler.store.RefResult;
import io.gitfleet.reconciler.store.StatusRemote;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The reconciler's local bare mirror of the fleet repo. Fleet branches are fetched into
 * {@code refs/remotes/origin/*} and read from the object database; the status branch is kept as a local branch
 * that follows the remote's and is pushed back to it by compare-and-swap. Remotes: plain paths, {@code file://},
 * {@code git://}, {@code https://} and {@code ssh://}.
 */
public final class FleetMirror implements StatusRemote, AutoCloseable {
    private final Repository repo;
    private final String url;
    private final GitAuth auth;
    private volatile TransferProgress.Factory progress = TransferProgress.NONE;

    private FleetMirror(Repository repo, String url, GitAuth auth) {
        this.repo = repo;
        this.url = url;
        this.auth = auth;
    }

    /** Opens the mirror in {@code dir}, creating a bare repository there on first use. */
    public static FleetMirror open(Path dir, String url, GitAuth auth) throws IOException {
        Files.createDirectories(dir);
        Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
        if (!Files.exists(dir.resolve("HEAD"))) {
            repo.create(true);
        }
        return new FleetMirror(repo, normalize(url), auth);
    }

    /**
     * Removes every ref lock in the mirror: for the server that owns it, at start, since a lock there can only be
     * one its killed predecessor left ({@link StaleLocks}), and it would block that ref for good.
     */
    public FleetMirror clearLocksOfADeadPredecessor() {
        StaleLocks.clearAll(repo.getDirectory().toPath(), java.time.Duration.ZERO);
        return this;
    }

    /** Plain paths become absolute, so the mirror does not depend on the working directory. */
    static String normalize(String url) {
        if (url.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") || url.matches("^[^/]+@[^/:]+:.*")) {
            return url;
        }
        return Path.of(url).toAbsolutePath().normalize().toString();
    }

    /** How long fetches and pushes show their progress: stderr for the command line, the log for the server. */
    public FleetMirror setProgress(TransferProgress.Factory progress) {
        this.progress = progress;
        return this;
    }

    /** A monitor for one fetch of this mirror (with the bytes arriving), for commands that fetch into it. */
    public org.eclipse.jgit.lib.ProgressMonitor fetchProgress() {
        return progress.monitor("fetch " + GitUrls.redact(url), repo.getDirectory().toPath().resolve("objects"));
    }

    public Repository repository() {
        return repo;
    }

    public String url() {
        return url;
    }

    public GitAuth auth() {
        return auth;
    }

    /** Fetches every branch of the remote. */
    public Map<String, ObjectId> fetch() throws FetchFailedException {
        return new FetchFleetCommand(repo).setUrl(url).setAuth(auth).setProgress(fetchProgress()).call();
    }

    /** The fetched head of a fleet branch, or null when the remote has no such branch. */
    public ObjectId branchHead(String branch) throws IOException {
        Ref ref = repo.exactRef(FetchFleetCommand.TRACKING + branch);
        return ref == null ? null : ref.getObjectId();
    }

    @Override
    public ObjectId refresh(String branch) throws IOException {
        fetch();
        ObjectId remote = branchHead(branch);
        RefUpdate u = repo.updateRef(Constants.R_HEADS + branch);
        u.setForceUpdate(true);
        if (remote == null) {
            if (repo.exactRef(Constants.R_HEADS + branch) != null) {
                u.delete();
            }
            return null;
        }
        u.setNewObjectId(remote);
        RefUpdate.Result r = u.update();
        // the lease's thread and the loop's may both set the branch at once: the loser of the ref's lock tries again
        for (int attempt = 1; r == RefUpdate.Result.LOCK_FAILURE && attempt < 20; attempt++) {
            Thread.onSpinWait();
            u = repo.updateRef(Constants.R_HEADS + branch);
            u.setForceUpdate(true);
            u.setNewObjectId(remote);
            r = u.update();
        }
        if (r == RefUpdate.Result.LOCK_FAILURE || r == RefUpdate.Result.IO_FAILURE) {
            throw new IOException("cannot set " + branch + " to the remote's " + remote.name() + ": " + r);
        }
        return remote;
    }

    @Override
    public ObjectId refreshRef(String ref) throws IOException {
        // a wildcard over the ref's folder: an exact spec fails outright when the remote has no such ref yet
        String folder = ref.substring(0, ref.lastIndexOf('/'));
        try (org.eclipse.jgit.transport.Transport t = org.eclipse.jgit.transport.Transport.open(repo, url)) {
            auth.configure(t);
            t.setTagOpt(org.eclipse.jgit.transport.TagOpt.NO_TAGS);
            t.setRemoveDeletedRefs(true);
            t.fetch(org.eclipse.jgit.lib.NullProgressMonitor.INSTANCE,
                    java.util.List.of(new org.eclipse.jgit.transport.RefSpec("+" + folder + "/*:" + folder + "/*")));
        } catch (java.net.URISyntaxException | org.eclipse.jgit.errors.TransportException e) {
            throw new FetchFailedException(url, e);
        }
        Ref local = repo.exactRef(ref);
        return local == null ? null : local.getObjectId();
    }

    @Override
    public RefResult push(String branch, ObjectId expectedOld, ObjectId newId) throws IOException {
        return pushRef(Constants.R_HEADS + branch, expectedOld, newId);
    }

    @Override
    public RefResult push(String branch, ObjectId expectedOld, ObjectId newId, java.nio.file.Path pack)
            throws IOException {
        return pushRef(Constants.R_HEADS + branch, expectedOld, newId, pack);
    }

    @Override
    public RefResult pushRef(String ref, ObjectId expectedOld, ObjectId newId) throws IOException {
        return pushRef(ref, expectedOld, newId, null);
    }

    private RefResult pushRef(String ref, ObjectId expectedOld, ObjectId newId, java.nio.file.Path pack)
            throws IOException {
        RefResult r = new PushRefCommand(repo).setUrl(url).setAuth(auth).setRef(ref).setExpectedOld(expectedOld)
                .setNewId(newId).setPack(pack)
                .setProgress(progress.monitor("push " + ref + " to " + GitUrls.redact(url), null)).call();
        String local = localPath(url);
        if (r == RefResult.COMMITTED && local != null) {
            // JGit receives into a plain path itself and never packs there: see Housekeeping
            io.gitfleet.reconciler.store.Housekeeping.pushedInto(local);
        }
        return r;
    }

    /** The directory of a plain-path or {@code file://} remote, else null. */
    static String localPath(String url) {
        if (url.startsWith("file://")) {
            return java.net.URI.create(url).getPath();
        }
        return url.startsWith("/") ? url : null;
    }

    @Override
    public void close() {
        repo.close();
    }
}
