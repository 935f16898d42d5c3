package io.gitfleet.reconciler.pass;

import io.gitfleet.reconciler.git.FetchFailedException;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.TrustAnchors;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.FleetStatus;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Fetches the fleet repo (and the shared status branch) into the mirror, then finds the approved branch's head.
 * A failed fetch does not stop the pass: in-flight nodes keep being tracked from what was fetched before, and
 * the status says Waiting/FetchFailed.
 */
final class SyncStep implements Step {
    private final FleetMirror mirror;
    private final StatusWriter writer;

    SyncStep(FleetMirror mirror, StatusWriter writer) {
        this.mirror = mirror;
        this.writer = writer;
    }

    @Override
    public String name() {
        return "sync";
    }

    @Override
    public void run(PassState s) throws Exception {
        boolean fetched = false;
        if (s.fetch) {
            try {
                mirror.refresh(writer.store().branch());
                fetched = true;
            } catch (FetchFailedException e) {
                s.issues.add(Failures.classify(name(), e));
            }
        }
        s.status = writer.view();
        s.previous = s.status.fleet().orElse(null);
        s.approvedBranch = s.previous != null && s.previous.status().approvedBranch() != null
                ? s.previous.status().approvedBranch() : s.options.approvedBranch();
        s.head = mirror.branchHead(s.approvedBranch);
        if (s.head == null) {
            throw new BranchMissingException(s.approvedBranch);
        }
        checkStatusHistory(s, fetched);
    }

    /**
     * The status branch must descend from the last status commit this reconciler saw: someone else rewinding it
     * (or deleting it) would erase rows, failures and budgets silently. Until an operator accepts it
     * ({@code --accept-history}), no new node starts and the fleet is Stalled/StatusRewound.
     *
     * <p>Only a head just fetched from the remote is judged and remembered. The local branch may hold a commit of
     * this reconciler's own that never reached the remote (its push failed while the Git server was away, or the
     * process died before pushing): remembered as seen, it would make the remote's own head, once it is back, look
     * like a rewrite, and stall the fleet for a person.
     */
    private void checkStatusHistory(PassState s, boolean fetched) throws java.io.IOException {
        if (!fetched && writer.store().remote() != null) {
            return;
        }
        TrustAnchors anchors = new TrustAnchors(mirror.repository());
        ObjectId seen = anchors.statusSeen();
        ObjectId now = writer.store().head();
        String accept = s.options.acceptHistory();
        boolean acknowledged = accept != null && s.head.equals(mirror.repository().resolve(accept + "^{commit}"));
        if (seen == null || seen.equals(now) || anchors.descends(seen, now) || acknowledged) {
            anchors.sawStatus(now);
            return;
        }
        String branch = writer.store().branch();
        String message = (now == null ? "the status branch " + branch + " was deleted"
                : "the status branch " + branch + " moved to " + now.name() + ", which does not descend from "
                + seen.name()) + ", the last status commit this reconciler saw: someone else rewrote it, so what it "
                + "recorded (rows, failures) may be gone; no new node starts until an operator accepts it with "
                + "--accept-history " + s.head.name();
        s.holdNewStarts = true;
        s.holdReason = message;
        s.issues.add(new PassFailure(name(), FailureKind.STALL, "StatusRewound", message));
    }

    static String lastApplied(FleetStatus previous) {
        return previous == null ? null : previous.status().approvedCommit();
    }
}
