package io.gitfleet.reconciler.cli;

import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.store.CommitStatusView;
import io.gitfleet.reconciler.store.StatusStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The status branch of {@code --repo} for the read commands: a local repository is read in place (inside an
 * operator's clone the branch is usually only a remote-tracking one, which is read when the local branch is
 * missing); a URL is fetched into the local mirror first.
 */
final class StatusSource {
    @Mixin
    RemoteOptions remote;

    @Option(names = "--status-branch", paramLabel = "BRANCH", defaultValue = StatusStore.DEFAULT_BRANCH,
            description = "the status branch; a remote-tracking name such as origin/gitfleet/status works too "
                    + "(default ${DEFAULT-VALUE})")
    String statusBranch;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, yaml or json")
    OutputFormat output;

    /** What a read command shows from an opened status branch; its exit code. */
    interface View {
        int show(Opened opened) throws Exception;
    }

    /**
     * Shows the status branch once, or with {@code watch} again each time its head moves (looking every 2 s; a
     * URL is fetched again each time) until interrupted.
     */
    int show(boolean watch, View view, java.io.PrintWriter out) throws Exception {
        ObjectId shown = null;
        while (true) {
            try (Opened opened = open()) {
                ObjectId head = opened.requireBranch();
                if (!head.equals(shown)) {
                    if (shown != null) {
                        out.println();
                    }
                    int code = view.show(opened);
                    if (!watch) {
                        return code;
                    }
                    out.println("(" + opened.branch() + " at " + head.abbreviate(8).name() + ", "
                            + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                            + "; watching, Ctrl-C to stop)");
                    out.flush();
                    shown = head;
                }
            }
            Thread.sleep(2000);
        }
    }

    /** Opens the status branch; the caller closes the returned handle. */
    Opened open() throws IOException {
        Path local = remote.localRepo();
        if (local != null) {
            Repository repo = new FileRepositoryBuilder().setGitDir(local.toFile()).setMustExist(true).build();
            return new Opened(repo, statusBranch, candidates(statusBranch));
        }
        FleetMirror mirror = remote.mirror();
        mirror.refresh(statusBranch);
        return new Opened(mirror.repository(), statusBranch, List.of(Constants.R_HEADS + statusBranch));
    }

    /** The refs that may hold the branch, in order: the local branch, then origin's, then the name as given. */
    static List<String> candidates(String branch) {
        List<String> refs = new ArrayList<>();
        if (branch.startsWith("refs/")) {
            refs.add(branch);
            return refs;
        }
        refs.add(Constants.R_HEADS + branch);
        refs.add(Constants.R_REMOTES + "origin/" + branch);
        if (branch.contains("/")) {
            refs.add(Constants.R_REMOTES + branch);
        }
        return refs;
    }

    record Opened(Repository repo, String branch, List<String> refs) implements AutoCloseable {
        @Override
        public void close() {
            repo.close();
        }

        /** The first of the candidate refs that exists, or null. */
        ObjectId head() throws IOException {
            for (String name : refs) {
                Ref ref = repo.exactRef(name);
                if (ref != null) {
                    return ref.getObjectId();
                }
            }
            return null;
        }

        CommitStatusView read() throws IOException {
            return CommitStatusView.of(repo, requireBranch());
        }

        ObjectId requireBranch() throws IOException {
            ObjectId head = head();
            if (head == null) {
                throw new UsageException("the repo has no status branch " + branch + " (looked for "
                        + String.join(", ", refs) + "; run git fetch origin " + branch
                        + ", gitfleet reconcile --once, or name it with --status-branch)");
            }
            return head;
        }
    }
}
