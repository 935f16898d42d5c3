package io.gitfleet.reconciler.git;

import java.io.IOException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Commits one file change (or deletion) on top of a base commit, on a new branch, without a work tree: how the
 * intent verbs ({@code gitfleet pause NAME}, …) prepare a change for a pull request.
 */
public final class IntentCommitCommand {
    private final Repository repo;
    private ObjectId base;
    private String path;
    private byte[] content;
    private String branch;
    private String message;
    private PersonIdent ident;

    public IntentCommitCommand(Repository repo) {
        this.repo = repo;
    }

    public IntentCommitCommand setBase(ObjectId base) {
        this.base = base;
        return this;
    }

    /** The file to write; a null content deletes it. */
    public IntentCommitCommand setFile(String path, byte[] content) {
        this.path = path;
        this.content = content;
        return this;
    }

    /** Short name of the branch to create; it must not exist yet. */
    public IntentCommitCommand setBranch(String branch) {
        this.branch = branch;
        return this;
    }

    public IntentCommitCommand setMessage(String message) {
        this.message = message;
        return this;
    }

    public IntentCommitCommand setIdent(PersonIdent ident) {
        this.ident = ident;
        return this;
    }

    public ObjectId call() throws IOException {
        try (ObjectInserter inserter = repo.newObjectInserter(); ObjectReader reader = inserter.newReader();
             RevWalk walk = new RevWalk(reader)) {
            RevCommit parent = walk.parseCommit(base);
            DirCache index = DirCache.read(reader, parent.getTree());
            DirCacheEditor editor = index.editor();
            if (content == null) {
                editor.add(new DirCacheEditor.DeletePath(path));
            } else {
                ObjectId blob = inserter.insert(Constants.OBJ_BLOB, content);
                editor.add(new DirCacheEditor.PathEdit(path) {
                    @Override
                    public void apply(DirCacheEntry entry) {
                        entry.setFileMode(FileMode.REGULAR_FILE);
                        entry.setObjectId(blob);
                    }
                });
            }
            editor.finish();
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(index.writeTree(inserter));
            commit.setParentId(parent);
            commit.setAuthor(ident);
            commit.setCommitter(ident);
            commit.setMessage(message);
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            RefUpdate u = repo.updateRef(Constants.R_HEADS + branch);
            u.setExpectedOldObjectId(ObjectId.zeroId());
            u.setNewObjectId(id);
            u.setRefLogMessage("gitfleet: " + message.lines().findFirst().orElse(""), false);
            RefUpdate.Result r = u.update(walk);
            if (r != RefUpdate.Result.NEW) {
                throw new IOException("cannot create branch " + branch + ": " + r);
            }
            return id;
        }
    }
}
