package io.gitfleet.webhooks;

/** Decisions that need the fleet's approved branch, which the receivers do not know. */
public final class WebhookFilter {
    static final String HEADS = "refs/heads/";

    private WebhookFilter() {
    }

    /** True for a push to (or a merge into) the approved branch: the only events that should trigger a sync. */
    public static boolean isApprovedBranchPush(WebhookEvent event, String approvedBranch) {
        return event instanceof WebhookEvent.Sync sync && sync.ref().equals(HEADS + stripHeads(approvedBranch));
    }

    /** True for a pull request that targets the approved branch: only those are worth a plan. */
    public static boolean isPlanFor(WebhookEvent event, String approvedBranch) {
        return event instanceof WebhookEvent.PlanPullRequest plan
                && stripHeads(approvedBranch).equals(plan.baseRef() == null ? null : stripHeads(plan.baseRef()));
    }

    private static String stripHeads(String branch) {
        return branch.startsWith(HEADS) ? branch.substring(HEADS.length()) : branch;
    }
}
