package io.gitfleet.reconciler.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import io.gitfleet.schema.UpgradeStatus;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/** One commit of the status branch, read straight from the object database (no work tree). */
public final class CommitStatusView implements StatusView {
    /** Status files are small; anything bigger was not written by gitfleet. */
    private static final int MAX_FILE = 16 * 1024 * 1024;

    private final Repository repo;
    private final ObjectId commit;
    private final ObjectId tree;

    private CommitStatusView(Repository repo, ObjectId commit, ObjectId tree) {
        this.repo = repo;
        this.commit = commit;
        this.tree = tree;
    }

    /** The view of {@code commit}, or the empty view when it is null (the branch does not exist yet). */
    public static CommitStatusView of(Repository repo, ObjectId commit) throws IOException {
        if (commit == null || commit.equals(ObjectId.zeroId())) {
            return new CommitStatusView(repo, null, null);
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(commit);
            return new CommitStatusView(repo, c.copy(), c.getTree().copy());
        }
    }

    public ObjectId commitId() {
        return commit;
    }

    public ObjectId treeId() {
        return tree;
    }

    @Override
    public String commit() {
        return commit == null ? null : commit.name();
    }

    @Override
    public Optional<byte[]> read(String path) throws IOException {
        if (tree == null) {
            return Optional.empty();
        }
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk tw = TreeWalk.forPath(reader, path, tree)) {
            if (tw == null || tw.getFileMode(0).getObjectType() != Constants.OBJ_BLOB) {
                return Optional.empty();
            }
            return Optional.of(reader.open(tw.getObjectId(0), Constants.OBJ_BLOB).getCachedBytes(MAX_FILE));
        }
    }

    /**
     * The id of the tree at {@code folder} (e.g. {@code nodes}), or null when there is none: equal ids mean equal
     * contents, so a reader can skip a folder that did not change between two commits.
     */
    public ObjectId subtree(String folder) throws IOException {
        if (tree == null) {
            return null;
        }
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk at = TreeWalk.forPath(reader, folder, tree)) {
            return at == null || at.getFileMode(0) != FileMode.TREE ? null : at.getObjectId(0).copy();
        }
    }

    /** The folder's tree id: equal ids, equal contents. */
    @Override
    public Object contentKey(String folder) throws IOException {
        ObjectId id = subtree(folder);
        return id == null ? ObjectId.zeroId() : id;
    }

    @Override
    public List<String> list(String folder) throws IOException {
        List<String> out = new ArrayList<>();
        if (tree == null) {
            return out;
        }
        boolean sharded = folder.equals(StatusPaths.NODES) || folder.endsWith("/" + StatusPaths.NODES);
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk at = TreeWalk.forPath(reader, folder, tree)) {
            if (at == null || at.getFileMode(0) != FileMode.TREE) {
                return out;
            }
            try (TreeWalk tw = new TreeWalk(reader)) {
                tw.addTree(at.getObjectId(0));
                tw.setRecursive(sharded);
                while (tw.next()) {
                    if (tw.getFileMode(0) != FileMode.TREE) {
                        out.add(folder + "/" + tw.getPathString());
                    }
                }
            }
        }
        return out;
    }

    /** Rows are read once per content: a row file that did not change since the last read costs a tree entry. */
    @Override
    public SortedMap<String, UpgradeStatus.NodeRow> rows(String upgrade) throws IOException {
        SortedMap<String, UpgradeStatus.NodeRow> out = new TreeMap<>();
        if (tree == null) {
            return out;
        }
        String folder = StatusPaths.rows(upgrade);
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk at = TreeWalk.forPath(reader, folder, tree)) {
            if (at == null || at.getFileMode(0) != FileMode.TREE) {
                return out;
            }
            try (TreeWalk tw = new TreeWalk(reader)) {
                tw.addTree(at.getObjectId(0));
                tw.setRecursive(true);
                while (tw.next()) {
                    String path = folder + "/" + tw.getPathString();
                    if (tw.getFileMode(0).getObjectType() != Constants.OBJ_BLOB
                            || StatusPaths.typeOf(path) != io.gitfleet.schema.UpgradeNodeStatus.class) {
                        continue;
                    }
                    ObjectId blob = tw.getObjectId(0);
                    UpgradeStatus.NodeRow row = RowCache.get(blob, path);
                    if (row == null) {
                        row = StatusView.readRow(path, reader.open(blob, Constants.OBJ_BLOB).getCachedBytes(MAX_FILE));
                        RowCache.put(blob, path, row);
                    }
                    out.put(row.node(), row);
                }
            }
        }
        return out;
    }
}
