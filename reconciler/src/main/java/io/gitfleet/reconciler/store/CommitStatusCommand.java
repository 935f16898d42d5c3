package io.gitfleet.reconciler.store;

import java.io.IOException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Writes one commit on the status branch in memory (blobs, the changed trees, the commit) and moves the branch
 * by compare-and-swap from the expected old commit. Does not judge whether a change is meaningful:
 * {@link StatusStore} does that before.
 */
public final class CommitStatusCommand {
    /** Changed files from which a commit's objects go into one pack rather than loose files. */
    static final int PACK_AT = Integer.getInteger("gitfleet.packAt", 2);

    private final Repository repo;
    private String branch;
    private ObjectId expectedOld;
    private SortedMap<String, byte[]> changes = new TreeMap<>();
    private String message;
    private PersonIdent ident;
    private CommitSigner signer;

    public CommitStatusCommand(Repository repo) {
        this.repo = repo;
    }

    /** Full ref name, e.g. {@code refs/heads/gitfleet/status}. */
    public CommitStatusCommand setBranch(String branch) {
        this.branch = branch;
        return this;
    }

    /** The commit the branch must still point at; null means the branch must not exist yet. */
    public CommitStatusCommand setExpectedOld(ObjectId expectedOld) {
        this.expectedOld = expectedOld;
        return this;
    }

    /** Path → new bytes; a null value deletes the path. */
    public CommitStatusCommand setChanges(Map<String, byte[]> changes) {
        this.changes = new TreeMap<>(changes);
        return this;
    }

    public CommitStatusCommand setMessage(String message) {
        this.message = message;
        return this;
    }

    public CommitStatusCommand setIdent(PersonIdent ident) {
        this.ident = ident;
        return this;
    }

    /** Signs the commit ({@code serve --signing-key}); null: unsigned. */
    public CommitStatusCommand setSigner(CommitSigner signer) {
        this.signer = signer;
        return this;
    }

    public CommitResult call() throws IOException {
        try (ObjectInserter inserter = inserter();
             ObjectReader reader = inserter.newReader();
             RevWalk walk = new RevWalk(reader)) {
            ObjectId baseTree = null;
            if (expectedOld != null) {
                RevCommit old = walk.parseCommit(expectedOld);
                baseTree = old.getTree().copy();
            }
            SortedMap<String, ObjectId> blobs = insertBlobs(inserter);
            ObjectId tree = new TreeUpdater(reader, inserter).apply(baseTree, blobs);
            if (tree.equals(baseTree)) {
                return new CommitResult(RefResult.NO_CHANGE, expectedOld, null, Map.of());
            }
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(tree);
            if (expectedOld != null) {
                commit.setParentId(expectedOld);
            }
            commit.setAuthor(ident);
            commit.setCommitter(ident);
            commit.setMessage(message);
            if (signer != null) {
                signer.sign(repo, commit);
            }
            ObjectId id = inserter.insert(commit);
            inserter.flush();

            RefUpdate update = repo.updateRef(branch);
            update.setExpectedOldObjectId(expectedOld == null ? ObjectId.zeroId() : expectedOld);
            update.setNewObjectId(id);
            update.setRefLogMessage("gitfleet: status", false);
            // the status branch is only ever extended; CAS decides, so no fast-forward check is needed
            update.setForceUpdate(true);
            RefUpdate.Result r = update.update(walk);
            java.nio.file.Path pack = inserter instanceof StatusPackInserter p ? p.pack() : null;
            return switch (r) {
                case NEW, FAST_FORWARD, FORCED -> new CommitResult(RefResult.COMMITTED, id, pack, blobs);
                case LOCK_FAILURE -> new CommitResult(RefResult.LOCK_FAILURE, id, pack, blobs);
                default -> throw new IOException("cannot update " + branch + ": " + r);
            };
        }
    }

    /** The changed paths' new blobs (null for a deleted path), hashed on every core by a pack inserter. */
    private SortedMap<String, ObjectId> insertBlobs(ObjectInserter inserter) throws IOException {
        SortedMap<String, ObjectId> blobs = new TreeMap<>();
        java.util.List<String> paths = new java.util.ArrayList<>(changes.size());
        java.util.List<byte[]> contents = new java.util.ArrayList<>(changes.size());
        for (Map.Entry<String, byte[]> c : changes.entrySet()) {
            if (c.getValue() == null) {
                blobs.put(c.getKey(), null);
            } else {
                paths.add(c.getKey());
                contents.add(c.getValue());
            }
        }
        java.util.List<ObjectId> ids = new java.util.ArrayList<>(contents.size());
        if (inserter instanceof StatusPackInserter packs) {
            ids = packs.insertBlobs(contents);
        } else {
            for (byte[] content : contents) {
                ids.add(inserter.insert(Constants.OBJ_BLOB, content));
            }
        }
        for (int i = 0; i < ids.size(); i++) {
            blobs.put(paths.get(i), ids.get(i));
        }
        return blobs;
    }

    /**
     * One pack per commit rather than a loose file per object: creating a file costs more than writing it (most of
     * a status commit's time went to creating loose objects' files), and the first pass of a 100,000-node fleet
     * writes a row file per node. {@link Housekeeping} packs the packs together once they pile up.
     * {@link StatusPackInserter} hashes and deflates on every core, and names the pack it wrote.
     */
    private ObjectInserter inserter() {
        if (changes.size() >= PACK_AT
                && repo.getObjectDatabase() instanceof org.eclipse.jgit.internal.storage.file.ObjectDirectory dir) {
            return new StatusPackInserter(repo, dir);
        }
        return repo.newObjectInserter();
    }

    /**
     * @param commit the new commit (COMMITTED), the one that lost (LOCK_FAILURE) or the old one (NO_CHANGE)
     * @param pack   the pack that holds every object the commit added, or null when they were written otherwise
     * @param blobs  each changed path's new blob (null: deleted)
     */
    public record CommitResult(RefResult result, ObjectId commit, java.nio.file.Path pack, Map<String, ObjectId> blobs) {
    }
}
