package io.gitfleet.reconciler.cli;

import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.store.StatusStore;
import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The status branch of {@code --repo} for the read commands: a local repository is read in place; a URL is
 * fetched into the local mirror first.
 */
final class StatusSource {
    @Mixin
    RemoteOptions remote;

    @Option(names = "--status-branch", paramLabel = "BRANCH", defaultValue = StatusStore.DEFAULT_BRANCH,
            description = "default ${DEFAULT-VALUE}")
    String statusBranch;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, yaml or json")
    OutputFormat output;

    /** Opens the status branch; the caller closes the returned handle. */
    Opened open() throws IOException {
        Path local = remote.localRepo();
        if (local != null) {
            Repository repo = new FileRepositoryBuilder().setGitDir(local.toFile()).setMustExist(true).build();
            return new Opened(repo, new StatusStore(repo, statusBranch, null));
        }
        FleetMirror mirror = remote.mirror();
        mirror.refresh(statusBranch);
        return new Opened(mirror.repository(), new StatusStore(mirror.repository(), statusBranch, null));
    }

    record Opened(Repository repo, StatusStore store) implements AutoCloseable {
        @Override
        public void close() {
            repo.close();
        }

        void requireBranch() throws IOException {
            if (store.head() == null) {
                throw new UsageException("the repo has no status branch " + store.branch()
                        + " (run gitfleet reconcile --once, or name it with --status-branch)");
            }
        }
    }
}
