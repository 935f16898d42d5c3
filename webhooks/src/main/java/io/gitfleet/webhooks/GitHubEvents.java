package io.gitfleet.webhooks;

import io.gitfleet.webhooks.WebhookEvent.Ignored;
import io.gitfleet.webhooks.WebhookEvent.PlanPullRequest;
import io.gitfleet.webhooks.WebhookEvent.Sync;
import tools.jackson.databind.JsonNode;

/** GitHub's {@code push}, {@code pull_request} and {@code ping} events. */
final class GitHubEvents implements EventParser {

    @Override
    public String deliveryId(WebhookRequest request) {
        return request.header("X-GitHub-Delivery");
    }

    @Override
    public WebhookEvent parse(WebhookRequest request, JsonNode body, String deliveryId) {
        String event = request.header("X-GitHub-Event");
        if (event == null || event.isBlank()) {
            throw new MalformedPayloadException("missing X-GitHub-Event header");
        }
        return switch (event) {
            case "ping" -> new Ignored(Forge.GITHUB, "ping", deliveryId);
            case "push" -> push(body, deliveryId);
            case "pull_request" -> pullRequest(body, deliveryId);
            default -> new Ignored(Forge.GITHUB, "event " + event + " is not handled", deliveryId);
        };
    }

    private static WebhookEvent push(JsonNode body, String deliveryId) {
        String ref = Payload.text(body, "ref");
        String after = Payload.optionalText(body, "after");
        if (Payload.flag(body, "deleted") || Payload.isDeletion(after)) {
            return new Ignored(Forge.GITHUB, "push deletes " + ref, deliveryId);
        }
        return new Sync(Forge.GITHUB, ref, after, deliveryId);
    }

    private static WebhookEvent pullRequest(JsonNode body, String deliveryId) {
        String action = Payload.text(body, "action");
        JsonNode pr = body.path("pull_request");
        return switch (action) {
            case "opened", "synchronize", "reopened" -> new PlanPullRequest(Forge.GITHUB,
                    Payload.text(body, "repository", "full_name"), Payload.number(body, "number"),
                    Payload.text(pr, "head", "sha"), Payload.text(pr, "head", "ref"), Payload.text(pr, "base", "ref"),
                    deliveryId);
            case "closed" -> Payload.flag(pr, "merged")
                    ? new Sync(Forge.GITHUB, WebhookFilter.HEADS + Payload.text(pr, "base", "ref"),
                            Payload.optionalText(pr, "merge_commit_sha"), deliveryId)
                    : new Ignored(Forge.GITHUB, "pull request closed without merge", deliveryId);
            default -> new Ignored(Forge.GITHUB, "pull_request action " + action + " is not handled", deliveryId);
        };
    }
}
