package io.gitfleet.webhooks;

import io.gitfleet.webhooks.WebhookEvent.Ignored;
import io.gitfleet.webhooks.WebhookEvent.PlanPullRequest;
import io.gitfleet.webhooks.WebhookEvent.Sync;
import tools.jackson.databind.JsonNode;

/**
 * gitfleet's own small format for senders that are not a supported forge:
 * {@code {"event":"push","ref":"refs/heads/main","after":"<sha>"}} or
 * {@code {"event":"pull_request","action":"opened","number":7,"head":"<sha>","headRef":"…","baseRef":"…"}}.
 */
final class GenericEvents implements EventParser {

    @Override
    public String deliveryId(WebhookRequest request) {
        return request.header("X-Gitfleet-Delivery");
    }

    @Override
    public WebhookEvent parse(WebhookRequest request, JsonNode body, String deliveryId) {
        String event = Payload.text(body, "event");
        return switch (event) {
            case "push" -> new Sync(Forge.GENERIC, fullRef(Payload.text(body, "ref")),
                    Payload.optionalText(body, "after"), deliveryId);
            case "pull_request" -> pullRequest(body, deliveryId);
            case "ping" -> new Ignored(Forge.GENERIC, "ping", deliveryId);
            default -> throw new MalformedPayloadException("unknown event " + event + " (push, pull_request or ping)");
        };
    }

    private static WebhookEvent pullRequest(JsonNode body, String deliveryId) {
        String action = Payload.text(body, "action");
        return switch (action) {
            case "opened", "synchronize", "reopened" -> new PlanPullRequest(Forge.GENERIC,
                    Payload.optionalText(body, "repository"), Payload.number(body, "number"),
                    Payload.text(body, "head"), Payload.optionalText(body, "headRef"),
                    Payload.optionalText(body, "baseRef"), deliveryId);
            case "merged" -> new Sync(Forge.GENERIC, WebhookFilter.HEADS + Payload.text(body, "baseRef"),
                    Payload.optionalText(body, "after"), deliveryId);
            case "closed" -> new Ignored(Forge.GENERIC, "pull request closed without merge", deliveryId);
            default -> throw new MalformedPayloadException(
                    "unknown action " + action + " (opened, synchronize, reopened, merged or closed)");
        };
    }

    /** Scripts often send {@code main}; the other forges always send {@code refs/heads/main}. */
    private static String fullRef(String ref) {
        return ref.startsWith("refs/") ? ref : WebhookFilter.HEADS + ref;
    }
}
