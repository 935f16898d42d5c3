package io.gitfleet.reconciler.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.store.RefResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reconciler killed while it updates a ref of a plain-path remote leaves the ref's lock behind (its receive-pack
 * runs in-process); git never removes it. A stale lock is cleared and the push goes through; a fresh one, which
 * may be another writer's, is left alone and the push is a lost race.
 */
class StaleLockIT {
    @TempDir
    Path tmp;

    @Test
    void aLockLeftByADeadWriterIsClearedAFreshOneIsNot() throws Exception {
        GitCli git = new GitCli(tmp);
        git.run("init", "-q", "--bare", "remote.git");
        git.run("init", "-q", "-b", "main", "work");
        GitCli work = new GitCli(tmp.resolve("work"));
        work.run("-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "--allow-empty", "-m", "one");
        ObjectId first = ObjectId.fromString(work.run("rev-parse", "HEAD").strip());
        work.run("-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "--allow-empty", "-m", "two");
        ObjectId second = ObjectId.fromString(work.run("rev-parse", "HEAD").strip());
        String url = tmp.resolve("remote.git").toString();
        try (Repository repo = new FileRepositoryBuilder().setGitDir(tmp.resolve("work/.git").toFile()).build()) {
            assertEquals(RefResult.COMMITTED, push(repo, url, null, first));

            Path lock = tmp.resolve("remote.git/refs/heads/gitfleet/status.lock");
            Files.createFile(lock);
            assertEquals(RefResult.LOCK_FAILURE, push(repo, url, first, second), "a fresh lock is a lost race");
            assertTrue(Files.exists(lock), "and it is not ours to remove");

            Files.setLastModifiedTime(lock, FileTime.from(Instant.now()
                    .minus(StaleLocks.STALE).minusSeconds(60)));
            assertEquals(RefResult.COMMITTED, push(repo, url, first, second), "a stale lock is cleared");
            assertFalse(Files.exists(lock));
            assertEquals(second.name(), new GitCli(tmp.resolve("remote.git")).run("rev-parse", "gitfleet/status")
                    .strip());
        }
    }

    /** A server's own mirror: any lock there is its killed predecessor's, however young. */
    @Test
    void aServerClearsEveryLockOfItsMirrorAtStart() throws Exception {
        Path dir = tmp.resolve("mirror");
        FleetMirror.open(dir, tmp.resolve("remote.git").toString(), GitAuth.NONE).repository().close();
        Path lock = dir.resolve("refs/heads/gitfleet/status.lock");
        Files.createDirectories(lock.getParent());
        Files.createFile(lock);
        Files.createFile(dir.resolve("packed-refs.lock"));
        FleetMirror mirror = FleetMirror.open(dir, tmp.resolve("remote.git").toString(), GitAuth.NONE);
        assertTrue(Files.exists(lock), "opening alone leaves them (the command line may share a mirror)");
        mirror.clearLocksOfADeadPredecessor().repository().close();
        assertFalse(Files.exists(lock));
        assertFalse(Files.exists(dir.resolve("packed-refs.lock")));
    }

    private static RefResult push(Repository repo, String url, ObjectId expected, ObjectId id) throws Exception {
        return new PushRefCommand(repo).setUrl(url).setBranch("gitfleet/status").setExpectedOld(expected).setNewId(id)
                .call();
    }
}
