package io.gitfleet.reconciler.fault;

import io.gitfleet.reconciler.plan.StatusInvariants;
import io.gitfleet.reconciler.store.CommitMessage;
import io.gitfleet.reconciler.store.CommitStatusView;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.UpgradeStatus;
import java.io.IOException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Reads every commit of the status branch on the Git server, oldest first, through the store's own reader (so the
 * check does not depend on where the store keeps its rows), and checks each against the one before it: the branch
 * is one line of commits, every document reads back, and {@link StatusInvariants} hold.
 */
final class CommitWalk {
    private final Repository repo;
    private final Figures fig;
    private final Function<String, LoadedFleet> fleetAt;
    private final Consumer<String> violation;

    CommitWalk(Repository repo, Figures fig, Function<String, LoadedFleet> fleetAt, Consumer<String> violation) {
        this.repo = repo;
        this.fig = fig;
        this.fleetAt = fleetAt;
        this.violation = violation;
    }

    static ObjectId head(Repository repo) throws IOException {
        return repo.resolve(Constants.R_HEADS + StatusStore.DEFAULT_BRANCH);
    }

    static SortedMap<String, UpgradeStatus> headUpgrades(Repository repo) throws IOException {
        ObjectId head = head(repo);
        return head == null ? new TreeMap<>() : CommitStatusView.of(repo, head).upgrades();
    }

    void run() throws IOException {
        ObjectId head = head(repo);
        if (head == null) {
            return;
        }
        Map<String, UpgradeStatus> before = Map.of();
        RevCommit parent = null;
        try (RevWalk walk = new RevWalk(repo)) {
            walk.sort(RevSort.TOPO);
            walk.sort(RevSort.REVERSE, true);
            walk.markStart(walk.parseCommit(head));
            for (RevCommit c : walk) {
                if (c.getParentCount() > 1 || parent != null && (c.getParentCount() == 0
                        || !c.getParent(0).equals(parent))) {
                    violation.accept("status commit " + c.name() + " does not follow " + (parent == null ? "nothing"
                            : parent.name()) + ": the branch is not one line");
                }
                CommitStatusView view = CommitStatusView.of(repo, c);
                Map<String, UpgradeStatus> after;
                try {
                    after = view.upgrades();
                    view.fleet();
                    if (c.equals(head)) {
                        view.nodes(); // node documents change one by one; the head holds every one of them
                    }
                } catch (RuntimeException e) {
                    violation.accept("status commit " + c.name() + " does not read back: " + e.getMessage());
                    return;
                }
                String approvedCommit = CommitMessage.approvedCommitOf(c.getFullMessage());
                LoadedFleet fleet = approvedCommit == null ? null : fleetAt.apply(approvedCommit);
                try {
                    StatusInvariants.check(fleet, before, after);
                } catch (AssertionError e) {
                    violation.accept("status commit " + c.name() + " (" + c.getShortMessage() + "): " + e.getMessage());
                }
                fig.commitsChecked++;
                before = after;
                parent = c;
            }
        }
    }
}
