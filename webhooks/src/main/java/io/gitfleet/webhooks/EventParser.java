package io.gitfleet.webhooks;

import tools.jackson.databind.JsonNode;

/** Turns one forge's verified delivery into a {@link WebhookEvent}, reading the payload as the forge documents it. */
interface EventParser {

    /** The delivery id the forge keeps across retries, or null. */
    String deliveryId(WebhookRequest request);

    /**
     * @param body the parsed body, always a JSON object
     * @throws MalformedPayloadException when a field the event needs is missing or of the wrong type
     */
    WebhookEvent parse(WebhookRequest request, JsonNode body, String deliveryId);

    static EventParser forForge(Forge forge) {
        return switch (forge) {
            case GITHUB -> new GitHubEvents();
            case GITLAB -> new GitLabEvents();
            case GITEA -> new GiteaEvents();
            case GENERIC -> new GenericEvents();
        };
    }
}
