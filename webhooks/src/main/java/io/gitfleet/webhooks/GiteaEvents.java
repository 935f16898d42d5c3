package io.gitfleet.webhooks;

import io.gitfleet.webhooks.WebhookEvent.Ignored;
import io.gitfleet.webhooks.WebhookEvent.PlanPullRequest;
import io.gitfleet.webhooks.WebhookEvent.Sync;
import tools.jackson.databind.JsonNode;

/** Gitea's (and Forgejo's) {@code push} and {@code pull_request} events. */
final class GiteaEvents implements EventParser {

    @Override
    public String deliveryId(WebhookRequest request) {
        return request.header("X-Gitea-Delivery");
    }

    @Override
    public WebhookEvent parse(WebhookRequest request, JsonNode body, String deliveryId) {
        String event = request.header("X-Gitea-Event");
        if (event == null || event.isBlank()) {
            throw new MalformedPayloadException("missing X-Gitea-Event header");
        }
        return switch (event) {
            case "push" -> push(body, deliveryId);
            // Gitea puts new commits on a pull request under "pull_request" with action "synchronized";
            // X-Gitea-Event-Type (not used) says "pull_request_sync". Accept both spellings to be safe.
            case "pull_request", "pull_request_sync" -> pullRequest(body, deliveryId);
            default -> new Ignored(Forge.GITEA, "event " + event + " is not handled", deliveryId);
        };
    }

    private static WebhookEvent push(JsonNode body, String deliveryId) {
        String ref = Payload.text(body, "ref");
        String after = Payload.optionalText(body, "after");
        if (Payload.isDeletion(after)) {
            return new Ignored(Forge.GITEA, "push deletes " + ref, deliveryId);
        }
        return new Sync(Forge.GITEA, ref, after, deliveryId);
    }

    private static WebhookEvent pullRequest(JsonNode body, String deliveryId) {
        String action = Payload.text(body, "action");
        JsonNode pr = body.path("pull_request");
        return switch (action) {
            case "opened", "synchronized", "reopened" -> new PlanPullRequest(Forge.GITEA,
                    Payload.text(body, "repository", "full_name"), Payload.number(body, "number"),
                    Payload.text(pr, "head", "sha"), Payload.text(pr, "head", "ref"), Payload.text(pr, "base", "ref"),
                    deliveryId);
            case "closed" -> Payload.flag(pr, "merged")
                    ? new Sync(Forge.GITEA, WebhookFilter.HEADS + Payload.text(pr, "base", "ref"),
                            Payload.optionalText(pr, "merge_commit_sha"), deliveryId)
                    : new Ignored(Forge.GITEA, "pull request closed without merge", deliveryId);
            default -> new Ignored(Forge.GITEA, "pull_request action " + action + " is not handled", deliveryId);
        };
    }
}
