package io.gitfleet.reconciler.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commit that last changed a manifest, on histories made with the git CLI. */
class ManifestHistoryIT {
    @TempDir
    Path tmp;

    @Test
    void mergesDirectCommitsDeletionsAndFilesNeverThere() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp);
        GitCli git = repos.work;
        String root = git.run("rev-parse", "main");
        String merged = repos.mergeChange("promote", "upgrades/os-1-35.yaml",
                repos.read("upgrades/os-1-35.yaml").replace("promoted: false", "promoted: true"));
        String unrelated = repos.mergeChange("timeout", "fleet.yaml",
                repos.read("fleet.yaml").replace("nodeTimeout: 15m", "nodeTimeout: 20m"));
        // a squash-merged change: one commit straight on main
        Files.writeString(git.dir().resolve("upgrades/os-1-35.yaml"),
                repos.read("upgrades/os-1-35.yaml").replace("paused: false", "paused: true"));
        git.run("commit", "-q", "-am", "Pause os-1-35");
        String direct = git.run("rev-parse", "main");
        git.run("rm", "-q", "upgrades/kubernetes-1-35.yaml");
        git.run("commit", "-q", "-m", "Cancel kubernetes-1-35");
        String deleted = git.run("rev-parse", "main");
        git.run("push", "-q", "origin", "main");

        try (Repository repo = new FileRepositoryBuilder().setGitDir(repos.bare.toFile()).setBare().build()) {
            ManifestHistory history = new ManifestHistory(repo);
            assertEquals(root, history.lastChange(ObjectId.fromString(root), "upgrades/os-1-35.yaml").name(),
                    "the commit that added it");
            assertEquals(merged, history.lastChange(ObjectId.fromString(merged), "upgrades/os-1-35.yaml").name(),
                    "the merge commit, not the branch's commit");
            assertEquals(merged, history.lastChange(ObjectId.fromString(unrelated), "upgrades/os-1-35.yaml").name(),
                    "an unrelated merge changes nothing (read incrementally from the last answer)");
            assertEquals(direct, history.lastChange(ObjectId.fromString(deleted), "upgrades/os-1-35.yaml").name());
            assertEquals(deleted, history.lastChange(ObjectId.fromString(deleted),
                    "upgrades/kubernetes-1-35.yaml").name(), "a deletion is a change");
            assertNull(history.lastChange(ObjectId.fromString(deleted), "upgrades/never.yaml"));
            assertEquals(java.util.Map.of("upgrades/os-1-35.yaml", ObjectId.fromString(direct),
                    "upgrades/kubernetes-1-35.yaml", ObjectId.fromString(deleted)),
                    new ManifestHistory(repo).lastChanges(ObjectId.fromString(deleted), java.util.List.of(
                            "upgrades/os-1-35.yaml", "upgrades/kubernetes-1-35.yaml", "upgrades/never.yaml")),
                    "one walk for several files");
            assertEquals(merged, new ManifestHistory(repo).lastChange(ObjectId.fromString(unrelated),
                    "upgrades/os-1-35.yaml").name(), "the same answer without a remembered one");
        }
    }
}
