package io.gitfleet.webhooks;

import java.util.Objects;

/**
 * What a verified delivery asks of the reconciler. Receivers do not know the approved branch: they report
 * the ref, and {@link WebhookFilter} (or the caller) decides whether it matters.
 */
public sealed interface WebhookEvent {

    Forge forge();

    /** The forge's delivery id, or null when it sent none (then the delivery is not de-duplicated). */
    String deliveryId();

    /**
     * A push to {@code ref}, or a merged pull request whose target is {@code ref}: fetch and reconcile.
     *
     * @param ref   the full ref name, {@code refs/heads/<branch>}
     * @param after the new tip (a push's {@code after}, a merge's merge commit); null when the forge does not say
     */
    record Sync(Forge forge, String ref, String after, String deliveryId) implements WebhookEvent {
        public Sync {
            Objects.requireNonNull(forge, "forge");
            Objects.requireNonNull(ref, "ref");
        }

        /** The branch name without {@code refs/heads/}, or null when the ref is not a branch (a tag). */
        public String branch() {
            return ref.startsWith(WebhookFilter.HEADS) ? ref.substring(WebhookFilter.HEADS.length()) : null;
        }
    }

    /**
     * A pull (merge) request was opened, updated or reopened: compute its dry-run plan and report it.
     *
     * @param repository where to post the status: {@code owner/name} on GitHub and Gitea, the numeric project id on
     *                   GitLab; whatever the sender put in {@code repository} for the generic hook (may be null)
     * @param number     the pull request number (GitLab: the merge request iid)
     * @param headRef    the source branch name; {@code baseRef} the target branch name (no {@code refs/heads/})
     */
    record PlanPullRequest(Forge forge, String repository, int number, String headSha, String headRef, String baseRef,
                           String deliveryId) implements WebhookEvent {
        public PlanPullRequest {
            Objects.requireNonNull(forge, "forge");
            Objects.requireNonNull(headSha, "headSha");
        }
    }

    /** Verified but nothing to do (ping, a closed pull request, an event we do not handle); the reason says which. */
    record Ignored(Forge forge, String reason, String deliveryId) implements WebhookEvent {
        public Ignored {
            Objects.requireNonNull(forge, "forge");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
