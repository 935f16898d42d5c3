package io.gitfleet.webhooks;

import java.util.function.Consumer;

/**
 * A sink that knows which verified events concern it (the receivers do not know the fleet's approved branch): an
 * event it declines is answered {@code ignored} with its reason and never handed on.
 */
public interface WebhookTriage extends Consumer<WebhookEvent> {
    /** Why this event is of no concern here (a push to another branch, a pull request into another), or null. */
    String ignoreReason(WebhookEvent event);
}
