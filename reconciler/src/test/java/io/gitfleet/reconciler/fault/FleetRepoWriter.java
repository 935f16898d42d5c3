package io.gitfleet.reconciler.fault;

import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.Document;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Fleet;
import io.gitfleet.schema.Metadata;
import io.gitfleet.schema.Node;
import io.gitfleet.schema.Upgrade;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The campaign's fleet repo: a bare repository (served by {@code git daemon}) whose documents are written as
 * commits straight into the object database, as an operator's merges would leave them.
 */
final class FleetRepoWriter implements AutoCloseable {
    static final String CATALOG = "catalogs/os.yaml";
    static final String[] VERSIONS = {"v1.34.0", "v1.34.1", "v1.34.3", "v1.35.0", "v1.35.1", "v1.36.0"};

    final Repository repo;
    final SortedMap<String, Document> docs = new TreeMap<>();

    FleetRepoWriter(Path dir) throws IOException {
        repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
        repo.create(true);
        repo.getConfig().setBoolean("gc", null, "auto", false);
        // a test server: what a crash of it would lose is not what the campaign is about, and fsync is its cost
        repo.getConfig().setString("core", null, "fsync", "none");
        repo.getConfig().setBoolean("core", null, "fsyncObjectFiles", false);
        repo.getConfig().save();
    }

    static Catalog.Image image(String version) {
        return new Catalog.Image(version, "http://images.test/os-" + version + ".img.zst",
                String.format("%064x", version.hashCode() & 0xffffffffL), 1 << 20, Map.of(), Map.of());
    }

    static Catalog catalog() {
        return new Catalog(Catalog.API_VERSION, Catalog.KIND, Metadata.named("os"), new Catalog.Spec("os",
                Map.of("stable", "v1.35.1"), java.util.Arrays.stream(VERSIONS).map(FleetRepoWriter::image).toList(),
                List.of("v1.34.3"), null));
    }

    void put(String path, Document doc) {
        docs.put(path, doc);
    }

    void fleet(Fleet.Spec spec) {
        put("fleet.yaml", new Fleet(Fleet.API_VERSION, Fleet.KIND, Metadata.named("fleet"), spec));
    }

    void node(String name, Node.Spec spec) {
        put("nodes/" + name + ".yaml", new Node(Node.API_VERSION, Node.KIND, Metadata.named(name), spec));
    }

    void upgrade(String name, Upgrade.Spec spec) {
        put("upgrades/" + name + ".yaml", new Upgrade(Upgrade.API_VERSION, Upgrade.KIND, Metadata.named(name), spec));
    }

    Upgrade upgrade(String name) {
        return (Upgrade) docs.get("upgrades/" + name + ".yaml");
    }

    /** Commits the documents as they are now on {@code branch}, at {@code when}; returns the commit. */
    ObjectId commit(String branch, String message, Instant when) throws IOException {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            DirCache index = DirCache.newInCore();
            DirCacheBuilder b = index.builder();
            for (Map.Entry<String, Document> e : docs.entrySet()) {
                DirCacheEntry entry = new DirCacheEntry(e.getKey());
                entry.setFileMode(FileMode.REGULAR_FILE);
                entry.setObjectId(ins.insert(Constants.OBJ_BLOB,
                        Documents.toYaml(e.getValue()).getBytes(StandardCharsets.UTF_8)));
                b.add(entry);
            }
            b.finish();
            ObjectId tree = index.writeTree(ins);
            ObjectId parent = repo.resolve(Constants.R_HEADS + branch);
            if (parent == null && !branch.equals("main")) {
                parent = repo.resolve(Constants.R_HEADS + "main");
            }
            CommitBuilder c = new CommitBuilder();
            PersonIdent who = new PersonIdent(new PersonIdent("operator", "operator@example.test"), when);
            c.setAuthor(who);
            c.setCommitter(who);
            c.setMessage(message);
            c.setTreeId(tree);
            if (parent != null) {
                c.setParentId(parent);
            }
            ObjectId id = ins.insert(c);
            ins.flush();
            RefUpdate u = repo.updateRef(Constants.R_HEADS + branch);
            u.setNewObjectId(id);
            u.setForceUpdate(true);
            RefUpdate.Result r = u.update();
            if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FAST_FORWARD && r != RefUpdate.Result.FORCED) {
                throw new IOException("cannot move " + branch + ": " + r);
            }
            return id;
        }
    }

    @Override
    public void close() {
        repo.close();
    }
}
