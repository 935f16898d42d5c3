package io.gitfleet.reconciler.git;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

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
        return lastChanges(head, List.of(path)).get(path);
    }

    /**
     * For each path, the commit on {@code head}'s first-parent chain that last changed it (absent: none did). One
     * walk serves every path: each commit is compared with its first parent within these paths only, so unchanged
     * folders are skipped by their tree ids, and the walk stops once every path is answered.
     */
    public Map<String, ObjectId> lastChanges(ObjectId head, Collection<String> paths) throws IOException {
        Map<String, ObjectId> out = new HashMap<>();
        Set<String> open = new HashSet<>();
        for (String path : paths) {
            Known k = known.get(path);
            if (k != null && k.head.equals(head)) {
                if (k.change != null) {
                    out.put(path, k.change);
                }
            } else {
                open.add(path);
            }
        }
        if (open.isEmpty()) {
            return out;
        }
        try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
            RevCommit commit = walk.parseCommit(head);
            for (int i = 0; i < MAX_COMMITS && commit != null && !open.isEmpty(); i++) {
                // a path answered at this commit before is answered for the new head the same way
                for (java.util.Iterator<String> it = open.iterator(); it.hasNext(); ) {
                    String path = it.next();
                    Known k = known.get(path);
                    if (k != null && commit.equals(k.head)) {
                        answer(out, path, head, k.change);
                        it.remove();
                    }
                }
                if (open.isEmpty()) {
                    break;
                }
                RevCommit parent = commit.getParentCount() == 0 ? null : walk.parseCommit(commit.getParent(0));
                try (TreeWalk tw = new TreeWalk(reader)) {
                    tw.addTree(commit.getTree());
                    if (parent == null) {
                        tw.addTree(new EmptyTreeIterator());
                    } else {
                        tw.addTree(parent.getTree());
                    }
                    tw.setRecursive(true);
                    tw.setFilter(AndTreeFilter.create(PathFilterGroup.createFromStrings(open), TreeFilter.ANY_DIFF));
                    while (tw.next()) {
                        String path = tw.getPathString();
                        if (open.remove(path)) {
                            answer(out, path, head, commit.copy());
                        }
                    }
                }
                commit = parent;
            }
            for (String path : open) {
                answer(out, path, head, null);
            }
            return out;
        }
    }

    private void answer(Map<String, ObjectId> out, String path, ObjectId head, ObjectId change) {
        remember(path, head, change);
        if (change != null) {
            out.put(path, change);
        }
    }

    private ObjectId remember(String path, ObjectId head, ObjectId change) {
        known.put(path, new Known(head.copy(), change));
        return change;
    }
}
