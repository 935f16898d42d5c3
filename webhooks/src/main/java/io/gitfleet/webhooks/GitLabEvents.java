package io.gitfleet.webhooks;

import io.gitfleet.webhooks.WebhookEvent.Ignored;
import io.gitfleet.webhooks.WebhookEvent.PlanPullRequest;
import io.gitfleet.webhooks.WebhookEvent.Sync;
import tools.jackson.databind.JsonNode;

/** GitLab's {@code Push Hook} and {@code Merge Request Hook}. */
final class GitLabEvents implements EventParser {

    /** Idempotency-Key stays the same when GitLab retries a delivery; older GitLab versions only send the event UUID. */
    @Override
    public String deliveryId(WebhookRequest request) {
        String key = request.header("Idempotency-Key");
        return key != null && !key.isBlank() ? key : request.header("X-Gitlab-Event-UUID");
    }

    @Override
    public WebhookEvent parse(WebhookRequest request, JsonNode body, String deliveryId) {
        String event = request.header("X-Gitlab-Event");
        if (event == null || event.isBlank()) {
            throw new MalformedPayloadException("missing X-Gitlab-Event header");
        }
        return switch (event) {
            case "Push Hook" -> push(body, deliveryId);
            case "Merge Request Hook" -> mergeRequest(body, deliveryId);
            default -> new Ignored(Forge.GITLAB, "event " + event + " is not handled", deliveryId);
        };
    }

    private static WebhookEvent push(JsonNode body, String deliveryId) {
        String ref = Payload.text(body, "ref");
        String after = Payload.optionalText(body, "after");
        if (Payload.isDeletion(after)) {
            return new Ignored(Forge.GITLAB, "push deletes " + ref, deliveryId);
        }
        return new Sync(Forge.GITLAB, ref, after, deliveryId);
    }

    private static WebhookEvent mergeRequest(JsonNode body, String deliveryId) {
        JsonNode mr = body.path("object_attributes");
        String action = Payload.text(mr, "action");
        return switch (action) {
            // "update" is also sent for title, label and assignee edits; oldrev is present only when commits changed.
            case "update" -> Payload.optionalText(mr, "oldrev") == null
                    ? new Ignored(Forge.GITLAB, "merge request update without new commits", deliveryId)
                    : plan(body, mr, deliveryId);
            case "open", "reopen" -> plan(body, mr, deliveryId);
            case "merge" -> new Sync(Forge.GITLAB, WebhookFilter.HEADS + Payload.text(mr, "target_branch"),
                    Payload.optionalText(mr, "merge_commit_sha"), deliveryId);
            case "close" -> new Ignored(Forge.GITLAB, "merge request closed without merge", deliveryId);
            default -> new Ignored(Forge.GITLAB, "merge request action " + action + " is not handled", deliveryId);
        };
    }

    private static PlanPullRequest plan(JsonNode body, JsonNode mr, String deliveryId) {
        return new PlanPullRequest(Forge.GITLAB, Payload.id(body, "project", "id"), Payload.number(mr, "iid"),
                Payload.text(mr, "last_commit", "id"), Payload.text(mr, "source_branch"),
                Payload.text(mr, "target_branch"), deliveryId);
    }
}
