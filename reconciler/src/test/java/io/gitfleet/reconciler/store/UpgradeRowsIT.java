package io.gitfleet.reconciler.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.git.GitCli;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An upgrade's rows live in files of their own; the upgrade's file keeps phase and counts whatever the fleet size. */
class UpgradeRowsIT {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path tmp;
    private Repository repo;
    private GitCli git;
    private StatusStore store;

    @BeforeEach
    void openStore() throws Exception {
        Path dir = tmp.resolve("fleet.git");
        repo = StatusStoreIT.bareRepo(dir);
        git = new GitCli(dir);
        store = new StatusStore(repo, "gitfleet/status", null);
    }

    @AfterEach
    void closeRepository() {
        repo.close();
    }

    static UpgradeStatus.NodeRow row(String node, int order, NodePhase phase) {
        return new UpgradeStatus.NodeRow(node, Role.WORKER, phase, null, "v1.34.1", "v1.35.1", order, null, null, 1,
                null, null, null, null, T0, List.of(new UpgradeStatus.Transition(phase, T0)));
    }

    static UpgradeStatus upgrade(String name, List<UpgradeStatus.NodeRow> rows) {
        return UpgradeStatus.of(name, new UpgradeStatus.State(UpgradePhase.RollingOut, null, null, "os", "stable",
                "v1.35.1", StatusStoreIT.FLEET_COMMIT, T0, new UpgradeStatus.Counts(rows.size(), rows.size(), 0, 0, 0,
                0, 0, 0), rows));
    }

    static List<UpgradeStatus.NodeRow> rows(int n, NodePhase phase) {
        List<UpgradeStatus.NodeRow> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(row(String.format("w-%03d", i), n - i, phase));    // rollout order unlike name order
        }
        return out;
    }

    /** Enough rows to be serialized on several cores: each file holds its own row, as one written alone would. */
    @Test
    void manyRowsAreEachWrittenToTheirOwnFile() throws Exception {
        List<UpgradeStatus.NodeRow> many = rows(700, NodePhase.Instructed);
        store.update(view -> new StatusUpdate().put(upgrade("os", many)).events(List.of("os: 700 started")));
        for (UpgradeStatus.NodeRow r : List.of(many.get(0), many.get(255), many.get(256), many.get(699))) {
            String path = StatusPaths.row("os", r.node());
            assertEquals(new String(StatusChanges.serialize(path, io.gitfleet.schema.UpgradeNodeStatus.of(r)),
                    StandardCharsets.UTF_8).strip(), git.run("show", "gitfleet/status:" + path).strip());
        }
        assertEquals(many.stream().sorted(StatusView.ROW_ORDER).toList(),
                store.read().upgrade("os").orElseThrow().status().nodes());
    }

    @Test
    void rowsAreFilesOfTheirOwnAndComeBackInRolloutOrder() throws Exception {
        List<UpgradeStatus.NodeRow> pending = rows(40, NodePhase.Pending);
        store.update(view -> new StatusUpdate().put(upgrade("os", pending)).events(List.of("os: started")));
        String header = git.run("show", "gitfleet/status:upgrades/os.yaml");
        assertFalse(header.contains("w-001"), header);
        assertEquals(40, git.run("ls-tree", "-r", "--name-only", "gitfleet/status", "upgrades/os/nodes/")
                .split("\n").length);
        assertTrue(git.run("show", "gitfleet/status:" + StatusPaths.row("os", "w-007"))
                .contains("kind: UpgradeNodeStatus"));
        UpgradeStatus back = store.read().upgrade("os").orElseThrow();
        assertEquals(pending.stream().sorted(StatusView.ROW_ORDER).toList(), back.status().nodes());
        assertEquals("w-039", back.status().nodes().get(0).node());
        assertTrue(store.read().upgradeSummary("os").orElseThrow().status().nodes().isEmpty());

        // one row moves: one row file and the upgrade's counts change, nothing else
        List<UpgradeStatus.NodeRow> next = new ArrayList<>(back.status().nodes());
        next.set(3, row(next.get(3).node(), next.get(3).order(), NodePhase.Writing));
        store.update(view -> new StatusUpdate().put(upgrade("os", next)).events(List.of("os: one moved")));
        assertEquals(StatusPaths.row("os", next.get(3).node()), git.run("diff-tree", "--no-commit-id",
                "--name-only", "-r", "gitfleet/status~1", "gitfleet/status"));
        assertEquals(next, store.read().upgrade("os").orElseThrow().status().nodes());

        // a row that leaves the upgrade is deleted; deleting the upgrade deletes its rows
        store.update(view -> new StatusUpdate().put(upgrade("os", next.subList(1, 40))));
        assertEquals(39, store.read().rows("os").size());
        store.update(view -> new StatusUpdate().delete(StatusPaths.upgrade("os")));
        assertEquals("", git.run("ls-tree", "-r", "--name-only", "gitfleet/status", "upgrades/"));
        assertEquals("", git.run("fsck", "--strict", "--no-progress", "--no-dangling"));
    }

    /** A branch written before rows had files of their own is read as it is, and moved by the next write. */
    @Test
    void anOldBranchIsReadAndMigratedByTheNextWrite() throws Exception {
        List<UpgradeStatus.NodeRow> old = rows(5, NodePhase.Pending).stream().sorted(StatusView.ROW_ORDER)
                .toList();
        byte[] inline = Documents.toYaml(upgrade("os", old)).getBytes(StandardCharsets.UTF_8);
        new CommitStatusCommand(repo).setBranch(store.ref()).setExpectedOld(null)
                .setChanges(Map.of(StatusPaths.upgrade("os"), inline)).setMessage("an older gitfleet")
                .setIdent(StatusStore.DEFAULT_IDENT).call();
        assertEquals(old, store.read().upgrade("os").orElseThrow().status().nodes());
        assertEquals(old, store.read().upgrades().get("os").status().nodes());

        // the same rows written again by this version: rows move to their files, nothing is lost
        WriteResult moved = store.update(view -> new StatusUpdate().put(view.upgrade("os").orElseThrow()));
        assertEquals(RefResult.COMMITTED, moved.result());
        assertEquals(6, moved.paths().size());
        assertFalse(git.run("show", "gitfleet/status:upgrades/os.yaml").contains("w-001"));
        assertEquals(old, store.read().upgrade("os").orElseThrow().status().nodes());
        assertEquals(RefResult.NO_CHANGE, store.update(view -> new StatusUpdate()
                .put(view.upgrade("os").orElseThrow())).result());
    }

    /** A writer's pending view shows rows not yet committed, and a deleted upgrade's rows as gone. */
    @Test
    void pendingRowsShowInTheWritersView() throws Exception {
        store.update(view -> new StatusUpdate().put(upgrade("os", rows(3, NodePhase.Pending))));
        StatusWriter writer = new StatusWriter(store, java.time.Duration.ofHours(1), java.time.Clock.systemUTC());
        List<UpgradeStatus.NodeRow> next = new ArrayList<>(rows(3, NodePhase.Pending));
        next.set(0, row("w-000", 3, NodePhase.Instructed));
        writer.submit(view -> new StatusUpdate().put(upgrade("os", next)));
        assertEquals(NodePhase.Instructed, writer.view().rows("os").get("w-000").phase());
        assertEquals(NodePhase.Pending, store.read().rows("os").get("w-000").phase());
        writer.submit(view -> new StatusUpdate().delete(StatusPaths.upgrade("os")));
        assertTrue(writer.view().upgrade("os").isEmpty());
        assertTrue(writer.view().rows("os").isEmpty());
        writer.flush();
        assertTrue(store.read().upgrades().isEmpty());
        assertEquals(List.of(), store.read().list(StatusPaths.UPGRADES));
    }
}
