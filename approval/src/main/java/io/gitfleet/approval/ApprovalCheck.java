package io.gitfleet.approval;

import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.Fleet;
import io.gitfleet.schema.FleetLoader;
import io.gitfleet.schema.ReadResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Decides which commit of the approved branch the reconciler may act on. The head must descend from the last
 * commit acted on (else: history rewritten). When {@code fleet.yaml} asks for signed commits, each first-parent
 * step since then is checked with the policy and the keys of the step before it, so a commit can neither switch
 * signing off nor add its own key: with {@code first-parent} the step's commit (each merge is an approval), with
 * {@code all} every commit the step brings in. The newest step before a bad commit is still accepted.
 */
public final class ApprovalCheck {
    private final Repository repo;
    private final SignatureCheck signatures;

    public ApprovalCheck(Repository repo, SignatureCheck signatures) {
        this.repo = repo;
        this.signatures = signatures;
    }

    /**
     * The check as a pass runs it. The reconciler's own anchor, when it has one, is the base; the status branch's
     * record of the last commit acted on is then ignored, because anyone who can push there can write any commit
     * into it. Without an anchor (a new data dir) the record is a claim: the head must descend from it, and the
     * claimed commit is checked under its own policy and keys (as on first use) before the range after it is.
     *
     * @param anchor   the last commit this reconciler accepted itself ({@link TrustAnchors#approved()}), or null
     * @param recorded the status branch's {@code approvedCommit}, or null
     */
    public ApprovalVerdict check(ObjectId anchor, ObjectId recorded, ObjectId head, ObjectId acknowledged)
            throws IOException {
        if (anchor != null || recorded == null || (acknowledged != null && acknowledged.equals(head))) {
            return check(anchor, head, acknowledged);
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit claimed;
            try {
                claimed = walk.parseCommit(recorded);
            } catch (MissingObjectException e) {
                return new ApprovalVerdict.HistoryRewritten(null, recorded, head);
            }
            if (!walk.isMergedInto(claimed, walk.parseCommit(head))) {
                return new ApprovalVerdict.HistoryRewritten(null, recorded, head);
            }
            String why = problem(claimed, claimed);
            if (why != null) {
                return new ApprovalVerdict.Refused(null, recorded, why
                        + " (the status branch records it as acted on; this reconciler has not checked it)");
            }
        }
        return check(recorded, head, null);
    }

    /**
     * @param lastAccepted the last commit acted on, as checked by this reconciler, or null on the first pass
     * @param head         the approved branch's head
     * @param acknowledged a head an operator accepted as it is ({@code --accept-history}), or null
     */
    public ApprovalVerdict check(ObjectId lastAccepted, ObjectId head, ObjectId acknowledged) throws IOException {
        if (acknowledged != null && acknowledged.equals(head)) {
            return new ApprovalVerdict.Accepted(head, 0);
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit tip = walk.parseCommit(head);
            if (lastAccepted == null) {
                // first use: the head is trusted with its own policy and keys (documented in docs/approval.md)
                String why = problem(tip, tip);
                return why == null ? new ApprovalVerdict.Accepted(head, 1)
                        : new ApprovalVerdict.Refused(null, head, why);
            }
            if (lastAccepted.equals(head)) {
                return new ApprovalVerdict.Accepted(head, 0);
            }
            RevCommit base;
            try {
                base = walk.parseCommit(lastAccepted);
            } catch (MissingObjectException e) {
                return new ApprovalVerdict.HistoryRewritten(lastAccepted, head);
            }
            if (!walk.isMergedInto(base, tip)) {
                return new ApprovalVerdict.HistoryRewritten(lastAccepted, head);
            }
            List<RevCommit> steps = firstParentSteps(walk, base, head);
            RevCommit prev = base;
            int count = 0;
            for (RevCommit step : steps) {
                for (RevCommit c : introducedBy(step, prev)) {
                    count++;
                    String why = problem(c, prev);
                    if (why != null) {
                        return new ApprovalVerdict.Refused(prev.equals(base) ? lastAccepted : prev.copy(), c.copy(),
                                why);
                    }
                }
                prev = step;
            }
            return new ApprovalVerdict.Accepted(head, count);
        }
    }

    /** The committer date of a commit: inside the signed object, so only a signer can move it. */
    public java.time.Instant committedAt(ObjectId commit) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            return walk.parseCommit(commit).getCommitterIdent().getWhenAsInstant();
        }
    }

    /** The approval policy in force at a commit (defaults when its {@code fleet.yaml} is missing or invalid). */
    public Fleet.Approval policy(ObjectId commit) throws IOException {
        return policyAt(commit);
    }

    /** First-parent commits after {@code base} up to {@code head}, oldest first. */
    private List<RevCommit> firstParentSteps(RevWalk walk, RevCommit base, ObjectId head) throws IOException {
        List<RevCommit> steps = new ArrayList<>();
        RevCommit c = walk.parseCommit(head);
        while (c != null && !c.equals(base)) {
            // a first-parent chain that passes the base by its side ends at the first ancestor of the base
            if (walk.isMergedInto(c, base)) {
                break;
            }
            steps.add(c);
            c = c.getParentCount() == 0 ? null : walk.parseCommit(c.getParent(0));
        }
        Collections.reverse(steps);
        return steps;
    }

    /** The commits a step must vouch for under the policy in force at {@code prev}. */
    private List<RevCommit> introducedBy(RevCommit step, RevCommit prev) throws IOException {
        Fleet.Approval policy = policyAt(prev);
        if (policy.signedCommits() != Fleet.SignedCommits.ALL) {
            return List.of(step);
        }
        List<RevCommit> out = new ArrayList<>();
        try (RevWalk all = new RevWalk(repo)) {
            all.markStart(all.parseCommit(step));
            all.markUninteresting(all.parseCommit(prev));
            for (RevCommit c : all) {
                out.add(c);
            }
        }
        Collections.reverse(out);
        return out;
    }

    /** Null when {@code c} is acceptable under the policy and keys of {@code trusted}, else why not. */
    private String problem(RevCommit c, RevCommit trusted) throws IOException {
        Fleet.Approval policy = policyAt(trusted);
        if (policy.signedCommits() == Fleet.SignedCommits.NONE) {
            return null;
        }
        byte[] signers = CommitFiles.file(repo, trusted, policy.allowedSignersFile()).orElse(null);
        try (RevWalk w = new RevWalk(repo)) {
            return signatures.problem(w.parseCommit(c), signers, policy.openpgpFingerprints());
        }
    }

    /** The approval policy of {@code fleet.yaml} at a commit; defaults when it is missing or invalid. */
    private Fleet.Approval policyAt(ObjectId commit) throws IOException {
        byte[] bytes = CommitFiles.file(repo, commit, FleetLoader.FLEET_FILE).orElse(null);
        if (bytes == null) {
            return Fleet.defaults().spec().approval();
        }
        ReadResult<Fleet> r = DocumentReader.read(FleetLoader.FLEET_FILE, bytes, Fleet.class, null);
        return r.ok() ? r.document().spec().approval() : Fleet.defaults().spec().approval();
    }
}
