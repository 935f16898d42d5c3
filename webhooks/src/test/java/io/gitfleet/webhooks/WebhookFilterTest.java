package io.gitfleet.webhooks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.webhooks.WebhookEvent.Ignored;
import io.gitfleet.webhooks.WebhookEvent.PlanPullRequest;
import io.gitfleet.webhooks.WebhookEvent.Sync;
import org.junit.jupiter.api.Test;

class WebhookFilterTest {

    @Test
    void onlyTheApprovedBranchSyncs() {
        assertTrue(WebhookFilter.isApprovedBranchPush(new Sync(Forge.GITHUB, "refs/heads/main", "abc", "1"), "main"));
        assertTrue(WebhookFilter.isApprovedBranchPush(new Sync(Forge.GITHUB, "refs/heads/main", null, "1"),
                "refs/heads/main"));
        assertFalse(WebhookFilter.isApprovedBranchPush(new Sync(Forge.GITHUB, "refs/heads/mainline", "a", "1"), "main"));
        assertFalse(WebhookFilter.isApprovedBranchPush(new Sync(Forge.GITHUB, "refs/tags/main", "a", "1"), "main"));
        assertFalse(WebhookFilter.isApprovedBranchPush(new Ignored(Forge.GITHUB, "ping", "1"), "main"));
    }

    @Test
    void onlyPullRequestsIntoTheApprovedBranchArePlanned() {
        assertTrue(WebhookFilter.isPlanFor(plan("main"), "main"));
        assertFalse(WebhookFilter.isPlanFor(plan("release"), "main"));
        assertFalse(WebhookFilter.isPlanFor(plan(null), "main"));
        assertFalse(WebhookFilter.isPlanFor(new Sync(Forge.GITEA, "refs/heads/main", "a", "1"), "main"));
    }

    private static PlanPullRequest plan(String base) {
        return new PlanPullRequest(Forge.GITEA, "a/b", 1, "abc1234", "topic", base, "1");
    }
}
