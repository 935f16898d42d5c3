package io.gitfleet.reconciler.store;

import io.gitfleet.schema.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;

/**
 * The status branch: read it, and change it by compare-and-swap. An update is computed from the branch as it is,
 * committed locally from the commit it was computed on, then pushed to the remote (when there is one) with the
 * same expected old commit. Either swap failing means another writer moved the branch: re-read, recompute, retry
 * with backoff. Nothing meaningful changed: no commit.
 */
public final class StatusStore {
    public static final String DEFAULT_BRANCH = "gitfleet/status";
    public static final PersonIdent DEFAULT_IDENT = new PersonIdent("gitfleet", "gitfleet@localhost");

    private final Repository repo;
    private final String branch;
    private final StatusRemote remote;
    private PersonIdent ident = DEFAULT_IDENT;
    private CommitSigner signer;
    private int maxAttempts = 30;
    private Duration backoff = Duration.ofMillis(10);

    /**
     * @param branch short name, e.g. {@code gitfleet/status}
     * @param remote the shared copy to push to, or null when this repository is the only copy
     */
    public StatusStore(Repository repo, String branch, StatusRemote remote) {
        this.repo = repo;
        this.branch = branch;
        this.remote = remote;
    }

    public StatusStore setIdent(PersonIdent ident) {
        this.ident = ident;
        return this;
    }

    /** Signs every status commit with this key (null: unsigned, the default). */
    public StatusStore setSigner(CommitSigner signer) {
        this.signer = signer;
        return this;
    }

    public StatusStore setRetries(int maxAttempts, Duration backoff) {
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        return this;
    }

    public String branch() {
        return branch;
    }

    public String ref() {
        return Constants.R_HEADS + branch;
    }

    public Repository repository() {
        return repo;
    }

    /** The shared copy, or null when this repository is the only one. */
    public StatusRemote remote() {
        return remote;
    }

    /** The branch head in the local repository, or null. */
    public ObjectId head() throws IOException {
        Ref ref = repo.exactRef(ref());
        return ref == null ? null : ref.getObjectId();
    }

    public CommitStatusView read() throws IOException {
        return CommitStatusView.of(repo, head());
    }

    /** Sets the local branch to the remote's (no-op without a remote). */
    public void refresh() throws IOException {
        if (remote != null) {
            remote.refresh(branch);
        }
    }

    public WriteResult update(StatusMutation mutation) throws IOException {
        Backoff wait = new Backoff(backoff, Duration.ofSeconds(1), new java.util.Random());
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            ObjectId head = head();
            CommitStatusView view = CommitStatusView.of(repo, head);
            StatusUpdate update = mutation.apply(view);
            SortedMap<String, byte[]> changes = StatusChanges.meaningful(view, update);
            if (changes.isEmpty()) {
                return new WriteResult(RefResult.NO_CHANGE, view.commit(), attempt, changes.keySet());
            }
            CommitStatusCommand.CommitResult local = new CommitStatusCommand(repo).setBranch(ref()).setSigner(signer)
                    .setExpectedOld(head).setChanges(changes)
                    .setMessage(CommitMessage.of(update.events(), update.approvedCommit(),
                            update.events().isEmpty() ? summary(changes) : null))
                    .setIdent(new PersonIdent(ident, java.time.Instant.now())).call();
            if (local.result() == RefResult.NO_CHANGE) {
                return new WriteResult(RefResult.NO_CHANGE, view.commit(), attempt, changes.keySet());
            }
            remember(update, changes, local.blobs());
            if (local.result() == RefResult.COMMITTED
                    && (remote == null || push(head, local.commit(), local.pack()) == RefResult.COMMITTED)) {
                Housekeeping.wrote(repo);
                return new WriteResult(RefResult.COMMITTED, local.commit().name(), attempt, changes.keySet());
            }
            if (local.result() == RefResult.COMMITTED) {
                // the remote moved: our local commit is not shared; take the remote's branch and recompute
                remote.refresh(branch);
            }
            pause(wait.next());
        }
        throw new StatusRaceLostException(branch, maxAttempts);
    }

    /**
     * Rows just written are what a read of their files would give: they go into {@link RowCache} under their new
     * blobs, so that the next pass does not parse them back. A merge that starts 10,000 nodes writes 10,000 rows,
     * and parsing them back (YAML and schema) took the next pass about half a second. Under assertions (every test)
     * each row is read back from its bytes and must equal the row remembered.
     */
    private static void remember(StatusUpdate update, Map<String, byte[]> changes, Map<String, ObjectId> blobs) {
        for (Map.Entry<String, io.gitfleet.schema.Document> w : update.writes().entrySet()) {
            if (!(w.getValue() instanceof io.gitfleet.schema.UpgradeStatus u) || u.status() == null
                    || StatusPaths.typeOf(w.getKey()) != io.gitfleet.schema.UpgradeStatus.class) {
                continue;
            }
            String name = StatusPaths.nameOf(w.getKey());
            for (io.gitfleet.schema.UpgradeStatus.NodeRow row : u.status().nodes()) {
                String path = StatusPaths.row(name, row.node());
                ObjectId blob = blobs.get(path);
                if (blob == null) {
                    continue;
                }
                if (StatusChanges.CHECK && !row.equals(StatusView.readRow(path, changes.get(path)))) {
                    throw new IllegalStateException(path + " reads back as another row than the one written");
                }
                RowCache.put(blob, path, row);
            }
        }
    }

    /**
     * Pushes the local commit; when the push fails outright (the remote unreachable), the local branch goes back to
     * {@code head}: a commit the remote never got is not the status branch, and must not be read as recorded.
     */
    private RefResult push(ObjectId head, ObjectId commit, java.nio.file.Path pack) throws IOException {
        try {
            return remote.push(branch, head, commit, pack);
        } catch (IOException | RuntimeException e) {
            org.eclipse.jgit.lib.RefUpdate back = repo.updateRef(ref());
            back.setExpectedOldObjectId(commit);
            back.setForceUpdate(true);
            if (head == null) {
                back.delete();
            } else {
                back.setNewObjectId(head);
                back.update();
            }
            throw e;
        }
    }

    private static void pause(Duration wait) throws IOException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while retrying a status write");
        }
    }

    /** The subject of a commit that carries no planner event: which documents changed. */
    static String summary(SortedMap<String, byte[]> changes) {
        List<String> nodes = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (String path : changes.keySet()) {
            String name = StatusPaths.nameOf(path);
            String upgrade = StatusPaths.upgradeOfRow(path);
            if (StatusPaths.typeOf(path) == io.gitfleet.schema.NodeStatus.class) {
                nodes.add(name);
            } else if (upgrade != null || StatusPaths.typeOf(path) == null) {
                String u = "upgrades/" + (upgrade != null ? upgrade : name);
                if (!other.contains(u)) {
                    other.add(u);
                }
            } else if (path.equals(StatusPaths.FLEET)) {
                other.add("fleet");
            } else {
                other.add(path.substring(0, path.indexOf('/')) + "/" + name);
            }
        }
        StringBuilder b = new StringBuilder("status: ");
        if (!nodes.isEmpty()) {
            b.append(nodes.size() == 1 ? "node " : nodes.size() + " nodes: ").append(String.join(", ",
                    nodes.subList(0, Math.min(3, nodes.size())))).append(nodes.size() > 3 ? ", …" : "");
        }
        if (!other.isEmpty()) {
            b.append(nodes.isEmpty() ? "" : "; ").append(String.join(", ", other));
        }
        return b.toString();
    }
}
