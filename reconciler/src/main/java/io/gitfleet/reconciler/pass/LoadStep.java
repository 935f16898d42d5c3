package io.gitfleet.reconciler.pass;

import io.gitfleet.approval.ApprovalCheck;
import io.gitfleet.approval.ApprovalVerdict;
import io.gitfleet.approval.Freshness;
import io.gitfleet.approval.SignatureCheck;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.FleetReader;
import io.gitfleet.schema.Fleet;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.reconciler.git.TrustAnchors;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Runs the approval checks on the approved branch's head and reads the fleet at the commit they accept, straight
 * from the object database. When the head is refused (history rewritten, a bad signature), or the newest accepted
 * commit is older than {@code approval.maxAge}, the pass goes on with the last approved commit's fleet, holding
 * every new start, so that nodes already in flight are still tracked.
 */
final class LoadStep implements Step {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LoadStep.class);
    private final FleetMirror mirror;
    /** The fleet of the last commit read: most passes (a report changed) plan the same commit again. */
    private ObjectId cachedCommit;
    private LoadedFleet cachedFleet;
    /** The documents of that commit by blob: a new commit parses only the files it changed. */
    private final io.gitfleet.approval.ReadCache documents = new io.gitfleet.approval.ReadCache();

    LoadStep(FleetMirror mirror) {
        this.mirror = mirror;
    }

    @Override
    public String name() {
        return "load";
    }

    @Override
    public void run(PassState s) throws Exception {
        String last = SyncStep.lastApplied(s.previous);
        ObjectId lastAccepted = last == null ? null : ObjectId.fromString(last);
        ObjectId acknowledged = null;
        if (s.options.acceptHistory() != null) {
            acknowledged = mirror.repository().resolve(s.options.acceptHistory() + "^{commit}");
            if (!s.head.equals(acknowledged)) {
                throw new NothingAcceptedException("AcceptHistoryMismatch", "--accept-history "
                        + s.options.acceptHistory() + " is not the head of " + s.approvedBranch + " ("
                        + s.head.name() + "); nothing was accepted");
            }
        }
        SignatureCheck signatures = new SignatureCheck(mirror.repository(), s.options.keyDir());
        // the base is what this reconciler checked itself; the status branch's record is only a claim
        TrustAnchors anchors = new TrustAnchors(mirror.repository());
        ApprovalCheck approvals = new ApprovalCheck(mirror.repository(), signatures);
        s.verdict = approvals.check(anchors.approved(), lastAccepted, s.head, acknowledged);
        s.approved = s.verdict.approved();
        if (s.approved != null) {
            anchors.approve(s.approved);
        }
        if (s.verdict instanceof ApprovalVerdict.HistoryRewritten h) {
            hold(s, "HistoryRewritten", h.message(s.approvedBranch));
        } else if (s.verdict instanceof ApprovalVerdict.Refused r) {
            hold(s, "UnsignedCommit", r.message());
        }
        if (s.approved == null) {
            PassFailure stall = s.issues.remove(s.issues.size() - 1);
            throw new NothingAcceptedException(stall.reason(), stall.message());
        }
        if (!s.approved.equals(cachedCommit)) {
            cachedFleet = FleetReader.load(mirror.repository(), s.approved, documents);
            cachedCommit = s.approved.copy();
            LOG.info("acting on approved commit {} ({} nodes, {} upgrades, {} problems)", s.approved.name(),
                    cachedFleet.nodes().size(), cachedFleet.upgrades().size(), cachedFleet.problems().size());
        }
        s.writtenFleet = cachedFleet;
        // approval.maxAge: a branch frozen in the past (replayed, withheld) starts nothing new; agents check the same
        Fleet.Approval policy = cachedFleet.fleet().map(f -> f.spec().approval())
                .orElse(Fleet.defaults().spec().approval());
        Freshness.stale(policy, s.approved.name(), approvals.committedAt(s.approved), s.now)
                .ifPresent(why -> hold(s, "ApprovalExpired", why));
        s.fleet = s.holdNewStarts ? HeldFleet.pauseAll(s.writtenFleet) : s.writtenFleet;
    }

    private void hold(PassState s, String reason, String message) {
        s.holdNewStarts = true;
        s.holdReason = message;
        s.issues.add(new PassFailure(name(), FailureKind.STALL, reason, message));
    }
}
