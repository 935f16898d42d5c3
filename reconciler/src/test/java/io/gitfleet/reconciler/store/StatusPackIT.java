package io.gitfleet.reconciler.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.git.GitCli;
import io.gitfleet.reconciler.git.PushRefCommand;
import io.gitfleet.reconciler.git.StaleLocks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pack a status commit is written as, checked by the real {@code git}: every object reads back byte for byte
 * under the id git gives it, the pack and its index pass {@code git verify-pack} and {@code git fsck}; and a
 * plain-path remote that takes the pack as it is ends up as complete as a receive-pack session leaves it, with the
 * same compare-and-swap.
 */
class StatusPackIT {
    @TempDir
    Path tmp;

    @Test
    void manyObjectsMakeOnePackThatGitReadsAndChecks() throws Exception {
        GitCli git = new GitCli(tmp);
        git.run("init", "-q", "--bare", "repo.git");
        GitCli repoGit = new GitCli(tmp.resolve("repo.git"));
        Random random = new Random(7);
        List<byte[]> blobs = new ArrayList<>();
        // sizes around the pack header's 4-bit and 7-bit boundaries, an empty blob, a large one, and repeats
        for (int size : new int[] {0, 1, 15, 16, 17, 127, 128, 2047, 2048, 100_000}) {
            byte[] b = new byte[size];
            random.nextBytes(b);
            blobs.add(b);
        }
        for (int i = 0; i < 300; i++) {
            blobs.add(("apiVersion: gitfleet.io/v1\nkind: UpgradeNodeStatus\nmetadata:\n  name: node-" + i % 250
                    + "\n").getBytes(StandardCharsets.UTF_8));
        }
        try (Repository repo = new FileRepositoryBuilder().setGitDir(tmp.resolve("repo.git").toFile()).build()) {
            StatusPackInserter packs = new StatusPackInserter(repo, (ObjectDirectory) repo.getObjectDatabase());
            List<ObjectId> ids = packs.insertBlobs(blobs);
            org.eclipse.jgit.lib.TreeFormatter tree = new org.eclipse.jgit.lib.TreeFormatter();
            TreeMap<String, ObjectId> named = new TreeMap<>();
            for (int i = 0; i < ids.size(); i++) {
                named.put(String.format("f%04d", i), ids.get(i));
            }
            named.forEach((name, id) -> tree.append(name, org.eclipse.jgit.lib.FileMode.REGULAR_FILE, id));
            ObjectId treeId = packs.insert(tree);
            org.eclipse.jgit.lib.CommitBuilder commit = new org.eclipse.jgit.lib.CommitBuilder();
            commit.setTreeId(treeId);
            PersonIdent ident = new PersonIdent("t", "t@localhost");
            commit.setAuthor(ident);
            commit.setCommitter(ident);
            commit.setMessage("many objects\n");
            ObjectId commitId = packs.insert(commit);
            packs.flush();
            Path pack = packs.pack();
            assertNotNull(pack);
            packs.close();
            org.eclipse.jgit.lib.RefUpdate u = repo.updateRef("refs/heads/main");
            u.setNewObjectId(commitId);
            assertEquals(org.eclipse.jgit.lib.RefUpdate.Result.NEW, u.update());

            String idx = pack.toString().replaceAll("\\.pack$", ".idx");
            String verified = repoGit.run("verify-pack", "-v", idx);
            // 310 distinct blob contents (the 300 rows repeat 250 names), one tree, one commit: each once
            assertTrue(verified.contains("non delta: " + (10 + 250 + 2) + " objects"), verified);
            repoGit.run("fsck", "--full", "--strict", "--no-dangling");
            for (int i : new int[] {0, 3, 9, 10, 309}) {
                Path f = tmp.resolve("blob" + i);
                Files.write(f, blobs.get(i));
                assertEquals(repoGit.run("hash-object", f.toString()), ids.get(i).name(), "git's id for blob " + i);
                assertArrayEquals(blobs.get(i), repo.open(ids.get(i)).getCachedBytes(), "blob " + i + " reads back");
            }
            assertFalse(Files.getPosixFilePermissions(pack).contains(java.nio.file.attribute.PosixFilePermission
                    .OWNER_WRITE), "a pack is read-only, as git leaves its packs");
        }
    }

    @Test
    void aPlainPathRemoteTakesThePackAsItIsAndStillSwapsByCompare() throws Exception {
        GitCli git = new GitCli(tmp);
        git.run("init", "-q", "--bare", "remote.git");
        git.run("init", "-q", "--bare", "local.git");
        String url = tmp.resolve("remote.git").toString();
        GitCli remoteGit = new GitCli(tmp.resolve("remote.git"));
        try (Repository repo = new FileRepositoryBuilder().setGitDir(tmp.resolve("local.git").toFile()).build()) {
            CommitStatusCommand.CommitResult first = commit(repo, null, Map.of("a.yaml", "one\n", "b/c.yaml", "two\n"));
            assertNotNull(first.pack(), "two changed files are written as one pack");
            assertEquals(RefResult.COMMITTED, push(repo, url, null, first));
            assertEquals(first.commit().name(), remoteGit.run("rev-parse", "gitfleet/status"));
            assertTrue(Files.exists(tmp.resolve("remote.git/objects/pack").resolve(first.pack().getFileName())));

            CommitStatusCommand.CommitResult next = commit(repo, first.commit(), Map.of("b/c.yaml", "three\n",
                    "b/d.yaml", "four\n"));
            assertEquals(RefResult.LOCK_FAILURE, push(repo, url, next.commit(), next),
                    "the remote is not at the expected commit: a lost race");
            assertEquals(first.commit().name(), remoteGit.run("rev-parse", "gitfleet/status"), "and it did not move");

            Path lock = tmp.resolve("remote.git/refs/heads/gitfleet/status.lock");
            Files.createFile(lock);
            assertEquals(RefResult.LOCK_FAILURE, push(repo, url, first.commit(), next), "a fresh lock wins");
            Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(StaleLocks.STALE).minusSeconds(60)));
            assertEquals(RefResult.COMMITTED, push(repo, url, first.commit(), next), "a stale one is cleared");
            assertEquals(next.commit().name(), remoteGit.run("rev-parse", "gitfleet/status"));
            assertEquals("three", remoteGit.run("show", "gitfleet/status:b/c.yaml"));
            assertEquals("one", remoteGit.run("show", "gitfleet/status:a.yaml"), "unchanged files come from before");
            assertEquals(RefResult.LOCK_FAILURE, push(repo, url, first.commit(), next),
                    "the remote already holds this very commit: another writer's, as far as this one knows");
            remoteGit.run("fsck", "--full", "--strict");
        }
    }

    private static CommitStatusCommand.CommitResult commit(Repository repo, ObjectId parent, Map<String, String> files)
            throws Exception {
        Map<String, byte[]> changes = new TreeMap<>();
        files.forEach((k, v) -> changes.put(k, v.getBytes(StandardCharsets.UTF_8)));
        CommitStatusCommand.CommitResult r = new CommitStatusCommand(repo).setBranch("refs/heads/gitfleet/status")
                .setExpectedOld(parent).setChanges(changes).setMessage("status\n")
                .setIdent(new PersonIdent("t", "t@localhost")).call();
        assertEquals(RefResult.COMMITTED, r.result());
        assertEquals(Constants.OBJ_COMMIT, repo.open(r.commit()).getType());
        return r;
    }

    private static RefResult push(Repository repo, String url, ObjectId expected,
                                  CommitStatusCommand.CommitResult commit) throws Exception {
        return new PushRefCommand(repo).setUrl(url).setBranch("gitfleet/status").setExpectedOld(expected)
                .setNewId(commit.commit()).setPack(commit.pack()).call();
    }
}
