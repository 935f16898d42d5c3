package io.gitfleet.approval;

import org.eclipse.jgit.lib.ObjectId;

/** What the approval check decided about the approved branch's head. */
public sealed interface ApprovalVerdict {
    /** The commit the reconciler may act on now (null only when nothing was ever accepted). */
    ObjectId accepted();

    /** The head and everything up to it may be acted on. */
    record Accepted(ObjectId accepted, int newCommits) implements ApprovalVerdict {
    }

    /** The branch moved to a commit that does not descend from the last one acted on (a force-push). */
    record HistoryRewritten(ObjectId accepted, ObjectId head) implements ApprovalVerdict {
        public String message(String branch) {
            return branch + " moved to " + head.name() + ", which does not descend from " + accepted.name()
                    + ", the last commit acted on; no new node starts until an operator accepts it with "
                    + "gitfleet reconcile --once --repo URL --accept-history " + head.name();
        }
    }

    /**
     * A commit in the new range is unsigned or badly signed. {@code accepted} is the newest first-parent commit
     * before it that passed, so approvals merged before the bad commit still take effect.
     */
    record Refused(ObjectId accepted, ObjectId commit, String why) implements ApprovalVerdict {
        public String message() {
            return "commit " + commit.name() + " " + why + "; it is not acted on"
                    + (accepted == null ? "" : " (acting on " + accepted.name() + ")");
        }
    }
}
