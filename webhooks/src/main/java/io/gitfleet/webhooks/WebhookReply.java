package io.gitfleet.webhooks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a delivery gets back: a result (status code and metric label), the event when there was one, and a
 * reason for people reading the forge's delivery log.
 */
public record WebhookReply(DeliveryResult result, WebhookEvent event, String reason) {

    public int httpStatus() {
        return result.httpStatus();
    }

    /**
     * The response document: {@code {"accepted":"sync|plan|ignored|duplicate", …}} on success,
     * {@code {"error":"…","reason":"…"}} otherwise, as every other gitfleet endpoint answers errors.
     */
    public Map<String, Object> document() {
        Map<String, Object> doc = new LinkedHashMap<>();
        switch (result) {
            case ACCEPTED, IGNORED, DUPLICATE -> {
                doc.put("accepted", accepted());
                if (event != null && event.deliveryId() != null) {
                    doc.put("deliveryId", event.deliveryId());
                }
            }
            default -> doc.put("error", result.label());
        }
        if (reason != null) {
            doc.put("reason", reason);
        }
        return doc;
    }

    private String accepted() {
        if (result == DeliveryResult.DUPLICATE) {
            return "duplicate";
        }
        if (result == DeliveryResult.IGNORED) {
            return "ignored";
        }
        if (event instanceof WebhookEvent.Sync) {
            return "sync";
        }
        return event instanceof WebhookEvent.PlanPullRequest ? "plan" : "ignored";
    }
}
