package io.gitfleet.reconciler.git;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Which commit of the approved branch last changed a file (added, edited or deleted it), following first parents:
 * for a change merged from a pull request that is the merge commit, the one the forge shows on the branch. Answers
 * are remembered per file, so when the branch moves only the new commits are read.
 */
public final class ManifestHistory {
    /** A file not changed in this many commits is taken as never changed (the answer is null). */
    static final int MAX_COMMITS = 20_000;

    private record Known(ObjectId head, ObjectId change) {
    }

    private final Repository repo;
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    public ManifestHistory(Repository repo) {
        this.repo = repo;
    }

    /** The commit on {@code head}'s first-parent chain that last changed {@code path}, or null when none did. */
    public ObjectId lastChange(ObjectId head, String path) throws IOException {
        Known before = known.get(path);
        if (before != null && before.head.equals(head)) {
            return before.change;
        }
        try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
            RevCommit commit = walk.parseCommit(head);
            ObjectId here = blob(reader, commit, path);
            for (int i = 0; i < MAX_COMMITS; i++) {
                if (before != null && commit.equals(before.head)) {
                    return remember(path, head, before.change);
                }
                RevCommit parent = commit.getParentCount() == 0 ? null : walk.parseCommit(commit.getParent(0));
                ObjectId then = parent == null ? null : blob(reader, parent, path);
                if (!Objects.equals(here, then)) {
                    return remember(path, head, commit.copy());
                }
                if (parent == null) {
                    break;
                }
                commit = parent;
                here = then;
            }
            return remember(path, head, null);
        }
    }

    private ObjectId remember(String path, ObjectId head, ObjectId change) {
        known.put(path, new Known(head.copy(), change));
        return change;
    }

    private static ObjectId blob(ObjectReader reader, RevCommit commit, String path) throws IOException {
        try (TreeWalk tw = TreeWalk.forPath(reader, path, commit.getTree())) {
            return tw == null ? null : tw.getObjectId(0);
        }
    }
}
