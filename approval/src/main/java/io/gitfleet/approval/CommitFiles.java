package io.gitfleet.approval;

import io.gitfleet.schema.FleetLoader;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.SafeYaml;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/** Reads a fleet (or one file) at a commit straight from the object database: no checkout, no work tree. */
public final class CommitFiles {
    /** Fleet documents are small; a huge blob is refused rather than loaded. */
    public static final int MAX_FILE = 4 * 1024 * 1024;

    private CommitFiles() {
    }

    public static LoadedFleet load(Repository repo, ObjectId commit) throws IOException {
        return load(repo, commit, new ReadCache());
    }

    /**
     * Like {@link #load(Repository, ObjectId)}, reading again only the files whose blob {@code cache} has not
     * read at that path: a commit that changes one manifest of a 10,000-node fleet parses one file, not 10,001.
     * The cache then holds this commit's documents only.
     */
    public static LoadedFleet load(Repository repo, ObjectId commit, ReadCache cache) throws IOException {
        Map<String, ObjectId> blobs = new TreeMap<>();
        try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader);
             TreeWalk tw = new TreeWalk(reader)) {
            tw.addTree(walk.parseCommit(commit).getTree());
            walkFleet(tw, (path, id) -> blobs.put(path, id));
            Map<String, ReadCache.Entry> read = new java.util.HashMap<>();
            LoadedFleet fleet;
            try {
                fleet = FleetLoader.load(blobs.keySet(), (path, type, name) -> {
                    ObjectId id = blobs.get(path);
                    ReadCache.Entry known = cache.get(path, id);
                    if (known == null) {
                        try {
                            known = new ReadCache.Entry(id, readBlob(reader, path, id, type, name));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        cache.missed();
                    }
                    read.put(path, known);
                    return known.result();
                });
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            cache.replace(read);
            return fleet;
        }
    }

    private static io.gitfleet.schema.ReadResult<? extends io.gitfleet.schema.Document> readBlob(ObjectReader reader,
            String path, ObjectId id, Class<? extends io.gitfleet.schema.Document> type, String name)
            throws IOException {
        long size = reader.getObjectSize(id, Constants.OBJ_BLOB);
        if (size > SafeYaml.MAX_BYTES) {
            return FleetLoader.tooLarge(path, size);
        }
        byte[] bytes = reader.open(id, Constants.OBJ_BLOB).getCachedBytes(MAX_FILE);
        return io.gitfleet.schema.DocumentReader.read(path, bytes, type, name);
    }

    /** Calls {@code found} with each file gitfleet reads in the tree and its blob id (top level and 3 folders). */
    private static void walkFleet(TreeWalk tw, java.util.function.BiConsumer<String, ObjectId> found)
            throws IOException {
        tw.setRecursive(false);
        while (tw.next()) {
            String path = tw.getPathString();
            if (tw.isSubtree()) {
                // only the top level and the three document folders matter; skip the rest unread
                if (path.equals("nodes") || path.equals("catalogs") || path.equals("upgrades")) {
                    tw.enterSubtree();
                }
                continue;
            }
            if (FleetLoader.isFleetPath(path) && tw.getFileMode(0) != FileMode.GITLINK) {
                found.accept(path, tw.getObjectId(0));
            }
        }
    }

    /** The files gitfleet reads ({@link FleetLoader#isFleetPath}) at {@code commit}, path → bytes. */
    public static Map<String, byte[]> files(Repository repo, ObjectId commit) throws IOException {
        return files(repo, commit, new TreeMap<>());
    }

    /**
     * Like {@link #files(Repository, ObjectId)}; a file larger than a document may be is left unread and put in
     * {@code tooLarge} (path → size), so that it is refused as one bad document instead of failing the pass.
     */
    public static Map<String, byte[]> files(Repository repo, ObjectId commit, Map<String, Long> tooLarge)
            throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader);
             TreeWalk tw = new TreeWalk(reader)) {
            RevCommit c = walk.parseCommit(commit);
            tw.addTree(c.getTree());
            Map<String, ObjectId> blobs = new TreeMap<>();
            walkFleet(tw, blobs::put);
            for (Map.Entry<String, ObjectId> b : blobs.entrySet()) {
                long size = reader.getObjectSize(b.getValue(), Constants.OBJ_BLOB);
                if (size > SafeYaml.MAX_BYTES) {
                    tooLarge.put(b.getKey(), size);
                } else {
                    files.put(b.getKey(), reader.open(b.getValue(), Constants.OBJ_BLOB).getCachedBytes(MAX_FILE));
                }
            }
        }
        return files;
    }

    /** One file at a commit, or empty. */
    public static Optional<byte[]> file(Repository repo, ObjectId commit, String path) throws IOException {
        try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
            RevCommit c = walk.parseCommit(commit);
            try (TreeWalk tw = TreeWalk.forPath(reader, path, c.getTree())) {
                if (tw == null || tw.getFileMode(0).getObjectType() != Constants.OBJ_BLOB) {
                    return Optional.empty();
                }
                return Optional.of(reader.open(tw.getObjectId(0), Constants.OBJ_BLOB).getCachedBytes(MAX_FILE));
            }
        }
    }
}
