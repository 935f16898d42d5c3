package io.gitfleet.reconciler.cli;

import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.TrustAnchors;
import io.gitfleet.reconciler.store.StatusStore;
import java.io.IOException;
import org.eclipse.jgit.lib.ObjectId;

/**
 * {@code gitfleet serve --accept-history SHA}: the operator's gesture, recorded in the server's own data dir (where
 * its trust anchors live) before it starts. The sha must be the approved branch's head; one that is already
 * accepted (the option left in a unit file across restarts) changes nothing.
 */
final class HistoryAcceptance {
    private HistoryAcceptance() {
    }

    static String accept(FleetMirror mirror, String statusBranch, String defaultBranch, String sha) throws IOException {
        try (mirror) {
            mirror.refresh(statusBranch);
            StatusStore store = new StatusStore(mirror.repository(), statusBranch, mirror);
            String branch = store.read().fleet().map(f -> f.status().approvedBranch()).orElse(defaultBranch);
            ObjectId head = mirror.branchHead(branch);
            ObjectId given = mirror.repository().resolve(sha + "^{commit}");
            TrustAnchors anchors = new TrustAnchors(mirror.repository());
            ObjectId anchor = anchors.approved();
            if (given != null && anchor != null && (given.equals(anchor) || anchors.descends(given, anchor))
                    && !given.equals(head)) {
                return "--accept-history " + sha + ": already accepted; nothing to do";
            }
            if (given == null || !given.equals(head)) {
                throw new UsageException("--accept-history " + sha + " is not the head of " + branch + " ("
                        + (head == null ? "no such branch" : head.name()) + "); nothing was accepted");
            }
            anchors.approve(head);
            anchors.sawStatus(store.head());
            return "accepted " + head.name() + " of " + branch + " and the status branch as it is";
        }
    }
}
