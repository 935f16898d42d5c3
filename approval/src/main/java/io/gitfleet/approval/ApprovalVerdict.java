package io.gitfleet.approval;

import org.eclipse.jgit.lib.ObjectId;

/** What the approval check decided about the approved branch's head. */
public sealed interface ApprovalVerdict {
    /** The commit the reconciler may act on now (null only when nothing was ever approved). */
    ObjectId approved();

    /** The head and everything up to it may be acted on. */
    record Accepted(ObjectId approved, int newCommits) implements ApprovalVerdict {
    }

    /**
     * The branch moved to a commit that does not descend from the last one acted on (a force-push, or a branch
     * moved back). {@code approved} is that last commit when this reconciler checked it itself (its trust anchor);
     * null when it is only the status branch's claim, which is not acted on.
     */
    record HistoryRewritten(ObjectId approved, ObjectId last, ObjectId head) implements ApprovalVerdict {
        public HistoryRewritten(ObjectId approved, ObjectId head) {
            this(approved, approved, head);
        }

        public String message(String branch) {
            return branch + " moved to " + head.name() + ", which does not descend from " + last.name()
                    + ", the last commit acted on; no new node starts until an operator accepts it with "
                    + "--accept-history " + head.name() + " (gitfleet serve, or gitfleet reconcile --once with the "
                    + "reconciler's --data-dir)";
        }
    }

    /**
     * A commit in the new range is unsigned or badly signed. {@code approved} is the newest first-parent commit
     * before it that passed, so approvals merged before the bad commit still take effect.
     */
    record Refused(ObjectId approved, ObjectId commit, String why) implements ApprovalVerdict {
        public String message() {
            return "commit " + commit.name() + " " + why + "; it is not acted on"
                    + (approved == null ? "" : " (acting on " + approved.name() + ")");
        }
    }
}
