package io.gitfleet.reconciler.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.git.GitCli;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.InvalidDocumentException;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusStoreIT {
    static final String FLEET_COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path tmp;

    static Repository bareRepo(Path dir) throws Exception {
        new GitCli(dir.getParent()).run("init", "-q", "--bare", dir.getFileName().toString());
        return new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
    }

    static NodeStatus node(String name, String os, NodePhase task, Instant lastSeen) {
        return NodeStatus.of(name, new NodeStatus.State(Map.of("os", os), new Report.Slots("a", "a", null, null, null),
                new Report.Health(true, null), task == null ? null
                : new Report.Task("os-1-35", 1, null, "v1.35.1", task, null, null, null, null), null, lastSeen));
    }

    /** A lease renewal rewrites fleet.yaml only: the nodes/ tree keeps its id, so a standby can skip it. */
    @Test
    void aChangeOutsideNodesKeepsTheNodesTreeId() throws Exception {
        try (Repository repo = bareRepo(tmp.resolve("fleet.git"))) {
            StatusStore store = new StatusStore(repo, "gitfleet/status", null);
            store.update(view -> new StatusUpdate().put(node("worker-1", "v1.34.1", null, T0))
                    .put(node("worker-2", "v1.34.1", null, T0)).events(List.of("two nodes")));
            CommitStatusView before = store.read();
            store.update(view -> new StatusUpdate().put(FleetStatus.of(new FleetStatus.State("main", FLEET_COMMIT,
                    FLEET_COMMIT, List.of(), null, new FleetStatus.Lease("r1", null, T0, T0, "15s"))))
                    .events(List.of("lease: r1 acquired")));
            CommitStatusView renewed = store.read();
            assertNotEquals(before.commitId(), renewed.commitId());
            assertEquals(before.subtree("nodes"), renewed.subtree("nodes"));
            store.update(view -> new StatusUpdate().put(node("worker-2", "v1.35.1", null, T0))
                    .events(List.of("worker-2 moved")));
            assertNotEquals(renewed.subtree("nodes"), store.read().subtree("nodes"));
            assertEquals(null, store.read().subtree("plans"));
        }
    }

    @Test
    void commitsOnlyMeaningfulChangesAndGitReadsThem() throws Exception {
        Path dir = tmp.resolve("fleet.git");
        try (Repository repo = bareRepo(dir)) {
            GitCli git = new GitCli(dir);
            StatusStore store = new StatusStore(repo, "gitfleet/status", null);
            WriteResult first = store.update(view -> new StatusUpdate()
                    .put(FleetStatus.of(new FleetStatus.State("main", FLEET_COMMIT, FLEET_COMMIT, List.of(
                            new FleetStatus.Condition(FleetStatus.ConditionType.Ready, "Applied", null, T0)),
                            null, null)))
                    .put(UpgradeStatus.of("os-1-35", new UpgradeStatus.State(UpgradePhase.RollingOut, null, null,
                            "os", "stable", "v1.35.1", FLEET_COMMIT, T0, null, List.of())))
                    .putAll(List.of(node("worker-1", "v1.34.1", null, T0), node("worker-2", "v1.34.1", null, T0),
                            node("cp-1", "v1.34.1", null, T0)))
                    .events(List.of("os-1-35: Pending → RollingOut"))
                    .approvedCommit(FLEET_COMMIT));
            assertEquals(RefResult.COMMITTED, first.result());
            assertEquals(6 - 1, first.paths().size());

            assertEquals("", git.run("fsck", "--strict", "--no-progress", "--no-dangling"));
            assertEquals("os-1-35: Pending → RollingOut", git.run("log", "-1", "--format=%s", "gitfleet/status"));
            assertEquals(FLEET_COMMIT, git.run("log", "-1", "--format=%(trailers:key=Fleet-Commit,valueonly)",
                    "gitfleet/status"));
            assertEquals("gitfleet <gitfleet@localhost>", git.run("log", "-1", "--format=%an <%ae>",
                    "gitfleet/status"));
            assertEquals(first.commit(), git.run("rev-list", "--max-parents=0", "gitfleet/status"), "orphan root");
            String path = StatusPaths.node("worker-1");
            assertTrue(path.matches("nodes/[0-9a-f]{2}/worker-1\\.yaml"), path);
            assertTrue(git.run("show", "gitfleet/status:" + path).contains("name: worker-1"));

            // same documents, and a heartbeat (only lastSeen moved): no commit
            WriteResult same = store.update(view -> new StatusUpdate()
                    .put(node("worker-1", "v1.34.1", null, T0.plusSeconds(30)))
                    .put(node("worker-2", "v1.34.1", null, T0)));
            assertEquals(RefResult.NO_CHANGE, same.result());
            assertEquals(first.commit(), git.run("rev-parse", "gitfleet/status"));

            // a task phase is meaningful: one file, one commit, other shards reused by id
            String otherShard = git.run("rev-parse", "gitfleet/status:" + parent(StatusPaths.node("cp-1")));
            WriteResult moved = store.update(view -> new StatusUpdate()
                    .put(node("worker-1", "v1.34.1", NodePhase.Writing, T0.plusSeconds(60))));
            assertEquals(RefResult.COMMITTED, moved.result());
            assertEquals(path, git.run("diff-tree", "--no-commit-id", "--name-only", "-r", "gitfleet/status~1",
                    "gitfleet/status"));
            assertTrue(git.run("show", "gitfleet/status:" + path).contains("lastSeen: '2026-03-01T10:01:00Z'")
                    || git.run("show", "gitfleet/status:" + path).contains("2026-03-01T10:01:00Z"));
            if (!parent(StatusPaths.node("cp-1")).equals(parent(path))) {
                assertEquals(otherShard, git.run("rev-parse", "gitfleet/status:" + parent(StatusPaths.node("cp-1"))));
            }
            assertEquals("status: node worker-1", git.run("log", "-1", "--format=%s", "gitfleet/status"));

            // deleting the last file of a shard removes the shard folder
            store.update(view -> new StatusUpdate().delete(StatusPaths.node("cp-1")));
            assertNotEquals(0, git.tryRun(null, "rev-parse", "--verify", "-q", "gitfleet/status:"
                    + StatusPaths.node("cp-1")).exit());
            assertEquals("", git.run("fsck", "--strict", "--no-progress", "--no-dangling"));
            assertEquals(Map.of("worker-1", "v1.34.1", "worker-2", "v1.34.1").keySet(), store.read().nodes().keySet());
        }
    }

    /** A status branch written before the one-vocabulary rename says lastAppliedCommit: it still loads. */
    @Test
    void readsTheApprovedCommitUnderItsOlderName() throws Exception {
        Path work = tmp.resolve("old");
        java.nio.file.Files.createDirectories(work);
        GitCli git = new GitCli(work);
        git.run("init", "-q", "-b", "gitfleet/status");
        java.nio.file.Files.writeString(work.resolve(StatusPaths.FLEET), String.join("\n",
                "apiVersion: gitfleet.io/v1", "kind: FleetStatus", "metadata:", "  name: fleet", "status:",
                "  approvedBranch: main", "  lastAppliedCommit: " + FLEET_COMMIT, "  observedCommit: " + FLEET_COMMIT,
                ""));
        git.run("add", "-A");
        git.run("-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "older status");
        try (Repository repo = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build()) {
            FleetStatus fs = CommitStatusView.of(repo, repo.resolve("gitfleet/status")).fleet().orElseThrow();
            assertEquals(FLEET_COMMIT, fs.status().approvedCommit());
        }
    }

    @Test
    void refusesADocumentThatFailsItsSchema() throws Exception {
        try (Repository repo = bareRepo(tmp.resolve("fleet.git"))) {
            StatusStore store = new StatusStore(repo, "gitfleet/status", null);
            assertThrows(InvalidDocumentException.class, () -> store.update(view -> new StatusUpdate()
                    .put(NodeStatus.of("Not_A_Name", new NodeStatus.State(null, null, null, null, null, T0)))));
            assertEquals(null, store.head());
        }
    }

    @Test
    void batchesIntoOneCommitPerInterval() throws Exception {
        try (Repository repo = bareRepo(tmp.resolve("fleet.git"))) {
            StatusStore store = new StatusStore(repo, "gitfleet/status", null);
            MutableClock clock = new MutableClock(T0);
            StatusWriter writer = new StatusWriter(store, java.time.Duration.ofSeconds(5), clock);
            writer.submit(new RaceMutation(0));
            assertEquals(RefResult.COMMITTED, writer.flushIfDue().result(), "the first flush is due at once");
            writer.submit(new RaceMutation(1));
            writer.submit(new RaceMutation(2));
            assertEquals("3", writer.view().upgrade("race").orElseThrow().status().message(), "pending is visible");
            clock.now = T0.plusSeconds(2);
            assertEquals(null, writer.flushIfDue(), "not due yet");
            clock.now = T0.plusSeconds(6);
            WriteResult w = writer.flushIfDue();
            assertEquals(RefResult.COMMITTED, w.result());
            GitCli git = new GitCli(tmp.resolve("fleet.git"));
            assertEquals("2", git.run("rev-list", "--count", "gitfleet/status"));
            assertEquals("race: n-1 Instructed, n-2 Instructed", git.run("log", "-1", "--format=%s", "gitfleet/status"));
            assertEquals("3", store.read().upgrade("race").orElseThrow().status().message());
        }
    }

    /** Committing at once leaves the queue as submit then flush would: committed, kept for later, or refused. */
    @Test
    void submitAndFlushLeavesTheQueueAsSubmitWould() throws Exception {
        try (Repository repo = bareRepo(tmp.resolve("fleet.git"))) {
            StatusStore store = new StatusStore(repo, "gitfleet/status", null);
            StatusWriter writer = new StatusWriter(store, java.time.Duration.ofSeconds(5), new MutableClock(T0));
            writer.submit(new RaceMutation(0));
            assertEquals(RefResult.COMMITTED, writer.submitAndFlush(new RaceMutation(1)).result());
            assertTrue(!writer.hasPending());
            assertEquals("2", store.read().upgrade("race").orElseThrow().status().message(), "both, in order");

            // the commit fails (here: the first application, as when the remote is away) but the mutation is sound
            int[] calls = {0};
            StatusMutation once = view -> {
                if (calls[0]++ == 0) {
                    throw new java.io.IOException("the remote is away");
                }
                return new RaceMutation(2).apply(view);
            };
            assertThrows(java.io.IOException.class, () -> writer.submitAndFlush(once));
            assertTrue(writer.hasPending(), "still queued");
            assertEquals("3", writer.view().upgrade("race").orElseThrow().status().message(), "and visible");

            // a mutation that cannot be applied at all is not queued, and does not block the ones after it
            StatusMutation bad = view -> new StatusUpdate()
                    .put(NodeStatus.of("Not_A_Name", new NodeStatus.State(null, null, null, null, null, T0)));
            assertThrows(InvalidDocumentException.class, () -> writer.submitAndFlush(bad));
            assertEquals(RefResult.COMMITTED, writer.submitAndFlush(new RaceMutation(3)).result());
            assertTrue(!writer.hasPending());
            UpgradeStatus race = store.read().upgrade("race").orElseThrow();
            assertEquals("4", race.status().message());
            assertEquals(List.of("n-0", "n-1", "n-2", "n-3"), race.status().nodes().stream()
                    .map(UpgradeStatus.NodeRow::node).toList());
        }
    }

    private static String parent(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }

    static final class MutableClock extends java.time.Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
