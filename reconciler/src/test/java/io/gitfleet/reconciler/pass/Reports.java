package io.gitfleet.reconciler.pass;

import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusUpdate;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.Report;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** Writes node reports onto a fleet repo's status branch, standing in for the server that will receive them. */
final class Reports {
    static final List<String> NODES = List.of("cp-1", "cp-2", "cp-3", "worker-1", "worker-2", "worker-3",
            "worker-4", "worker-5", "worker-6");

    private Reports() {
    }

    static NodeStatus node(String name, String os, Report.Task task, Instant seen) {
        return NodeStatus.of(name, new NodeStatus.State(Map.of("os", os, "kubernetes", "v1.34.1"),
                new Report.Slots("a", "a", null, null, null), new Report.Health(true, null), task, null, seen));
    }

    static Report.Task task(String upgrade, int attempt, NodePhase phase, String version) {
        return new Report.Task(upgrade, attempt, null, version, phase, null, null, null, null);
    }

    /** Every node healthy on os v1.34.1, except those given. */
    static void seed(Path bare, Instant seen, NodeStatus... overrides) throws Exception {
        try (Repository repo = new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build()) {
            StatusStore store = new StatusStore(repo, StatusStore.DEFAULT_BRANCH, null);
            store.update(view -> {
                StatusUpdate u = new StatusUpdate();
                for (String n : NODES) {
                    u.put(node(n, "v1.34.1", null, seen));
                }
                for (NodeStatus o : overrides) {
                    u.put(o);
                }
                return u;
            });
        }
    }
}
