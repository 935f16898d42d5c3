package io.gitfleet.agent;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.Document;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.ReadResult;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.version.VersionScheme;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * {@code verifyGit}: the agent does not have to trust the reconciler. It fetches the approved branch into a bare
 * cache in its state dir and refuses an instruction whose commit is not on that branch, or whose manifest and
 * catalog at that commit say something else than the instruction.
 */
public final class GitVerifier {
    private final String url;
    private final String branch;
    private final Path cache;

    public GitVerifier(String url, String branch, Path cache) {
        this.url = url;
        this.branch = branch;
        this.cache = cache;
    }

    /** Empty when the instruction is what the approved branch says; otherwise the refusal. */
    public Optional<String> check(Instruction.Spec spec) {
        String commitId = spec.approvedCommit();
        if (commitId == null || !commitId.matches("[0-9a-f]{40}([0-9a-f]{24})?")) {
            return Optional.of("not approved: '" + commitId + "' is not a full commit id");
        }
        try (Repository repo = open()) {
            String tracking = "refs/remotes/approved/" + branch;
            try (Git git = Git.wrap(repo)) {
                // bounded: a stalled remote must not hold the agent mid-task (the refusal says why)
                git.fetch().setRemote(url).setTimeout(60)
                        .setRefSpecs(new RefSpec("+refs/heads/" + branch + ":" + tracking)).call();
            }
            ObjectId tip = repo.resolve(tracking);
            if (tip == null) {
                return Optional.of("cannot verify: " + url + " has no branch " + branch);
            }
            try (RevWalk walk = new RevWalk(repo)) {
                ObjectId id = ObjectId.fromString(commitId);
                if (!repo.getObjectDatabase().has(id)) {
                    return Optional.of("not approved: commit " + commitId + " is not on " + branch + " of " + url);
                }
                RevCommit commit = walk.parseCommit(id);
                if (!walk.isMergedInto(commit, walk.parseCommit(tip))) {
                    return Optional.of("not approved: commit " + commitId + " is not on " + branch + " of " + url);
                }
                return compare(repo, commit, spec);
            }
        } catch (IOException | GitAPIException | RuntimeException e) {
            return Optional.of("cannot verify against " + url + ": " + e.getMessage());
        }
    }

    private Optional<String> compare(Repository repo, RevCommit commit, Instruction.Spec spec) throws IOException {
        String at = " at " + commit.name().substring(0, 12);
        String path = "upgrades/" + spec.upgrade() + ".yaml";
        ReadResult<Upgrade> upgrade = read(repo, commit, path, Upgrade.class, spec.upgrade());
        if (upgrade == null) {
            return Optional.of("not approved: " + path + " does not exist" + at);
        }
        if (!upgrade.ok()) {
            return Optional.of("not approved: " + path + " is invalid" + at + ": " + upgrade.problems().get(0));
        }
        Upgrade.Spec u = upgrade.document().spec();
        if (!u.component().equals(spec.component())) {
            return Optional.of("disagrees with Git: " + path + at + " upgrades " + u.component() + ", the instruction "
                    + spec.component());
        }
        if (spec.action() == Action.ROLLBACK) {
            return Boolean.TRUE.equals(u.rollback()) ? Optional.empty()
                    : Optional.of("disagrees with Git: " + path + at + " does not ask for a rollback");
        }
        Catalog.Spec catalog = null;
        if (u.catalog() != null && u.catalog().inline() != null) {
            catalog = u.catalog().inline();
        } else if (u.catalog() != null && u.catalog().ref() != null) {
            ReadResult<Catalog> c = read(repo, commit, u.catalog().ref(), Catalog.class, null);
            if (c == null || !c.ok()) {
                return Optional.of("not approved: the catalog " + u.catalog().ref() + at
                        + (c == null ? " does not exist" : " is invalid: " + c.problems().get(0)));
            }
            catalog = c.document().spec();
        }
        String wanted = u.version();
        if (catalog != null && catalog.channels().containsKey(wanted)) {
            wanted = catalog.channels().get(wanted);
        }
        // the same comparison as the reconciler's: the catalog's scheme, or the instruction's for a URL catalog
        VersionScheme scheme = catalog != null ? VersionScheme.of(catalog) : VersionScheme.named(spec.versionScheme());
        if (!scheme.wire().equals(VersionScheme.named(spec.versionScheme()).wire())) {
            return Optional.of("disagrees with Git: the catalog" + at + " orders versions as " + scheme.wire()
                    + ", the instruction as " + VersionScheme.named(spec.versionScheme()).wire());
        }
        if (wanted == null || !scheme.same(wanted, spec.version())) {
            return Optional.of("disagrees with Git: " + path + at + " targets " + wanted + ", the instruction "
                    + spec.version());
        }
        if (catalog == null || spec.image() == null) {
            // A catalog fetched by URL is not in Git: only the manifest can be checked here.
            return Optional.empty();
        }
        Catalog.Image image = catalog.images().stream()
                .filter(i -> scheme.same(i.version(), spec.version())).findFirst().orElse(null);
        if (image == null) {
            return Optional.of("disagrees with Git: the catalog" + at + " has no image " + spec.version());
        }
        Instruction.ImageRef sent = spec.image();
        if (!image.url().equals(sent.url()) || !image.sha256().equals(sent.sha256()) || image.size() != sent.size()) {
            return Optional.of("disagrees with Git: the catalog" + at + " says " + image.url() + " sha256 "
                    + image.sha256() + " size " + image.size() + "; the instruction " + sent.url() + " sha256 "
                    + sent.sha256() + " size " + sent.size());
        }
        return Optional.empty();
    }

    private static <T extends Document> ReadResult<T> read(Repository repo, RevCommit commit, String path,
                                                            Class<T> type, String name) throws IOException {
        try (TreeWalk tw = TreeWalk.forPath(repo, path, commit.getTree())) {
            if (tw == null) {
                return null;
            }
            byte[] bytes = repo.open(tw.getObjectId(0)).getCachedBytes(1 << 20);
            return DocumentReader.read(path, bytes, type, name);
        }
    }

    private Repository open() throws IOException {
        boolean fresh = !Files.exists(cache.resolve("HEAD"));
        Repository repo = new FileRepositoryBuilder().setGitDir(cache.toFile()).setBare().build();
        if (fresh) {
            repo.create(true);
        }
        return repo;
    }
}
