package io.gitfleet.demo.e2e;

import io.gitfleet.reconciler.store.CommitStatusView;
import io.gitfleet.schema.UpgradeStatus;
import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Reads the status branch the way gitfleet does, through its own reader: an upgrade's rows live in files of their
 * own (docs/status-branch.md), so a test reading {@code upgrades/NAME.yaml} alone would see no rows.
 */
public final class StatusReads {
    private StatusReads() {
    }

    /** The whole upgrade (summary and rows) at {@code commit} of the bare repo, or null when it is not there. */
    public static UpgradeStatus upgradeAt(Path bare, String commit, String name) throws IOException {
        try (Repository repo = new FileRepositoryBuilder().setGitDir(bare.toFile()).setMustExist(true).build()) {
            ObjectId id = repo.resolve(commit);
            return id == null ? null : CommitStatusView.of(repo, id).upgrade(name).orElse(null);
        }
    }

    /** The paths an upgrade's status is written to: its summary and its rows' folder (for {@code git rev-list}). */
    public static String[] upgradePaths(String name) {
        return new String[] {"upgrades/" + name + ".yaml", "upgrades/" + name + "/"};
    }
}
